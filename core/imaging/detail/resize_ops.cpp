// SPDX-License-Identifier: MIT
#include "core/imaging/detail/resize_ops.h"

#include <opencv2/imgproc.hpp>

namespace symmflow::imaging::detail {

cv::Mat resizeColor(const cv::Mat& src, int width, int height) {
  cv::Mat out;
  if (src.cols == width && src.rows == height) return src.clone();
  const int interpolation = (width <= src.cols && height <= src.rows) ? cv::INTER_AREA : cv::INTER_CUBIC;
  cv::resize(src, out, cv::Size(width, height), 0, 0, interpolation);
  return out;
}

cv::Mat resizeNearest(const cv::Mat& src, int width, int height) {
  cv::Mat out;
  if (src.cols == width && src.rows == height) return src.clone();
  cv::resize(src, out, cv::Size(width, height), 0, 0, cv::INTER_NEAREST_EXACT);
  return out;
}

}  // namespace symmflow::imaging::detail
