// SPDX-License-Identifier: MIT
#pragma once
// Internal to symmflow_imaging: the libpng parts (writing 8-bit grey/RGB PNGs with
// text chunks, reading text chunks). libpng's setjmp error handling stays inside
// png_codec.cpp.
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/imaging/image_io.h"
#include "core/result.h"

namespace symmflow::imaging::detail {

// Checks a PNG text keyword (1-79 printable Latin-1 bytes, no leading, trailing or
// consecutive spaces). Empty string when valid, else the reason.
std::string pngKeywordProblem(const std::string& key);

// Writes an 8-bit PNG (channels 1 = grey, 3 = RGB), rows tightly packed, to `file`.
Status writePng(std::FILE* file, const std::uint8_t* pixels, int width, int height, int channels,
                const TextChunks& text);

// Reads the text chunks of the PNG in `path` (see readPngText).
Result<TextChunks> readPngTextChunks(const std::string& path);

}  // namespace symmflow::imaging::detail
