// SPDX-License-Identifier: MIT
#pragma once
// Internal to symmflow_imaging: checked decoding with OpenCV (sizes come from
// image_header.h first).
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "core/imaging/image_io.h"
#include "core/result.h"

namespace symmflow::imaging::detail {

// Reads and decodes `path` with every check of loadImage (a regular file, not empty, a
// header of a format parseHeader reads, the pixel limit, decoding failure); content of
// any other format never reaches OpenCV. raw = true keeps channels, depth and alpha as
// stored (IMREAD_UNCHANGED; palette PNGs come out as BGR/BGRA); raw = false decodes
// JPEG with IMREAD_COLOR (EXIF orientation applied) and other formats unchanged.
// Channel order is OpenCV's (BGR/BGRA).
Result<cv::Mat> decodeFile(const std::string& path, std::int64_t maxPixels, bool raw);

}  // namespace symmflow::imaging::detail
