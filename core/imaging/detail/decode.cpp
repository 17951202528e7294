// SPDX-License-Identifier: MIT
#include "core/imaging/detail/decode.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "core/imaging/detail/atomic_file.h"
#include "core/imaging/detail/image_header.h"
#include "core/imaging/image_io.h"

namespace symmflow::imaging::detail {
namespace {

constexpr std::int64_t kMaxSide = 1 << 20;  // OpenCV's CV_IO_MAX_IMAGE_WIDTH/HEIGHT

bool startsWith(const std::string& b, const char* magic, std::size_t n) {
  return b.size() >= n && b.compare(0, n, magic, n) == 0;
}

std::string megapixels(std::int64_t pixels) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MP", static_cast<double>(pixels) / 1e6);
  return text;
}

// Files users often pick that OpenCV cannot decode: name what the file is and what to do,
// rather than "not an image". Empty when the content is not one of these.
std::string unsupportedKind(const std::string& b) {
  if (startsWith(b, "GIF87a", 6) || startsWith(b, "GIF89a", 6)) return "a GIF image";
  if (b.size() >= 12 && b.compare(4, 4, "ftyp") == 0) {
    const std::string brand = b.substr(8, 4);
    if (brand == "avif" || brand == "avis") return "an AVIF image";
    if (brand == "heic" || brand == "heix" || brand == "mif1" || brand == "msf1" || brand == "hevc")
      return "a HEIC/HEIF image (as iPhones save photos)";
    return "a video or other ISO media file";
  }
  if (startsWith(b, "%PDF", 4)) return "a PDF document";
  if (startsWith(b, "8BPS", 4)) return "a Photoshop (PSD) file";
  if (startsWith(b, "\x00\x00\x01\x00", 4)) return "a Windows icon (ICO) file";
  if (startsWith(b, "\x00\x00\x00\x0CJXL ", 8) || startsWith(b, "\xFF\x0A", 2)) return "a JPEG XL image";
  if (startsWith(b, "\x76\x2F\x31\x01", 4)) return "an OpenEXR image";
  if (startsWith(b, "II+\0", 4) || startsWith(b, "MM\0+", 4)) return "a BigTIFF image";
  if (b.size() >= 132 && b.compare(128, 4, "DICM") == 0) return "a DICOM medical image";
  const auto head = b.substr(0, std::min<std::size_t>(b.size(), 512));
  if (head.find("<svg") != std::string::npos) return "an SVG drawing";
  return {};
}

// The name suggested for the converted copy: the file's stem with .png, or, when the file
// already ends in .png (a GIF named .png), the stem with "-converted.png".
std::string convertedName(const std::string& path) {
  return std::filesystem::path(path).stem().string() + (lowerExtension(path) == "png" ? "-converted.png" : ".png");
}

}  // namespace

Result<cv::Mat> decodeFile(const std::string& path, std::int64_t maxPixels, bool raw) {
  auto bytes = readWholeFile(path);
  if (!bytes) return Error{bytes.error()};
  const std::string& b = bytes.value();
  if (b.empty()) return Error{"'" + path + "' is empty (0 bytes)"};
  if (b.size() > kMaxWholeFileBytes) return Error{"'" + path + "' is too large (over 2 GB)"};  // grew while read
  auto header = parseHeader(b, path);
  if (!header) return Error{header.error()};
  const ImageHeader& h = header.value();

  auto checkSize = [&](std::int64_t w, std::int64_t hgt) -> Status {
    if (w <= 0 || hgt <= 0)
      return Error{"'" + path + "' has zero size (" + std::to_string(w) + "x" + std::to_string(hgt) + ")"};
    if (maxPixels > 0 && w * hgt > maxPixels)
      return Error{"'" + path + "' is too large: " + std::to_string(w) + "x" + std::to_string(hgt) + " (" +
                   megapixels(w * hgt) + ") is over the limit of " + megapixels(maxPixels) +
                   "; scale it down first (for example with ImageMagick: convert '" + path +
                   "' -resize 4000x4000 smaller.png)"};
    // OpenCV refuses a side over 2^20 pixels (and would call the file undecodable).
    if (w > kMaxSide || hgt > kMaxSide)
      return Error{"'" + path + "' is too large: " + std::to_string(w) + "x" + std::to_string(hgt) +
                   " has a side of more than " + std::to_string(kMaxSide) + " pixels; scale it down first"};
    return Status::success();
  };
  // Only formats whose size was read above reach OpenCV. OpenCV recognises more (bare
  // WebP bitstreams without their RIFF wrapper, DICOM through GDCM, ...) and allocates
  // whatever their headers claim, up to 2^30 pixels: a 39-byte bare VP8L bitstream cost
  // 430 MB (found while fuzzing loadImage).
  if (h.format == "unknown") {
    if (const std::string kind = unsupportedKind(b); !kind.empty())
      return Error{"'" + path + "' is " + kind +
                   ", which this program cannot read: convert it to PNG or JPEG first (for example "
                   "with GIMP, or with ImageMagick: convert '" +
                   std::filesystem::path(path).filename().string() + "' '" + convertedName(path) + "')"};
    return Error{"'" + path +
                 "' is not an image: its content is none of the formats this program reads (PNG, JPEG, "
                 "BMP, TIFF, WebP, JPEG 2000, PNM/PAM/PFM, Sun raster, Radiance HDR)"};
  }
  if (auto s = checkSize(h.width, h.height); !s) return Error{s.error()};

  const int flags = (!raw && h.format == "JPEG") ? cv::IMREAD_COLOR : cv::IMREAD_UNCHANGED;
  cv::Mat image;
  std::string why;
  try {
    const cv::Mat buffer(1, static_cast<int>(b.size()), CV_8UC1, const_cast<char*>(b.data()));
    image = cv::imdecode(buffer, flags);
  } catch (const cv::Exception& e) {
    why = e.err;
  } catch (const std::exception& e) {
    why = e.what();
  }
  if (image.empty())
    return Error{"'" + path + "' is a corrupt or truncated " + h.format + " file (it could not be decoded" +
                 (why.empty() ? "" : ": " + why) + ")"};
  if (auto s = checkSize(image.cols, image.rows); !s) return Error{s.error()};
  return image;
}

}  // namespace symmflow::imaging::detail
