// SPDX-License-Identifier: MIT
#include "core/imaging/image_io.h"

#include <algorithm>
#include <cctype>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/imaging/detail/atomic_file.h"
#include "core/imaging/detail/cv_convert.h"
#include "core/imaging/detail/decode.h"
#include "core/imaging/detail/image_header.h"
#include "core/imaging/detail/png_codec.h"

namespace symmflow::imaging {
namespace {

// Any depth -> 8 bits: 16-bit / 257, float assumed in 0..1, others saturated.
cv::Mat to8Bit(const cv::Mat& m) {
  if (m.depth() == CV_8U) return m;
  cv::Mat out;
  switch (m.depth()) {
    case CV_16U: m.convertTo(out, CV_8U, 1.0 / 257.0); break;
    case CV_32F:
    case CV_64F: m.convertTo(out, CV_8U, 255.0); break;
    default: m.convertTo(out, CV_8U); break;
  }
  return out;
}

// An 8-bit OpenCV image (1-4 channels, BGR order) -> RgbImage; alpha over white.
RgbImage toRgb(const cv::Mat& decoded) {
  const cv::Mat m = to8Bit(decoded);
  RgbImage out(m.cols, m.rows);
  const int cn = m.channels();
  for (int y = 0; y < m.rows; ++y) {
    const std::uint8_t* src = m.ptr<std::uint8_t>(y);
    std::uint8_t* dst = out.at(0, y);
    for (int x = 0; x < m.cols; ++x, src += cn, dst += 3) {
      int r = 0, g = 0, b = 0, a = 255;
      switch (cn) {
        case 1: r = g = b = src[0]; break;
        case 2:
          r = g = b = src[0];
          a = src[1];
          break;
        case 3:
          b = src[0];
          g = src[1];
          r = src[2];
          break;
        default:
          b = src[0];
          g = src[1];
          r = src[2];
          a = src[3];
          break;
      }
      if (a != 255) {
        // Composite over white, rounded: c*a/255 + 255*(255-a)/255.
        auto over = [a](int c) { return (c * a + 255 * (255 - a) + 127) / 255; };
        r = over(r);
        g = over(g);
        b = over(b);
      }
      dst[0] = static_cast<std::uint8_t>(r);
      dst[1] = static_cast<std::uint8_t>(g);
      dst[2] = static_cast<std::uint8_t>(b);
    }
  }
  return out;
}

Status checkImage(const RgbImage& image, const std::string& path) {
  if (image.empty()) return Error{"cannot save '" + path + "': the image is empty"};
  if (image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * 3)
    return Error{"cannot save '" + path + "': the image's pixel buffer does not match its size"};
  return Status::success();
}

}  // namespace

std::string lowerExtension(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

Result<ImageHeader> probeImage(const std::string& path) {
  auto bytes = detail::readWholeFile(path);
  if (!bytes) return Error{bytes.error()};
  if (bytes.value().empty()) return Error{"'" + path + "' is empty (0 bytes)"};
  return detail::parseHeader(bytes.value(), path);
}

Result<RgbImage> loadImage(const std::string& path, std::int64_t maxPixels) {
  auto decoded = detail::decodeFile(path, maxPixels, /*raw=*/false);
  if (!decoded) return Error{decoded.error()};
  try {
    return toRgb(decoded.value());
  } catch (const std::exception& e) {  // cv::Exception, bad_alloc
    return Error{"cannot load '" + path + "': " + e.what()};
  }
}

Status savePng(const RgbImage& image, const std::string& path, const TextChunks& text) {
  if (auto s = checkImage(image, path); !s) return s;
  for (const auto& entry : text)
    if (auto problem = detail::pngKeywordProblem(entry.first); !problem.empty())
      return Error{"cannot save '" + path + "': " + problem};
  return detail::writeFileAtomically(path, [&](std::FILE* file) {
    return detail::writePng(file, image.pixels.data(), image.width, image.height, 3, text);
  });
}

Status saveImage(const RgbImage& image, const std::string& path, const TextChunks& text, int jpegQuality) {
  const std::string ext = lowerExtension(path);
  if (ext == "png") return savePng(image, path, text);
  if (auto s = checkImage(image, path); !s) return s;
  std::vector<int> params;
  std::string cvExt;
  if (ext == "jpg" || ext == "jpeg") {
    cvExt = ".jpg";
    params = {cv::IMWRITE_JPEG_QUALITY, std::clamp(jpegQuality, 1, 100)};
  } else if (ext == "bmp" || ext == "tif" || ext == "tiff" || ext == "webp") {
    cvExt = "." + ext;
  } else {
    return Error{"cannot save '" + path + "': unsupported extension '" + ext +
                 "' (use .png, .jpg, .jpeg, .bmp, .tif, .tiff or .webp)"};
  }
  std::vector<std::uint8_t> encoded;
  try {
    cv::Mat bgr;
    cv::cvtColor(detail::viewOf(image), bgr, cv::COLOR_RGB2BGR);
    if (!cv::imencode(cvExt, bgr, encoded, params))
      return Error{"cannot save '" + path + "': OpenCV could not encode " + ext};
  } catch (const std::exception& e) {
    return Error{"cannot save '" + path + "': " + e.what()};
  }
  return detail::writeFileAtomically(path, [&](std::FILE* file) -> Status {
    if (std::fwrite(encoded.data(), 1, encoded.size(), file) != encoded.size()) return Error{"write failed"};
    return Status::success();
  });
}

Result<TextChunks> readPngText(const std::string& path) { return detail::readPngTextChunks(path); }

}  // namespace symmflow::imaging
