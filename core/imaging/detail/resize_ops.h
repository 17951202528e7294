// SPDX-License-Identifier: MIT
#pragma once
// Internal to symmflow_imaging: the resize rules of resample.h on cv::Mat.
#include <opencv2/core.hpp>

namespace symmflow::imaging::detail {

// CV_8UC3 (or any 8-bit image): INTER_AREA when smaller in both directions, bicubic
// otherwise; same size copies.
cv::Mat resizeColor(const cv::Mat& src, int width, int height);

// CV_8UC1 labels, nearest on pixel centres.
cv::Mat resizeNearest(const cv::Mat& src, int width, int height);

}  // namespace symmflow::imaging::detail
