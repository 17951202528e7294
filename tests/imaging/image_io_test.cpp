// SPDX-License-Identifier: MIT
#include "core/imaging/image_io.h"

#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "tests/imaging/test_util.h"

namespace symmflow::imaging {
namespace {

using test::TempDir;

::testing::AssertionResult hasFragment(const std::string& message, const std::string& fragment) {
  if (message.find(fragment) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "message \"" << message << "\" lacks \"" << fragment << "\"";
}

std::uint32_t crc32(const std::string& data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::string be32(std::uint32_t v) {
  return {char(v >> 24), char((v >> 16) & 0xFF), char((v >> 8) & 0xFF), char(v & 0xFF)};
}

// A PNG signature + IHDR chunk (valid CRC) claiming width x height, and nothing else.
std::string pngHeaderOnly(std::uint32_t width, std::uint32_t height) {
  std::string body = "IHDR" + be32(width) + be32(height) + std::string("\x08\x02\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + body + be32(crc32(body));
}

// probeImage and loadImage both succeed on `path` and agree on width x height.
::testing::AssertionResult probesAndLoadsAs(const std::string& path, int width, int height) {
  const auto header = probeImage(path);
  if (!header.ok()) return ::testing::AssertionFailure() << "probe: " << header.error();
  const auto image = loadImage(path);
  if (!image.ok()) return ::testing::AssertionFailure() << "load: " << image.error();
  if (header->width != width || header->height != height || image->width != width || image->height != height)
    return ::testing::AssertionFailure() << "probed " << header->width << "x" << header->height << ", loaded "
                                         << image->width << "x" << image->height << ", expected " << width << "x"
                                         << height;
  return ::testing::AssertionSuccess();
}

TEST(ImageIo, PngRoundTripOfRandomPixelsIsExact) {
  TempDir dir;
  const RgbImage image = test::randomImage(37, 23, 1);
  ASSERT_TRUE(savePng(image, dir.file("a.png")).ok());
  auto loaded = loadImage(dir.file("a.png"));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded.value(), image);
  auto header = probeImage(dir.file("a.png"));
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->width, 37);
  EXPECT_EQ(header->height, 23);
  EXPECT_EQ(header->format, "PNG");
}

TEST(ImageIo, TextChunksRoundTrip) {
  TempDir dir;
  const TextChunks text = {{"Software", "SymmFlow Studio"},
                           {"symmflow.json", "{\"seed\": 7, \"steps\": [1, 2]}"},
                           {"Comment", "caf\xC3\xA9 \xE2\x9C\x93 (UTF-8)"},
                           {"empty", ""}};
  ASSERT_TRUE(savePng(test::randomImage(8, 8, 2), dir.file("t.png"), text).ok());
  auto read = readPngText(dir.file("t.png"));
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read.value(), text);
  EXPECT_TRUE(loadImage(dir.file("t.png")).ok());
}

TEST(ImageIo, TextChunksAfterTheImageDataAreRead) {
  TempDir dir;
  ASSERT_TRUE(savePng(test::randomImage(30, 20, 12), dir.file("p.png"), {{"before", "1"}}).ok());
  std::string bytes = test::readBytes(dir.file("p.png"));
  const std::size_t iend = bytes.size() - 12;  // length, "IEND", CRC
  ASSERT_EQ(bytes.compare(iend + 4, 4, "IEND"), 0);
  const std::string body = std::string("tEXtafter") + '\0' + "caf\xE9";  // Latin-1 value
  bytes.insert(iend, be32(std::uint32_t(body.size() - 4)) + body + be32(crc32(body)));
  test::writeBytes(dir.file("p.png"), bytes);
  auto read = readPngText(dir.file("p.png"));
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read.value(), (TextChunks{{"before", "1"}, {"after", "caf\xC3\xA9"}}));
}

TEST(ImageIo, InvalidTextKeyIsRefusedWithoutWriting) {
  TempDir dir;
  const auto s = savePng(test::randomImage(4, 4, 3), dir.file("k.png"), {{" bad", "x"}});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(hasFragment(s.error(), "starts or ends with a space"));
  EXPECT_EQ(test::entryCount(dir.path()), 0);
}

TEST(ImageIo, ReadPngTextErrors) {
  TempDir dir;
  EXPECT_TRUE(hasFragment(readPngText(dir.file("none.png")).error(), "does not exist"));
  test::writeBytes(dir.file("x.png"), "hello, not a png");
  EXPECT_TRUE(hasFragment(readPngText(dir.file("x.png")).error(), "is not a PNG"));
}

TEST(ImageIo, SaveJpegAndOtherFormatsByExtension) {
  TempDir dir;
  RgbImage image(64, 48);
  for (int y = 0; y < 48; ++y)
    for (int x = 0; x < 64; ++x) {
      image.at(x, y)[0] = std::uint8_t(x * 4);
      image.at(x, y)[1] = std::uint8_t(y * 5);
      image.at(x, y)[2] = 128;
    }
  ASSERT_TRUE(saveImage(image, dir.file("a.JPG")).ok());
  auto jpeg = loadImage(dir.file("a.JPG"));
  ASSERT_TRUE(jpeg.ok()) << jpeg.error();
  ASSERT_EQ(jpeg->width, 64);
  double error = 0;
  for (std::size_t i = 0; i < image.pixels.size(); ++i) error += std::abs(int(image.pixels[i]) - int(jpeg->pixels[i]));
  EXPECT_LT(error / double(image.pixels.size()), 3.0) << "colour channels swapped or lossy";
  EXPECT_EQ(probeImage(dir.file("a.JPG"))->format, "JPEG");
  ASSERT_TRUE(saveImage(image, dir.file("a.bmp")).ok());
  EXPECT_EQ(loadImage(dir.file("a.bmp")).value(), image);
  const auto bad = saveImage(image, dir.file("a.gif"));
  EXPECT_TRUE(hasFragment(bad.error(), "unsupported extension"));
}

TEST(ImageIo, GreyAlphaAnd16BitBecome8BitRgb) {
  TempDir dir;
  cv::Mat grey(2, 3, CV_8UC1, cv::Scalar(77));
  ASSERT_TRUE(cv::imwrite(dir.file("g.png"), grey));
  auto g = loadImage(dir.file("g.png"));
  ASSERT_TRUE(g.ok()) << g.error();
  EXPECT_EQ(g.value(), RgbImage(3, 2, 77));

  cv::Mat deep(2, 2, CV_16UC3, cv::Scalar(0, 257 * 100, 65535));  // B, G, R
  ASSERT_TRUE(cv::imwrite(dir.file("d.png"), deep));
  auto d = loadImage(dir.file("d.png"));
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(d->at(1, 1)[0], 255);
  EXPECT_EQ(d->at(1, 1)[1], 100);
  EXPECT_EQ(d->at(1, 1)[2], 0);

  cv::Mat rgba(1, 2, CV_8UC4, cv::Scalar(0, 0, 0, 255));  // opaque black, then transparent
  rgba.at<cv::Vec4b>(0, 1) = cv::Vec4b(0, 0, 0, 0);
  ASSERT_TRUE(cv::imwrite(dir.file("a.png"), rgba));
  auto a = loadImage(dir.file("a.png"));
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_EQ(a->at(0, 0)[0], 0);
  EXPECT_EQ(a->at(1, 0)[0], 255) << "transparent pixels are composited over white";
}

// `jpeg` with an EXIF APP1 segment (little-endian TIFF, one IFD entry) setting Orientation,
// as phones write it, right after the start-of-image marker.
std::string withExifOrientation(const std::string& jpeg, int orientation) {
  std::string tiff = std::string("II*\0", 4) + std::string("\x08\0\0\0", 4) + std::string("\x01\0", 2);
  tiff += std::string("\x12\x01\x03\0\x01\0\0\0", 8) + char(orientation) + std::string(3, '\0');
  tiff += std::string(4, '\0');  // no next IFD
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const std::size_t length = payload.size() + 2;
  const std::string app1 = std::string("\xFF\xE1", 2) + char(length >> 8) + char(length & 0xFF) + payload;
  return jpeg.substr(0, 2) + app1 + jpeg.substr(2);
}

TEST(ImageIo, JpegExifOrientationIsAppliedAsViewersShowIt) {
  // 32x16: left half red, right half blue. Orientation 6 (a phone held upright) shows it
  // turned a quarter clockwise: 16x32 with red on top; 3 turns it half: blue on the left;
  // 8 turns it a quarter anticlockwise: red at the bottom.
  TempDir dir;
  RgbImage image(32, 16);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 32; ++x) {
      std::uint8_t* p = image.at(x, y);
      p[0] = x < 16 ? 230 : 20;
      p[1] = 20;
      p[2] = x < 16 ? 20 : 230;
    }
  ASSERT_TRUE(saveImage(image, dir.file("plain.jpg")).ok());
  const std::string plain = test::readBytes(dir.file("plain.jpg"));
  auto isRed = [](const RgbImage& im, int x, int y) { return im.at(x, y)[0] > 150 && im.at(x, y)[2] < 100; };
  auto isBlue = [](const RgbImage& im, int x, int y) { return im.at(x, y)[2] > 150 && im.at(x, y)[0] < 100; };

  // Orientation, the size shown, a pixel that shows red and one that shows blue.
  struct Case {
    int orientation, width, height, redX, redY, blueX, blueY;
  };
  for (const Case& c : {Case{6, 16, 32, 8, 4, 8, 27}, Case{3, 32, 16, 27, 8, 4, 8}, Case{8, 16, 32, 8, 27, 8, 4},
                        Case{1, 32, 16, 4, 8, 27, 8}}) {
    SCOPED_TRACE("orientation " + std::to_string(c.orientation));
    const std::string path = dir.file("o" + std::to_string(c.orientation) + ".jpg");
    test::writeBytes(path, withExifOrientation(plain, c.orientation));
    auto shown = loadImage(path);
    ASSERT_TRUE(shown.ok()) << shown.error();
    ASSERT_EQ(shown->width, c.width);
    ASSERT_EQ(shown->height, c.height);
    EXPECT_TRUE(isRed(*shown, c.redX, c.redY));
    EXPECT_TRUE(isBlue(*shown, c.blueX, c.blueY));
  }
}

TEST(ImageIo, LoadErrorsSayWhatIsWrong) {
  TempDir dir;
  EXPECT_TRUE(hasFragment(loadImage(dir.file("missing.png")).error(), "does not exist"));
  EXPECT_TRUE(hasFragment(loadImage(dir.path()).error(), "is a folder"));

  test::writeBytes(dir.file("zero.png"), "");
  EXPECT_TRUE(hasFragment(loadImage(dir.file("zero.png")).error(), "is empty (0 bytes)"));

  test::writeBytes(dir.file("text.png"), "This is a text file that someone renamed to .png\n");
  EXPECT_TRUE(hasFragment(loadImage(dir.file("text.png")).error(), "is not an image"));

  // Formats users pick that OpenCV does not decode: say what the file is and what to do.
  const std::pair<std::string, std::string> unsupported[] = {
      {std::string("GIF89a\x02\x00\x02\x00\x80\x00\x00", 13), "is a GIF image"},
      {std::string("\x00\x00\x00\x18"
                   "ftypheic\x00\x00\x00\x00mif1heic",
                   24),
       "is a HEIC/HEIF image"},
      {std::string("\x00\x00\x00\x1c"
                   "ftypavif\x00\x00\x00\x00",
                   16),
       "is an AVIF image"},
      {"%PDF-1.7\n%...", "is a PDF document"},
      {"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "is an SVG drawing"},
      {std::string("8BPS\x00\x01\x00\x00", 8), "is a Photoshop (PSD) file"},
      // OpenCV decodes these three (or may), but their size is not read here: refused.
      {std::string(128, '\0') + "DICM" + std::string(64, '\x01'), "is a DICOM medical image"},
      {std::string("\x76\x2F\x31\x01\x02\x00\x00\x00", 8), "is an OpenEXR image"},
      {std::string("II+\0\x08\x00\x00\x00", 8), "is a BigTIFF image"}};
  for (const auto& [bytes, what] : unsupported) {
    test::writeBytes(dir.file("picked.img"), bytes);
    const auto e = loadImage(dir.file("picked.img"));
    ASSERT_FALSE(e.ok()) << what;
    EXPECT_TRUE(hasFragment(e.error(), what)) << e.error();
    EXPECT_TRUE(hasFragment(e.error(), "convert it to PNG or JPEG")) << e.error();
    EXPECT_TRUE(hasFragment(e.error(), "convert 'picked.img' 'picked.png'")) << e.error();
  }
  // A GIF named .png: the suggested copy does not overwrite it.
  test::writeBytes(dir.file("Shot.PNG"), unsupported[0].first);
  EXPECT_TRUE(hasFragment(loadImage(dir.file("Shot.PNG")).error(), "convert 'Shot.PNG' 'Shot-converted.png'"))
      << loadImage(dir.file("Shot.PNG")).error();

  // Devices never end and a FIFO blocks until a writer comes: refused before reading.
  const std::string fifo = dir.file("pipe.png");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& special : {fifo, std::string("/dev/zero")}) {
    if (::access(special.c_str(), F_OK) != 0) continue;
    EXPECT_TRUE(hasFragment(loadImage(special).error(), "is not a regular file (it is a device, a pipe or a socket)"))
        << special;
  }

  ASSERT_TRUE(savePng(test::randomImage(64, 64, 4), dir.file("full.png")).ok());
  const std::string full = test::readBytes(dir.file("full.png"));
  test::writeBytes(dir.file("cut.png"), full.substr(0, full.size() / 2));
  const auto cut = loadImage(dir.file("cut.png"));
  ASSERT_FALSE(cut.ok());
  EXPECT_TRUE(hasFragment(cut.error(), "corrupt or truncated PNG"));
  test::writeBytes(dir.file("stub.png"), full.substr(0, 12));
  EXPECT_TRUE(hasFragment(loadImage(dir.file("stub.png")).error(), "corrupt or truncated PNG"));

  test::writeBytes(dir.file("huge.png"), pngHeaderOnly(20000, 20000));
  const auto huge = loadImage(dir.file("huge.png"));
  ASSERT_FALSE(huge.ok());
  EXPECT_TRUE(hasFragment(huge.error(), "too large"));
  EXPECT_TRUE(hasFragment(huge.error(), "20000x20000"));
  EXPECT_TRUE(hasFragment(huge.error(), "400.0 MP"));
  EXPECT_TRUE(hasFragment(huge.error(), "limit of 50.0 MP"));

  // Within the pixel limit but wider than OpenCV decodes: too large, not "corrupt".
  test::writeBytes(dir.file("strip.png"), pngHeaderOnly(2000000, 2));
  EXPECT_TRUE(hasFragment(loadImage(dir.file("strip.png")).error(),
                          "is too large: 2000000x2 has a side of more than 1048576 pixels"))
      << loadImage(dir.file("strip.png")).error();

  test::writeBytes(dir.file("empty-size.png"), pngHeaderOnly(0, 10));
  EXPECT_TRUE(hasFragment(loadImage(dir.file("empty-size.png")).error(), "zero size"));
}

// Regression (tests/fuzz/fuzz_png_text): libpng allocates and clears a chunk's declared
// length before reading it, so this 50-byte file used to cost 2 GB of memory.
TEST(ImageIo, PngChunkLongerThanTheFileIsRefusedBeforeLibpngAllocates) {
  TempDir dir;
  const std::string bomb = pngHeaderOnly(3, 2) + be32(0x7e000018) + "tEXtkey\0value";
  test::writeBytes(dir.file("bomb.png"), bomb);
  const auto image = loadImage(dir.file("bomb.png"));
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(hasFragment(image.error(), "corrupt or truncated PNG"));
  EXPECT_TRUE(hasFragment(image.error(), "chunk 'tEXt' claims 2113929240 bytes"));
  const auto text = readPngText(dir.file("bomb.png"));
  ASSERT_FALSE(text.ok());
  EXPECT_TRUE(hasFragment(text.error(), "more than the file holds"));
  EXPECT_FALSE(probeImage(dir.file("bomb.png")).ok());
}

// Regression (found while fuzzing loadImage): formats whose header the pixel check did
// not read went straight to OpenCV, which allocated 2.7-10.8 GB for these 60-byte files.
TEST(ImageIo, HugeHeadersOfEveryDecodableFormatAreRefusedBeforeDecoding) {
  TempDir dir;
  const std::string sun = std::string("\x59\xA6\x6A\x95", 4) + be32(30000) + be32(30000) + be32(24) + be32(0) +
                          be32(1) + be32(0) + be32(0) + "abcdef";
  const std::string j2k =
      std::string("\xFF\x4F\xFF\x51\x00\x29\x00\x00", 8) + be32(30000) + be32(30000) + be32(0) + be32(0) + "abcdef";
  const std::pair<const char*, std::string> files[] = {
      {"big.pam", "P7\nWIDTH 30000\nHEIGHT 30000\nDEPTH 3\nMAXVAL 255\nTUPLTYPE RGB\nENDHDR\nabc"},
      {"big.pfm", "PF\n30000 30000\n-1.0\nabcdefgh"},
      {"big.ras", sun},
      {"big.hdr", "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 30000 +X 30000\nabcdef"},
      {"big.j2k", j2k},
  };
  for (const auto& [name, bytes] : files) {
    test::writeBytes(dir.file(name), bytes);
    const auto image = loadImage(dir.file(name));
    ASSERT_FALSE(image.ok()) << name;
    EXPECT_TRUE(hasFragment(image.error(), "too large: 30000x30000")) << name;
    const auto header = probeImage(dir.file(name));
    ASSERT_TRUE(header.ok()) << name << ": " << header.error();
    EXPECT_EQ(header->width, 30000) << name;
    EXPECT_EQ(header->height, 30000) << name;
  }
}

// A little-endian TIFF: 8-bit grey, uncompressed, `tile` x `tile` tiles (one tile's worth
// of pixel bytes, all `value`) or, with tile = 0, one strip.
std::string greyTiff(std::uint32_t width, std::uint32_t height, std::uint32_t tileWidth, std::uint32_t tileHeight,
                     std::uint8_t value) {
  auto le = [](std::uint32_t v, int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i) out += char((v >> (8 * i)) & 0xFF);
    return out;
  };
  const std::uint32_t dataBytes = tileWidth > 0 ? tileWidth * tileHeight : width * height;
  const std::string data(std::min<std::uint32_t>(dataBytes, 1 << 20), char(value));
  std::vector<std::pair<std::uint16_t, std::uint32_t>> tags = {{256, width}, {257, height}, {258, 8},
                                                               {259, 1},     {262, 1},      {277, 1}};
  if (tileWidth > 0) {
    tags.insert(tags.end(), {{322, tileWidth}, {323, tileHeight}, {324, 8}, {325, dataBytes}});
  } else {
    tags.insert(tags.end(), {{273, 8}, {278, height}, {279, dataBytes}});
  }
  std::sort(tags.begin(), tags.end());
  std::string tiff = "II*" + std::string(1, '\0') + le(8 + std::uint32_t(data.size()), 4) + data;
  tiff += le(std::uint32_t(tags.size()), 2);
  for (const auto& [tag, v] : tags) tiff += le(tag, 2) + le(4, 2) + le(1, 4) + le(v, 4);  // LONG values
  return tiff + le(0, 4);
}

// Regressions (found while fuzzing loadImage): OpenCV sizes a tiled TIFF's decode buffer
// by the tile tags alone (2.4 GB for this 200-byte file), and it decodes formats whose
// size the pixel check never read (a 39-byte bare VP8L bitstream cost 430 MB).
TEST(ImageIo, DecodersNeverSeeASizeThePixelCheckDidNotRead) {
  TempDir dir;
  test::writeBytes(dir.file("tiles.tif"), greyTiff(1024, 1024, 30000, 20000, 7));
  const auto tiles = loadImage(dir.file("tiles.tif"));
  ASSERT_FALSE(tiles.ok());
  EXPECT_TRUE(hasFragment(tiles.error(), "corrupt or truncated TIFF"));
  EXPECT_TRUE(hasFragment(tiles.error(), "tiles of 30000x20000 pixels for an image of 1024x1024"));
  // One tile covering the whole image, padded to a multiple of 16, is fine.
  test::writeBytes(dir.file("one-tile.tif"), greyTiff(1100, 1000, 1104, 1008, 7));
  const auto oneTile = probeImage(dir.file("one-tile.tif"));
  ASSERT_TRUE(oneTile.ok()) << oneTile.error();
  EXPECT_EQ(oneTile->width, 1100);
  // A writer's default 256x256 tile on a small image is fine, and so are strips.
  test::writeBytes(dir.file("small-tiles.tif"), greyTiff(100, 60, 256, 256, 17));
  test::writeBytes(dir.file("strip.tif"), greyTiff(100, 60, 0, 0, 33));
  for (const auto& [name, value] : {std::pair<const char*, int>{"small-tiles.tif", 17}, {"strip.tif", 33}}) {
    const auto image = loadImage(dir.file(name));
    ASSERT_TRUE(image.ok()) << name << ": " << image.error();
    EXPECT_EQ(image->width, 100) << name;
    EXPECT_EQ(image->height, 60) << name;
    EXPECT_EQ(int(image->pixels[3 * (59 * 100 + 99) + 1]), value) << name;
  }

  // OpenCV takes a WebP bitstream without its RIFF wrapper; this program does not.
  const std::string bareVp8l = std::string("\x2F\x19\x2D\x19\x19", 5) + std::string(31, '\x19') + "kX8";
  test::writeBytes(dir.file("bare.webp"), bareVp8l);
  EXPECT_TRUE(hasFragment(loadImage(dir.file("bare.webp")).error(), "is not an image"));
  // (DICOM, OpenEXR and BigTIFF: LoadErrorsSayWhatIsWrong.)
}

// libjpeg passes over the whole image once per scan, even an empty one: a 1 MB file of
// empty scans would hold a 50 MP decode for minutes. A progressive JPEG with 100 extra
// empty scans still loads; past 500 scans the file is refused before decoding.
TEST(ImageIo, JpegWithHundredsOfEmptyScansIsRefusedBeforeDecoding) {
  TempDir dir;
  cv::Mat bgr(48, 64, CV_8UC3, cv::Scalar(10, 120, 240));
  std::vector<uchar> encoded;
  ASSERT_TRUE(cv::imencode(".jpg", bgr, encoded, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}));
  const std::string jpeg(encoded.begin(), encoded.end());
  const std::size_t lastScan = jpeg.rfind("\xFF\xDA");
  ASSERT_NE(lastScan, std::string::npos);
  const std::size_t headerLength = 2 + ((std::uint8_t(jpeg[lastScan + 2]) << 8) | std::uint8_t(jpeg[lastScan + 3]));
  const std::string emptyScan = jpeg.substr(lastScan, headerLength);
  auto withEmptyScans = [&](int n) {
    std::string out = jpeg.substr(0, jpeg.size() - 2);  // up to EOI
    for (int k = 0; k < n; ++k) out += emptyScan;
    return out + "\xFF\xD9";
  };
  test::writeBytes(dir.file("some.jpg"), withEmptyScans(100));
  EXPECT_TRUE(probesAndLoadsAs(dir.file("some.jpg"), 64, 48));
  test::writeBytes(dir.file("many.jpg"), withEmptyScans(600));
  const auto many = loadImage(dir.file("many.jpg"));
  ASSERT_FALSE(many.ok());
  EXPECT_TRUE(hasFragment(many.error(), "corrupt or truncated JPEG"));
  EXPECT_TRUE(hasFragment(many.error(), "scans, more than the 500 decoded here"));
}

// libjpeg decodes a cut-off JPEG without an error (grey rows, a warning on stderr): the file is
// refused instead, as a truncated PNG is.
TEST(ImageIo, TruncatedJpegIsRefusedNotFilledWithGrey) {
  TempDir dir;
  cv::Mat bgr(240, 320, CV_8UC3);
  cv::randu(bgr, cv::Scalar::all(0), cv::Scalar::all(255));
  std::vector<uchar> encoded;
  ASSERT_TRUE(cv::imencode(".jpg", bgr, encoded));
  const std::string jpeg(encoded.begin(), encoded.end());
  test::writeBytes(dir.file("whole.jpg"), jpeg);
  EXPECT_TRUE(probesAndLoadsAs(dir.file("whole.jpg"), 320, 240));
  test::writeBytes(dir.file("cut.jpg"), jpeg.substr(0, jpeg.size() / 2));
  const auto cut = loadImage(dir.file("cut.jpg"));
  ASSERT_FALSE(cut.ok());
  EXPECT_TRUE(hasFragment(cut.error(), "corrupt or truncated JPEG")) << cut.error();
  EXPECT_FALSE(probeImage(dir.file("cut.jpg")).ok()) << "the studio checks before it asks anything";
}

// A .jp2's size is the SIZ of its codestream box, not a SIZ-like byte run in a box before it.
TEST(ImageIo, Jpeg2000SizeComesFromTheCodestreamBox) {
  TempDir dir;
  bool written = false;
  try {
    written = cv::imwrite(dir.file("real.jp2"), cv::Mat(48, 64, CV_8UC3, cv::Scalar(10, 120, 240)));
  } catch (const cv::Exception&) {
  }
  if (!written) GTEST_SKIP() << "this OpenCV has no JPEG 2000 encoder";
  const std::string real = test::readBytes(dir.file("real.jp2"));
  ASSERT_GT(real.size(), 40u);
  // Signature box (12 bytes), then 'ftyp'; OpenJPEG wants those two first.
  const std::size_t ftypLength = (std::uint8_t(real[12]) << 24) | (std::uint8_t(real[13]) << 16) |
                                 (std::uint8_t(real[14]) << 8) | std::uint8_t(real[15]);
  ASSERT_EQ(real.compare(16, 4, "ftyp"), 0);
  const std::string fakeSiz =
      std::string("\xFF\x4F\xFF\x51\x00\x29\x00\x00", 8) + be32(16) + be32(16) + be32(0) + be32(0);
  const std::string box = be32(8 + std::uint32_t(fakeSiz.size())) + "xml " + fakeSiz;
  test::writeBytes(dir.file("decoy.jp2"), real.substr(0, 12 + ftypLength) + box + real.substr(12 + ftypLength));
  for (const char* name : {"real.jp2", "decoy.jp2"}) EXPECT_TRUE(probesAndLoadsAs(dir.file(name), 64, 48)) << name;
  test::writeBytes(dir.file("no-codestream.jp2"), real.substr(0, 12 + ftypLength) + box);
  EXPECT_TRUE(hasFragment(loadImage(dir.file("no-codestream.jp2")).error(), "no codestream box"));
}

TEST(ImageIo, SmallImagesOfTheNewlyProbedFormatsStillLoad) {
  TempDir dir;
  cv::Mat bgr(48, 64, CV_8UC3, cv::Scalar(10, 120, 240));  // JPEG 2000 wants >= 32x32
  cv::Mat bgrFloat;
  bgr.convertTo(bgrFloat, CV_32FC3, 1.0 / 255.0);
  const std::pair<const char*, const cv::Mat*> files[] = {{"small.pam", &bgr},
                                                          {"small.ras", &bgr},
                                                          {"small.pfm", &bgrFloat},
                                                          {"small.hdr", &bgrFloat},
                                                          {"small.jp2", &bgr}};
  for (const auto& [name, mat] : files) {
    bool written = false;
    try {
      written = cv::imwrite(dir.file(name), *mat);
    } catch (const cv::Exception&) {
    }
    if (!written) continue;  // this OpenCV lacks the encoder
    EXPECT_TRUE(probesAndLoadsAs(dir.file(name), 64, 48)) << name;
  }
}

TEST(ImageIo, SaveIntoMissingFolderFails) {
  TempDir dir;
  const auto s = savePng(test::randomImage(4, 4, 5), dir.file("no/such/x.png"));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(hasFragment(s.error(), "does not exist"));
}

TEST(ImageIo, AtomicSaveKeepsPreviousFileWhenTheWriteFails) {
  TempDir dir;
  const std::string target = dir.file("keep.png");
  ASSERT_TRUE(savePng(test::randomImage(4, 4, 6), target, {{"version", "1"}}).ok());
  const std::string before = test::readBytes(target);

  // Make every write past 1 KiB fail (EFBIG) for this process, as a full disk would.
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = old;
  limited.rlim_cur = 1024;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
  const Status s = savePng(test::randomImage(256, 256, 7), target, {{"version", "2"}});
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, oldHandler);

  ASSERT_FALSE(s.ok()) << "the write should have failed under RLIMIT_FSIZE";
  EXPECT_TRUE(hasFragment(s.error(), "cannot save"));
  EXPECT_EQ(test::readBytes(target), before) << "the previous file was damaged";
  EXPECT_EQ(test::entryCount(dir.path()), 1) << "a temporary file was left behind";
  EXPECT_EQ(readPngText(target).value(), (TextChunks{{"version", "1"}}));
}

TEST(ImageIo, AtomicSaveKeepsPreviousFileInReadOnlyFolder) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: a read-only folder does not stop root";
  TempDir dir;
  const std::string target = dir.file("keep.png");
  ASSERT_TRUE(savePng(test::randomImage(4, 4, 8), target).ok());
  const std::string before = test::readBytes(target);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0555), 0);
  const Status s = savePng(test::randomImage(16, 16, 9), target);
  ::chmod(dir.path().c_str(), 0755);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(hasFragment(s.error(), "cannot create a file"));
  EXPECT_EQ(test::readBytes(target), before);
}

// Sets a file's modification time `secondsAgo` into the past.
void age(const std::string& path, int secondsAgo) {
  timespec times[2];
  ::clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= secondsAgo;
  times[1] = times[0];
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

TEST(ImageIo, SaveSweepsTemporariesOfKilledWritersButNotOfLiveOnes) {
  TempDir dir;
  const std::string target = dir.file("map.png");
  // What a writer killed mid-save leaves: an unlocked hidden file, some time ago.
  const std::string abandoned = dir.file(".map.png.tmp-Ab3dEf");
  test::writeBytes(abandoned, "half a png");
  age(abandoned, 60);
  // A writer that is still running holds the lock on its temporary file.
  const std::string live = dir.file(".map.png.tmp-L1veXX");
  test::writeBytes(live, "being written");
  age(live, 60);
  const int liveFd = ::open(live.c_str(), O_RDONLY);
  ASSERT_GE(liveFd, 0);
  ASSERT_EQ(::flock(liveFd, LOCK_EX | LOCK_NB), 0);
  // Too young to judge (its writer may not have taken the lock yet).
  const std::string young = dir.file(".map.png.tmp-Y0ungX");
  test::writeBytes(young, "just created");
  // Not ours: another target's temporary, and names that only look alike.
  const std::string other = dir.file(".other.png.tmp-Ab3dEf");
  const std::string lookalike = dir.file(".map.png.tmp-Ab3dEf7");
  const std::string visible = dir.file("map.png.tmp-Ab3dEf");
  for (const auto& f : {other, lookalike, visible}) {
    test::writeBytes(f, "keep me");
    age(f, 60);
  }

  ASSERT_TRUE(savePng(test::randomImage(8, 8, 3), target).ok());
  ::close(liveFd);

  namespace fs = std::filesystem;
  EXPECT_FALSE(fs::exists(abandoned)) << "a killed writer's temporary file was left";
  EXPECT_TRUE(fs::exists(live)) << "a live writer's temporary file was removed";
  EXPECT_TRUE(fs::exists(young));
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(lookalike));
  EXPECT_TRUE(fs::exists(visible));
  EXPECT_EQ(test::entryCount(dir.path()), 6);  // the target + the five kept files
  EXPECT_EQ(loadImage(target).value(), test::randomImage(8, 8, 3));
}

TEST(ImageIo, SaveEmptyImageFails) {
  TempDir dir;
  EXPECT_TRUE(hasFragment(savePng(RgbImage{}, dir.file("e.png")).error(), "empty"));
  EXPECT_EQ(test::entryCount(dir.path()), 0);
}

}  // namespace
}  // namespace symmflow::imaging
