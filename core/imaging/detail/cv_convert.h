// SPDX-License-Identifier: MIT
#pragma once
// Internal to symmflow_imaging (includes OpenCV; never include from a public header):
// conversions between the plain value types and cv::Mat.
#include <cstring>

#include <opencv2/core.hpp>

#include "core/types.h"

namespace symmflow::imaging::detail {

// A CV_8UC3 (RGB order) view of the image's pixels, no copy. The caller must not
// write through it when the image is const.
inline cv::Mat viewOf(const RgbImage& image) {
  return cv::Mat(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.pixels.data()));
}
inline cv::Mat viewOf(RgbImage& image) { return cv::Mat(image.height, image.width, CV_8UC3, image.pixels.data()); }
// A CV_8UC1 view of the ids, no copy.
inline cv::Mat viewOf(const LabelMap& labels) {
  return cv::Mat(labels.height, labels.width, CV_8UC1, const_cast<std::uint8_t*>(labels.ids.data()));
}
inline cv::Mat viewOf(LabelMap& labels) { return cv::Mat(labels.height, labels.width, CV_8UC1, labels.ids.data()); }

// Copies a CV_8UC3 mat (RGB order, any step) into an RgbImage.
inline RgbImage rgbFromMat(const cv::Mat& m) {
  CV_Assert(m.type() == CV_8UC3);
  RgbImage out(m.cols, m.rows);
  for (int y = 0; y < m.rows; ++y)
    std::memcpy(out.at(0, y), m.ptr<std::uint8_t>(y), static_cast<std::size_t>(m.cols) * 3);
  return out;
}

// Copies a CV_8UC1 mat (any step) into a LabelMap.
inline LabelMap labelsFromMat(const cv::Mat& m) {
  CV_Assert(m.type() == CV_8UC1);
  LabelMap out(m.cols, m.rows);
  for (int y = 0; y < m.rows; ++y) std::memcpy(&out.at(0, y), m.ptr<std::uint8_t>(y), static_cast<std::size_t>(m.cols));
  return out;
}

}  // namespace symmflow::imaging::detail
