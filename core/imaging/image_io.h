// SPDX-License-Identifier: MIT
#pragma once
// Reading and writing photos: PNG, JPEG, BMP, TIFF, WebP, JPEG 2000, PNM/PAM/PFM, Sun
// raster and Radiance HDR in (decoded by OpenCV once their header has been read here),
// PNG (with text chunks) or JPEG out. No OpenCV, torch or Qt types appear here.
//
// Errors: every function returns a Result/Status whose message names the file and
// says what is wrong (missing, empty, not an image, corrupt or truncated, too large,
// cannot write). Nothing here throws; OpenCV and libpng failures are caught inside.
// Thread-safety: all functions are reentrant; they share no state.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/types.h"

namespace symmflow::imaging {

// PNG text chunks: (keyword, value) pairs in file order. Keywords are 1-79
// printable Latin-1 characters without leading, trailing or double spaces (the
// PNG rule). Values are UTF-8; ASCII values are written as tEXt, others as iTXt.
using TextChunks = std::vector<std::pair<std::string, std::string>>;

// Images larger than this (width*height, pixels) are refused by default: 50 MP.
inline constexpr std::int64_t kDefaultMaxPixels = 50'000'000;

// Size and format of an image file, read from its header without decoding pixels.
struct ImageHeader {
  int width = 0;
  int height = 0;
  std::string format;  // "PNG", "JPEG", "BMP", "TIFF", "WebP", "PNM", "PFM", "PAM", "Sun raster",
                       // "HDR", "JPEG 2000", or "unknown"
};

// Reads the header of `path`. Known formats (those of ImageHeader::format) report
// their size; other files give format "unknown" with size 0x0 (not an error:
// OpenCV may still decode them). Errors: missing/unreadable file, zero bytes,
// or a known signature whose header is truncated or malformed.
Result<ImageHeader> probeImage(const std::string& path);

// Loads `path` as 8-bit RGB. Grey becomes R=G=B, 16-bit and float samples are
// scaled to 8 bits, alpha is composited over white, JPEG EXIF orientation is applied.
// The pixel count is checked from the header before any pixel is decoded, so a
// file that claims 20000x20000 is refused without allocating; the message gives
// the size and the limit. maxPixels <= 0 disables the check. Content of any other
// format never reaches a decoder: "is not an image", or for files users often pick
// (GIF, HEIC, AVIF, PDF, PSD, SVG, DICOM, OpenEXR, ...) "is a GIF image, which this
// program cannot read: convert it ...".
// Errors: "does not exist", "is empty (0 bytes)", "is not an image", "is corrupt
// or truncated", "has zero size", "is too large".
Result<RgbImage> loadImage(const std::string& path, std::int64_t maxPixels = kDefaultMaxPixels);

// Writes `image` as an 8-bit RGB PNG with the given text chunks, atomically: the
// data goes to a temporary file in the same directory which is then renamed over
// `path`, so on any failure `path` keeps its previous content (or stays absent) and
// no temporary file remains. Errors: empty image, invalid text keyword, directory
// missing or not writable, disk full.
Status savePng(const RgbImage& image, const std::string& path, const TextChunks& text = {});

// The file name's extension, lower-case, without the dot ("Shot.PNG" -> "png"); empty when
// the name has none.
std::string lowerExtension(const std::string& path);

// Chooses the format from the extension (case-insensitive): .png -> savePng (with
// text); .jpg/.jpeg -> JPEG at `jpegQuality` (1-100; text is not stored);
// .bmp, .tif/.tiff, .webp via OpenCV (text not stored). Atomic like savePng.
// Errors: as savePng, plus "unsupported extension".
Status saveImage(const RgbImage& image, const std::string& path, const TextChunks& text = {}, int jpegQuality = 95);

// The text chunks (tEXt, zTXt, iTXt, before and after the image data) of a PNG,
// in file order; Latin-1 tEXt/zTXt values are converted to UTF-8.
// Errors: missing file, not a PNG, corrupt or truncated PNG.
Result<TextChunks> readPngText(const std::string& path);

}  // namespace symmflow::imaging
