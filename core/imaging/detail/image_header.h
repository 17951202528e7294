// SPDX-License-Identifier: MIT
#pragma once
// Internal to symmflow_imaging: reading an image file's size (and the header fields that
// size a decoder's buffers) from its bytes, before any decoder sees them.
#include <string>

#include "core/imaging/image_io.h"
#include "core/result.h"

namespace symmflow::imaging::detail {

// Parses the size from the bytes of a whole file (see probeImage). Besides the size it
// refuses, as a corrupt or truncated file, header fields that would make OpenCV's
// decoder allocate or work far beyond the image: TIFF tiles larger than the padded
// image, JPEGs of more than 500 scans, PNG chunks longer than the file. A .jp2's size
// is its codestream's. Format "unknown" (size 0x0) for content of any other format.
Result<ImageHeader> parseHeader(const std::string& bytes, const std::string& path);

// PNG only: every chunk's declared length fits in the rest of the file (`bytes` is the
// whole file). parseHeader checks it for PNGs; readPngText calls it before libpng.
Status checkPngChunks(const std::string& bytes, const std::string& path);

}  // namespace symmflow::imaging::detail
