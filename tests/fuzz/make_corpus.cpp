// SPDX-License-Identifier: MIT
// Writes the seed corpus of the fuzz targets: small valid inputs made with the
// project's own writers (and OpenCV for formats they do not write). Nothing is copied
// from a data set. Usage: make_corpus <output folder>; one subfolder per target.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/imaging/image_io.h"
#include "core/imaging/mask_io.h"
#include "core/model_info.h"
#include "core/safetensors.h"
#ifdef SYMMFLOW_FUZZ_WITH_QT
#include "ui/project_file.h"
#endif

namespace fs = std::filesystem;
using namespace symmflow;

namespace {

fs::path g_root;
int g_failures = 0;

void writeBytes(const std::string& target, const std::string& name, const std::string& bytes) {
  if (bytes.empty()) return;  // an encoder this OpenCV lacks
  const fs::path dir = g_root / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "make_corpus: cannot write %s/%s\n", target.c_str(), name.c_str());
    ++g_failures;
  }
}
std::string toString(const std::vector<std::uint8_t>& v) { return {v.begin(), v.end()}; }
std::string readBack(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void require(const Status& s, const char* what) {
  if (!s) {
    std::fprintf(stderr, "make_corpus: %s: %s\n", what, s.error().c_str());
    ++g_failures;
  }
}

TensorBlob blob(const std::string& name, DType dtype, std::vector<std::int64_t> shape) {
  TensorBlob b{name, dtype, std::move(shape), {}};
  std::size_t n = dtypeSize(dtype);
  for (auto d : b.shape) n *= static_cast<std::size_t>(d);
  b.bytes.resize(n);
  for (std::size_t i = 0; i < n; ++i) b.bytes[i] = static_cast<std::uint8_t>(i * 37 + 11);
  return b;
}

ClassList makeClasses(int k) {
  ClassList c;
  for (int i = 0; i < k; ++i)
    c.classes.push_back({"class" + std::to_string(i),
                         {std::uint8_t(i * 53 + 10), std::uint8_t(i * 97 + 20), std::uint8_t(i * 29 + 30)}});
  return c;
}

std::map<std::string, std::string> modelMetadata(int classes, int labelDownsample) {
  ModelConfig cfg;
  cfg.imageHeight = 32;
  cfg.imageWidth = 48;
  cfg.numClasses = classes;
  cfg.labelDownsample = labelDownsample;
  cfg.baseChannels = 8;
  cfg.channelMult = {1, 2};
  cfg.attentionLevels = {1};
  cfg.attentionHeads = 2;
  return {{meta::kFormat, "symmflow-model"},  {meta::kFormatVersion, "1"},
          {meta::kConfig, cfg.toJson()},      {meta::kClasses, classListToJson(makeClasses(classes))},
          {meta::kRecipe, "{\"steps\":10}"},  {meta::kMetrics, "{\"miou\":0.5}"},
          {meta::kTrained, "{\"seconds\":1}"}};
}

RgbImage gradient(int w, int h) {
  RgbImage img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      auto* p = img.at(x, y);
      p[0] = std::uint8_t(x * 255 / std::max(1, w - 1));
      p[1] = std::uint8_t(y * 255 / std::max(1, h - 1));
      p[2] = std::uint8_t((x + y) * 7);
    }
  return img;
}

LabelMap stripes(int w, int h, int k) {
  LabelMap m(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) m.at(x, y) = std::uint8_t(((x / 3) + y) % k);
  if (w * h > 4) m.ids[1] = LabelMap::kIgnoreId;
  return m;
}

std::string encodeCv(const cv::Mat& m, const std::string& ext, const std::vector<int>& params = {}) {
  std::vector<std::uint8_t> out;
  try {
    if (!cv::imencode(ext, m, out, params)) return {};
  } catch (const cv::Exception&) {
    return {};  // this OpenCV lacks the encoder: no seed for that format
  }
  return toString(out);
}

// A PNG signature and IHDR claiming w x h, then nothing: header-limit seeds.
std::string pngHeaderOnly(std::uint32_t w, std::uint32_t h) {
  std::string s("\x89PNG\r\n\x1a\n", 8);
  s += std::string("\0\0\0\x0dIHDR", 8);
  for (std::uint32_t v : {w, h})
    for (int i = 3; i >= 0; --i) s.push_back(char((v >> (8 * i)) & 0xff));
  s += std::string("\x08\x02\0\0\0", 5);
  s += std::string("\0\0\0\0", 4);  // CRC left wrong on purpose
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_corpus <output folder>\n");
    return 2;
  }
  g_root = argv[1];
  const fs::path scratch = g_root / ".scratch";
  fs::create_directories(scratch);

  // --- safetensors (parser) and model headers ---------------------------------------
  const auto small =
      serializeSafetensors({blob("w", DType::F32, {2, 3}), blob("b", DType::F16, {3})}, {{"format", "test"}});
  writeBytes("safetensors", "two_tensors", toString(small));
  writeBytes("safetensors", "empty", toString(serializeSafetensors({}, {})));
  writeBytes("safetensors", "zero_dim",
             toString(serializeSafetensors(
                 {blob("z", DType::I64, {0, 4}), blob("s", DType::U8, {}), blob("q", DType::BF16, {1, 1, 2})}, {})));
  {
    std::vector<TensorBlob> all;
    for (DType t : {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I64, DType::I32, DType::I16, DType::I8,
                    DType::U8, DType::Bool})
      all.push_back(blob(std::string("t_") + dtypeName(t), t, {2, 2}));
    writeBytes("safetensors", "all_dtypes", toString(serializeSafetensors(all, {{"a", "b"}})));
  }
  writeBytes("safetensors", "shard",
             toString(serializeSafetensors(
                 {blob("images", DType::U8, {2, 4, 4, 3}), blob("masks", DType::U8, {2, 4, 4}),
                  blob("labels", DType::I64, {2})},
                 {{"format", "symmflow-shard"}, {"classes", classListToJson(makeClasses(3))}, {"source", "seed"}})));
  for (auto [name, classes, ds] : {std::tuple{"model_dense", 3, 1}, std::tuple{"model_image_level", 10, 0},
                                   std::tuple{"model_254_classes", 254, 2}}) {
    const auto bytes = toString(serializeSafetensors(
        {blob("net.conv.weight", DType::F16, {8, 3, 3, 3}), blob("net.conv.bias", DType::F16, {8})},
        modelMetadata(classes, ds)));
    writeBytes("model_header", name, bytes);
    writeBytes("safetensors", name, bytes);
  }
  writeBytes("model_header", "not_a_model", toString(small));

  // --- JSON sidecars: first byte 1 = ModelConfig, 0 = class list ---------------------
  writeBytes("model_json", "config", "\x01" + ModelConfig{}.toJson());
  {
    ModelConfig c;
    c.numClasses = 12;
    c.labelDownsample = 0;
    c.channelMult = {1, 2, 2, 4, 4};
    c.imageHeight = 128;
    c.imageWidth = 128;
    writeBytes("model_json", "config_image_level", "\x01" + c.toJson());
  }
  writeBytes("model_json", "classes", std::string(1, '\0') + classListToJson(makeClasses(5)));
  {
    ClassList c = makeClasses(12);
    c.ignoreIndex = 11;
    writeBytes("model_json", "classes_ignore", std::string(1, '\0') + classListToJson(c));
  }
  writeBytes("model_json", "classes_no_colour",
             std::string(1, '\0') + R"({"classes":[{"id":1,"name":"cat"},{"id":0,"name":"dog"}],"ignore_index":null})");

  // --- images ------------------------------------------------------------------------
  const RgbImage photo = gradient(17, 11);
  const imaging::TextChunks text{
      {"Software", "SymmFlow Studio"}, {"symmflow.seed", "42"}, {"Comment", "caf\xc3\xa9 \xe2\x9c\x93"}};
  for (const char* ext : {"png", "jpg", "bmp", "tif", "webp"}) {
    const fs::path p = scratch / (std::string("photo.") + ext);
    require(imaging::saveImage(photo, p.string(), text, 80), ext);
    if (fs::exists(p)) writeBytes("load_image", std::string("photo_") + ext, readBack(p));
  }
  {
    cv::Mat grey(9, 13, CV_8UC1), grey16(9, 13, CV_16UC1), rgba(9, 13, CV_8UC4);
    for (int y = 0; y < 9; ++y)
      for (int x = 0; x < 13; ++x) {
        grey.at<std::uint8_t>(y, x) = std::uint8_t(x * 20);
        grey16.at<std::uint16_t>(y, x) = std::uint16_t(x * 5000);
        rgba.at<cv::Vec4b>(y, x) = {std::uint8_t(x * 9), std::uint8_t(y * 9), 50, std::uint8_t(x * 20)};
      }
    writeBytes("load_image", "grey.png", encodeCv(grey, ".png"));
    writeBytes("load_image", "grey16.png", encodeCv(grey16, ".png"));
    writeBytes("load_image", "rgba.png", encodeCv(rgba, ".png"));
    writeBytes("load_image", "grey.pgm", encodeCv(grey, ".pgm"));
    cv::Mat bgr(9, 13, CV_8UC3, cv::Scalar(30, 140, 220));
    writeBytes("load_image", "progressive.jpg", encodeCv(bgr, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1}));
    cv::Mat bgrFloat;
    bgr.convertTo(bgrFloat, CV_32FC3, 1.0 / 255.0);
    for (const char* ext : {".pam", ".ras", ".tiff"})
      writeBytes("load_image", std::string("small") + ext, encodeCv(bgr, ext));
    // OpenJPEG's default 6 resolution levels need at least 32x32.
    writeBytes("load_image", "small.jp2", encodeCv(cv::Mat(32, 40, CV_8UC3, cv::Scalar(9, 99, 199)), ".jp2"));
    for (const char* ext : {".pfm", ".hdr"})
      writeBytes("load_image", std::string("small") + ext, encodeCv(bgrFloat, ext));
    writeBytes("load_image", "claims_20000x20000.png", pngHeaderOnly(20000, 20000));
    writeBytes("load_image", "claims_0x5.png", pngHeaderOnly(0, 5));
  }

  // --- masks: 4 option bytes (classes-1, mode, seed, assign) then the file -----------
  {
    const ClassList classes = makeClasses(5);
    const LabelMap m = stripes(12, 8, 5);
    const fs::path idx = scratch / "index.png", col = scratch / "colour.png";
    require(imaging::saveIndexMask(m, idx.string(), {{"symmflow.classes", "5"}}), "index mask");
    require(imaging::saveColorMask(m, classes, col.string()), "colour mask");
    const std::string opts(std::string("\x04\x00\x00\x00", 4));
    writeBytes("import_mask", "index", opts + readBack(idx));
    writeBytes("import_mask", "colour", opts + readBack(col));
    writeBytes("import_mask", "colour_strict", std::string("\x04\x03\x00\x01", 4) + readBack(col));
    cv::Mat scaled(8, 12, CV_8UC1), scaled16(8, 12, CV_16UC1);
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 12; ++x) {
        scaled.at<std::uint8_t>(y, x) = std::uint8_t((x % 5) * 20);
        scaled16.at<std::uint16_t>(y, x) = std::uint16_t((x % 5) * 65535 / 4);
      }
    writeBytes("import_mask", "scaled_x20", opts + encodeCv(scaled, ".png"));
    writeBytes("import_mask", "scaled16", opts + encodeCv(scaled16, ".png"));
    writeBytes("import_mask", "scaled_bmp", opts + encodeCv(scaled, ".bmp"));
    // 255 classes: every id 0..254 present, plus ignore.
    LabelMap all(16, 16);
    for (int i = 0; i < 256; ++i) all.ids[std::size_t(i)] = std::uint8_t(i);
    const fs::path many = scratch / "many.png";
    require(imaging::saveIndexMask(all, many.string()), "255-class mask");
    writeBytes("import_mask", "classes_255", std::string("\xfe\x00\x00\x00", 4) + readBack(many));
  }

  // --- PNG text chunks -----------------------------------------------------------------
  {
    const fs::path p = scratch / "text.png";
    require(imaging::savePng(gradient(3, 2), p.string(), text), "text png");
    writeBytes("png_text", "text", readBack(p));
    require(imaging::savePng(gradient(1, 1), p.string(), {}), "plain png");
    writeBytes("png_text", "no_text", readBack(p));
  }

#ifdef SYMMFLOW_FUZZ_WITH_QT
  // --- project files: the fuzzer appends the checksum, so seeds leave it out ----------
  {
    ui::ProjectData p;
    p.labels = stripes(6, 4, 3);
    p.classes = makeClasses(3);
    p.classes.ignoreIndex = 2;
    writeBytes("project_file", "labels_only", encodeProject(p).chopped(32).toStdString());
    p.reference = stripes(6, 4, 2);
    p.photo = gradient(6, 4);
    p.hidden.set(1);
    p.results.push_back({gradient(6, 4), {}});
    writeBytes("project_file", "full", encodeProject(p).chopped(32).toStdString());
  }
#endif

  fs::remove_all(scratch);
  return g_failures == 0 ? 0 : 1;
}
