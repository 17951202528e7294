// SPDX-License-Identifier: MIT
#include "core/imaging/detail/image_header.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace symmflow::imaging::detail {
namespace {

std::uint32_t be16(const std::string& b, std::size_t i) {
  return (std::uint32_t(std::uint8_t(b[i])) << 8) | std::uint8_t(b[i + 1]);
}
std::uint32_t be32(const std::string& b, std::size_t i) { return (be16(b, i) << 16) | be16(b, i + 2); }
std::uint32_t le16(const std::string& b, std::size_t i) {
  return std::uint32_t(std::uint8_t(b[i])) | (std::uint32_t(std::uint8_t(b[i + 1])) << 8);
}
std::uint32_t le32(const std::string& b, std::size_t i) { return le16(b, i) | (le16(b, i + 2) << 16); }
std::uint32_t le24(const std::string& b, std::size_t i) {
  return le16(b, i) | (std::uint32_t(std::uint8_t(b[i + 2])) << 16);
}

bool startsWith(const std::string& b, const char* magic, std::size_t n) {
  return b.size() >= n && b.compare(0, n, magic, n) == 0;
}

Error malformed(const std::string& path, const std::string& format, const std::string& why) {
  return Error{"'" + path + "' is a corrupt or truncated " + format + " file (" + why + ")"};
}

constexpr std::size_t kMaxJpegScans = 500;

// Clamps header sizes into int; absurd values become INT_MAX so that the pixel
// limit reports them.
int toInt(std::uint64_t v) { return v > 0x7fffffffULL ? 0x7fffffff : static_cast<int>(v); }

Result<ImageHeader> parseJpeg(const std::string& b, const std::string& path) {
  std::size_t pos = 2;
  while (true) {
    while (pos < b.size() && std::uint8_t(b[pos]) != 0xFF) ++pos;  // tolerate junk
    while (pos < b.size() && std::uint8_t(b[pos]) == 0xFF) ++pos;  // fill bytes
    if (pos >= b.size()) return malformed(path, "JPEG", "no frame header found");
    const std::uint8_t marker = std::uint8_t(b[pos++]);
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;
    if (marker == 0xD9 || marker == 0xDA) return malformed(path, "JPEG", "image data before the frame header");
    if (pos + 2 > b.size()) return malformed(path, "JPEG", "header cut short");
    const std::uint32_t length = be16(b, pos);
    if (length < 2) return malformed(path, "JPEG", "bad segment length");
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (pos + 7 > b.size()) return malformed(path, "JPEG", "header cut short");
      // libjpeg passes over every block of the image once per scan, even an empty one:
      // 10-byte empty scans cost ~6 ms each on a 50 MP image, so a 1 MB file of them would
      // hold the program for ten minutes. Entropy-coded data stuffs every 0xFF, so each
      // FF DA is a scan header (an EXIF thumbnail's included).
      std::size_t scans = 0;
      for (std::size_t i = pos; (i = b.find("\xFF\xDA", i, 2)) != std::string::npos; i += 2) ++scans;
      if (scans > kMaxJpegScans)
        return malformed(path, "JPEG",
                         std::to_string(scans) + " scans, more than the " + std::to_string(kMaxJpegScans) +
                             " decoded here; a photo has fewer than 20");
      // Nor does it stop at a cut-off file: it fills the missing rows with grey and only
      // warns on stderr. After the frame header an FF D9 can only be the end-of-image
      // marker (the scans' data stuffs every FF), so a file without one is cut short.
      if (b.find("\xFF\xD9", pos, 2) == std::string::npos)
        return malformed(path, "JPEG", "the image data ends before the end-of-image marker");
      return ImageHeader{toInt(be16(b, pos + 5)), toInt(be16(b, pos + 3)), "JPEG"};
    }
    pos += length;
  }
}

// Baseline TIFF: the first directory (the page OpenCV reads). When a tag repeats, the
// largest value counts, so the pixel check never sees less than a decoder might.
Result<ImageHeader> parseTiff(const std::string& b, const std::string& path) {
  const bool little = b[0] == 'I';
  auto u16 = [&](std::size_t i) { return little ? le16(b, i) : be16(b, i); };
  auto u32 = [&](std::size_t i) { return little ? le32(b, i) : be32(b, i); };
  if (b.size() < 8) return malformed(path, "TIFF", "header cut short");
  const std::size_t ifd = u32(4);
  if (ifd + 2 > b.size()) return malformed(path, "TIFF", "directory outside the file");
  const std::uint32_t entries = u16(ifd);
  // ImageWidth, ImageLength, TileWidth, TileLength
  std::int64_t width = -1, height = -1, tileWidth = 0, tileHeight = 0;
  for (std::uint32_t e = 0; e < entries; ++e) {
    const std::size_t at = ifd + 2 + 12 * std::size_t(e);
    if (at + 12 > b.size()) return malformed(path, "TIFF", "directory cut short");
    const std::uint32_t tag = u16(at);
    const std::int64_t value = u16(at + 2) == 3 ? u16(at + 8) : u32(at + 8);  // SHORT or LONG
    std::int64_t* field = tag == 256   ? &width
                          : tag == 257 ? &height
                          : tag == 322 ? &tileWidth
                          : tag == 323 ? &tileHeight
                                       : nullptr;
    if (field) *field = std::max(*field, value);
  }
  if (width < 0 || height < 0) return malformed(path, "TIFF", "no image size");
  // OpenCV decodes a tiled TIFF one tile at a time into a buffer of 4+ bytes per tile
  // pixel, sized by the tile tags alone: a 1024x1024 image declaring 30000x20000 tiles
  // cost 2.4 GB (found while fuzzing loadImage). Tiles may pad the image up to a
  // multiple of 16, and small images often keep a writer's default tile (256-1024).
  if (tileWidth > 0 || tileHeight > 0) {
    auto to16 = [](std::int64_t n) { return (n + 15) / 16 * 16; };
    auto padded = [&](std::int64_t n) { return std::max<std::int64_t>(to16(n), 1024); };
    if (tileWidth > padded(width) || tileHeight > padded(height) ||
        double(tileWidth) * double(tileHeight) > std::max(double(to16(width)) * double(to16(height)), double(1 << 20)))
      return malformed(path, "TIFF",
                       "tiles of " + std::to_string(tileWidth) + "x" + std::to_string(tileHeight) +
                           " pixels for an image of " + std::to_string(width) + "x" + std::to_string(height));
  }
  return ImageHeader{toInt(std::uint64_t(width)), toInt(std::uint64_t(height)), "TIFF"};
}

Result<ImageHeader> parsePnm(const std::string& b) {
  // P1..P6: magic, then width and height as ASCII, '#' comments allowed.
  std::size_t pos = 2;
  long long values[2] = {-1, -1};
  for (long long& v : values) {
    while (pos < b.size()) {
      if (b[pos] == '#') {
        while (pos < b.size() && b[pos] != '\n') ++pos;
      } else if (std::isspace(static_cast<unsigned char>(b[pos]))) {
        ++pos;
      } else {
        break;
      }
    }
    if (pos >= b.size() || !std::isdigit(static_cast<unsigned char>(b[pos]))) return ImageHeader{0, 0, "unknown"};
    v = 0;
    while (pos < b.size() && std::isdigit(static_cast<unsigned char>(b[pos])) && v < (1LL << 40))
      v = v * 10 + (b[pos++] - '0');
  }
  return ImageHeader{toInt(std::uint64_t(values[0])), toInt(std::uint64_t(values[1])), "PNM"};
}

// PAM (P7): "TOKEN value" lines up to ENDHDR; WIDTH and HEIGHT are required.
Result<ImageHeader> parsePam(const std::string& b, const std::string& path) {
  const std::size_t end = b.find("ENDHDR");
  const std::string head = b.substr(0, end);
  long long values[2] = {-1, -1};
  const char* keys[2] = {"\nWIDTH", "\nHEIGHT"};
  for (int k = 0; k < 2; ++k) {
    std::size_t pos = head.find(keys[k]);
    if (pos == std::string::npos) continue;
    pos += std::strlen(keys[k]);
    while (pos < head.size() && (head[pos] == ' ' || head[pos] == '\t')) ++pos;
    if (pos >= head.size() || !std::isdigit(static_cast<unsigned char>(head[pos]))) continue;
    values[k] = 0;
    while (pos < head.size() && std::isdigit(static_cast<unsigned char>(head[pos])) && values[k] < (1LL << 40))
      values[k] = values[k] * 10 + (head[pos++] - '0');
  }
  if (end == std::string::npos || values[0] < 0 || values[1] < 0)
    return malformed(path, "PAM", "no WIDTH, HEIGHT and ENDHDR");
  return ImageHeader{toInt(std::uint64_t(values[0])), toInt(std::uint64_t(values[1])), "PAM"};
}

// Radiance HDR: header lines, an empty line, then e.g. "-Y 480 +X 640".
Result<ImageHeader> parseHdr(const std::string& b, const std::string& path) {
  const std::size_t blank = b.find("\n\n");
  if (blank == std::string::npos) return malformed(path, "HDR", "header cut short");
  std::size_t pos = blank + 2;
  long long size[2] = {-1, -1};  // width, height
  for (int axis = 0; axis < 2; ++axis) {
    if (pos + 3 > b.size() || (b[pos] != '-' && b[pos] != '+') || (b[pos + 1] != 'X' && b[pos + 1] != 'Y'))
      return malformed(path, "HDR", "no resolution line");
    long long& v = size[b[pos + 1] == 'X' ? 0 : 1];
    pos += 2;
    while (pos < b.size() && b[pos] == ' ') ++pos;
    if (pos >= b.size() || !std::isdigit(static_cast<unsigned char>(b[pos])))
      return malformed(path, "HDR", "no resolution line");
    v = 0;
    while (pos < b.size() && std::isdigit(static_cast<unsigned char>(b[pos])) && v < (1LL << 40))
      v = v * 10 + (b[pos++] - '0');
    while (pos < b.size() && b[pos] == ' ') ++pos;
  }
  if (size[0] < 0 || size[1] < 0) return malformed(path, "HDR", "no resolution line");
  return ImageHeader{toInt(std::uint64_t(size[0])), toInt(std::uint64_t(size[1])), "HDR"};
}

// JPEG 2000: the SIZ marker that opens the codestream, either the whole file (.j2k) or
// the first 'jp2c' box of a .jp2 (the one OpenJPEG decodes; a SIZ-like byte run in an
// earlier box must not stand in for it).
Result<ImageHeader> parseJpeg2000(const std::string& b, const std::string& path) {
  std::size_t at = 0;
  if (!startsWith(b, "\xFF\x4F\xFF\x51", 4)) {
    at = std::string::npos;
    for (std::size_t box = 0; box + 8 <= b.size();) {
      std::uint64_t length = be32(b, box);
      std::size_t header = 8;
      if (length == 1) {  // 64-bit length follows the type
        if (box + 16 > b.size()) break;
        length = (std::uint64_t(be32(b, box + 8)) << 32) | be32(b, box + 12);
        header = 16;
      } else if (length == 0) {  // the box runs to the end of the file
        length = b.size() - box;
      }
      if (length < header) break;
      if (b.compare(box + 4, 4, "jp2c") == 0) {
        at = box + header;
        break;
      }
      if (length > b.size() - box) break;
      box += static_cast<std::size_t>(length);
    }
    if (at == std::string::npos) return malformed(path, "JPEG 2000", "no codestream box");
  }
  if (at + 24 > b.size() || b.compare(at, 4, "\xFF\x4F\xFF\x51", 4) != 0)
    return malformed(path, "JPEG 2000", "no SIZ header");
  const std::uint32_t xs = be32(b, at + 8), ys = be32(b, at + 12);
  const std::uint32_t x0 = be32(b, at + 16), y0 = be32(b, at + 20);
  return ImageHeader{toInt(xs > x0 ? xs - x0 : 0), toInt(ys > y0 ? ys - y0 : 0), "JPEG 2000"};
}

}  // namespace

Status checkPngChunks(const std::string& b, const std::string& path) {
  // Chunk = u32 length, 4-byte type, data, u32 CRC. Stops at IEND or a partial header
  // (libpng reports those as truncated).
  for (std::size_t pos = 8; pos + 8 <= b.size();) {
    const std::uint64_t length = be32(b, pos);
    const std::string type = b.substr(pos + 4, 4);
    if (length > 0x7fffffffULL || length + 12 > b.size() - pos) {
      std::string name;
      for (char c : type) name += std::isalpha(static_cast<unsigned char>(c)) ? c : '?';
      return malformed(path, "PNG",
                       "chunk '" + name + "' claims " + std::to_string(length) + " bytes, more than the file holds");
    }
    if (type == "IEND") break;
    pos += 12 + static_cast<std::size_t>(length);
  }
  return Status::success();
}

Result<ImageHeader> parseHeader(const std::string& b, const std::string& path) {
  if (startsWith(b, "\x89PNG\r\n\x1a\n", 8)) {
    if (b.size() < 24 || b.compare(12, 4, "IHDR") != 0) return malformed(path, "PNG", "no IHDR header");
    // libpng allocates (and clears) a chunk's declared length before reading it, so a
    // 150-byte file with a tEXt chunk claiming 2 GB would cost 2 GB (found by
    // tests/fuzz/fuzz_png_text): refuse lengths the file cannot hold.
    if (auto s = checkPngChunks(b, path); !s) return Error{s.error()};
    return ImageHeader{toInt(be32(b, 16)), toInt(be32(b, 20)), "PNG"};
  }
  if (startsWith(b, "\xFF\xD8\xFF", 3)) return parseJpeg(b, path);
  if (startsWith(b, "BM", 2) && b.size() >= 18) {
    if (b.size() < 26) return malformed(path, "BMP", "header cut short");
    const std::uint32_t dib = le32(b, 14);
    if (dib == 12) return ImageHeader{toInt(le16(b, 18)), toInt(le16(b, 20)), "BMP"};
    const auto w = static_cast<std::int32_t>(le32(b, 18));
    const auto h = static_cast<std::int32_t>(le32(b, 22));
    return ImageHeader{toInt(std::uint64_t(w < 0 ? -std::int64_t(w) : w)),
                       toInt(std::uint64_t(h < 0 ? -std::int64_t(h) : h)), "BMP"};
  }
  if (startsWith(b, "RIFF", 4) && b.size() >= 16 && b.compare(8, 4, "WEBP") == 0) {
    if (b.size() < 30) return malformed(path, "WebP", "header cut short");
    if (b.compare(12, 4, "VP8 ") == 0)
      return ImageHeader{toInt(le16(b, 26) & 0x3FFF), toInt(le16(b, 28) & 0x3FFF), "WebP"};
    if (b.compare(12, 4, "VP8L") == 0) {
      const std::uint32_t bits = le32(b, 21);
      return ImageHeader{toInt((bits & 0x3FFF) + 1), toInt(((bits >> 14) & 0x3FFF) + 1), "WebP"};
    }
    if (b.compare(12, 4, "VP8X") == 0) return ImageHeader{toInt(le24(b, 24) + 1ULL), toInt(le24(b, 27) + 1ULL), "WebP"};
    return malformed(path, "WebP", "unknown WebP chunk");
  }
  if (startsWith(b, "II*\0", 4) || startsWith(b, "MM\0*", 4)) return parseTiff(b, path);
  if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' && std::isspace(static_cast<unsigned char>(b[2])))
    return parsePnm(b);
  // The other formats OpenCV decodes: without their size here, a 60-byte file claiming
  // 30000x30000 made OpenCV allocate 2.7-10.8 GB before failing (OpenCV's own limit is
  // 2^30 pixels). Found while fuzzing loadImage (tests/fuzz/fuzz_load_image).
  if (b.size() >= 3 && b[0] == 'P' && (b[1] == 'F' || b[1] == 'f') && std::isspace(static_cast<unsigned char>(b[2]))) {
    auto h = parsePnm(b);
    if (h.ok() && h->format != "unknown") return ImageHeader{h->width, h->height, "PFM"};
    return malformed(path, "PFM", "no image size");
  }
  if (b.size() >= 3 && b[0] == 'P' && b[1] == '7' && std::isspace(static_cast<unsigned char>(b[2])))
    return parsePam(b, path);
  if (startsWith(b, "\x59\xA6\x6A\x95", 4)) {
    if (b.size() < 12) return malformed(path, "Sun raster", "header cut short");
    return ImageHeader{toInt(be32(b, 4)), toInt(be32(b, 8)), "Sun raster"};
  }
  if (startsWith(b, "#?RGBE", 6) || startsWith(b, "#?RADIANCE", 10)) return parseHdr(b, path);
  if (startsWith(b, "\xFF\x4F\xFF\x51", 4) || startsWith(b, "\x00\x00\x00\x0C\x6A\x50\x20\x20\x0D\x0A\x87\x0A", 12))
    return parseJpeg2000(b, path);
  return ImageHeader{0, 0, "unknown"};
}

}  // namespace symmflow::imaging::detail
