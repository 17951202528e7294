// SPDX-License-Identifier: MIT
#pragma once
// Internal to symmflow_imaging: header probing and checked decoding with OpenCV.
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "core/imaging/image_io.h"
#include "core/result.h"

namespace symmflow::imaging::detail {

// Parses the size from the first bytes of a file (see probeImage).
Result<ImageHeader> parseHeader(const std::string& bytes, const std::string& path);

// PNG only: every chunk's declared length fits in the rest of the file (`bytes` is the
// whole file). parseHeader checks it for PNGs; readPngText calls it before libpng.
Status checkPngChunks(const std::string& bytes, const std::string& path);

// Reads and decodes `path` with every check of loadImage (existence, empty file, header
// size, pixel limit, decoding failure). raw = true keeps channels, depth and alpha as
// stored (IMREAD_UNCHANGED; palette PNGs come out as BGR/BGRA); raw = false decodes
// JPEG with IMREAD_COLOR (EXIF orientation applied) and other formats unchanged.
// Channel order is OpenCV's (BGR/BGRA).
Result<cv::Mat> decodeFile(const std::string& path, std::int64_t maxPixels, bool raw);

}  // namespace symmflow::imaging::detail
