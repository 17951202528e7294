// SPDX-License-Identifier: MIT
#include "core/imaging/resample.h"

#include <stdexcept>
#include <string>

#include <opencv2/imgproc.hpp>

#include "core/imaging/detail/cv_convert.h"
#include "core/imaging/detail/resize_ops.h"

namespace symmflow::imaging {

namespace {
void checkSize(int width, int height, const char* what) {
  if (width <= 0 || height <= 0)
    throw std::invalid_argument(std::string(what) + ": target size must be positive, got " + std::to_string(width) +
                                "x" + std::to_string(height));
}
}  // namespace

RgbImage resizeImage(const RgbImage& image, int width, int height) {
  checkSize(width, height, "resizeImage");
  if (image.empty() || image.pixels.size() != std::size_t(image.width) * image.height * 3)
    throw std::invalid_argument("resizeImage: empty or inconsistent image");
  return detail::rgbFromMat(detail::resizeColor(detail::viewOf(image), width, height));
}

LabelMap resizeLabels(const LabelMap& labels, int width, int height) {
  checkSize(width, height, "resizeLabels");
  if (labels.empty() || labels.ids.size() != std::size_t(labels.width) * labels.height)
    throw std::invalid_argument("resizeLabels: empty or inconsistent label map");
  return detail::labelsFromMat(detail::resizeNearest(detail::viewOf(labels), width, height));
}

FloatPlanes resizePlanes(const FloatPlanes& planes, int width, int height) {
  checkSize(width, height, "resizePlanes");
  if (planes.channels <= 0 || planes.width <= 0 || planes.height <= 0 ||
      planes.data.size() != std::size_t(planes.channels) * planes.width * planes.height)
    throw std::invalid_argument("resizePlanes: empty or inconsistent planes");
  FloatPlanes out;
  out.channels = planes.channels;
  out.width = width;
  out.height = height;
  out.data.resize(std::size_t(planes.channels) * width * height);
  const std::size_t inPlane = std::size_t(planes.width) * planes.height;
  const std::size_t outPlane = std::size_t(width) * height;
  for (int c = 0; c < planes.channels; ++c) {
    const cv::Mat src(planes.height, planes.width, CV_32FC1, const_cast<float*>(planes.data.data() + inPlane * c));
    cv::Mat dst(height, width, CV_32FC1, out.data.data() + outPlane * c);
    cv::resize(src, dst, dst.size(), 0, 0, cv::INTER_LINEAR);
  }
  return out;
}

}  // namespace symmflow::imaging
