// SPDX-License-Identifier: MIT
// safetensors round trips, and malformed files rejected with clear errors.
#include <cstring>
#include <filesystem>

#include <gtest/gtest.h>

#include "core/model_info.h"
#include "core/model_io.h"
#include "core/safetensors.h"
#include "tests/core/test_helpers.h"

using namespace symmflow;
using symmflow::testing::TempDir;

namespace {
std::string header(const std::string& json, const std::string& data = "") {
  std::string out(8, '\0');
  const uint64_t n = json.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + json + data;
}
std::string errorOf(const std::string& bytes) {
  TempDir d;
  symmflow::testing::writeBytes(d.path("f.safetensors"), bytes);
  auto r = SafetensorsFile::read(d.path("f.safetensors"));
  return r.ok() ? std::string("OK") : r.error();
}
}  // namespace

TEST(Safetensors, RoundTripKeepsBytesShapesAndMetadata) {
  TempDir d;
  TensorBlob a{"a", DType::F32, {2, 3}, std::vector<uint8_t>(24)};
  for (size_t i = 0; i < a.bytes.size(); ++i) a.bytes[i] = static_cast<uint8_t>(i * 7);
  TensorBlob b{"b", DType::U8, {5}, {1, 2, 3, 4, 5}};
  TensorBlob e{"empty", DType::F16, {0, 4}, {}};
  ASSERT_TRUE(writeSafetensors(d.path("x.safetensors"), {b, a, e}, {{"k", "v"}}).ok());
  auto f = SafetensorsFile::read(d.path("x.safetensors"));
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(f->metadataOr("k"), "v");
  const auto* ea = f->find("a");
  ASSERT_NE(ea, nullptr);
  EXPECT_EQ(ea->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(std::memcmp(f->data(*ea), a.bytes.data(), 24), 0);
  EXPECT_EQ(f->find("b")->bytes, 5u);
  EXPECT_EQ(f->find("empty")->numel(), 0);
  // The header alone reads the same entries.
  auto h = SafetensorsFile::readHeader(d.path("x.safetensors"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->tensors().size(), 3u);
}

TEST(Safetensors, MalformedFilesGiveClearErrors) {
  EXPECT_NE(errorOf("").find("too short"), std::string::npos);
  EXPECT_NE(errorOf("abc").find("too short"), std::string::npos);
  // Header length past the end of the file.
  std::string big(8, '\0');
  big[0] = static_cast<char>(0xff);
  big[1] = static_cast<char>(0x10);
  EXPECT_NE(errorOf(big + "{}").find("runs past the end"), std::string::npos);
  // Absurd header length (would allocate terabytes).
  std::string huge(8, static_cast<char>(0xff));
  EXPECT_NE(errorOf(huge + "{}").find("100 MiB"), std::string::npos);
  // Files people pick instead of a model are named, with what a model is.
  const std::pair<std::string, std::string> foreign[] = {
      {std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "this is a PNG image, not a .safetensors file"},
      {std::string("PK\x03\x04\x14\0\0\0\0\0archive/data.pkl", 26), "a PyTorch .pt/.pth checkpoint"},
      {std::string("\x80\x02\x8a\x0al\xfc\x9c"
                   "F\xf9 j\xa8P",
                   14),
       "a Python pickle"},
      {std::string("\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11), "a JPEG image"},
      {"\xEF\xBB\xBF  {\"classes\": [\"sky\", \"road\"]}\n", "a JSON text file"},
      {"root:x:0:0:root:/root:/bin/bash\n", "this is a text file, not a .safetensors file"}};
  for (const auto& [bytes, what] : foreign) {
    const std::string e = errorOf(bytes);
    EXPECT_NE(e.find(what), std::string::npos) << e;
    EXPECT_NE(e.find("models come from `symmflow train`"), std::string::npos) << e;
  }
  EXPECT_NE(errorOf(header("{not json")).find("not valid JSON"), std::string::npos);
  EXPECT_NE(errorOf(header("[1,2]")).find("not an object"), std::string::npos);
  EXPECT_NE(errorOf(header(R"({"t":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}})", "abcd"))
                .find("unsupported tensor dtype"),
            std::string::npos);
  EXPECT_NE(errorOf(header(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", "abcd")).find("need 8 bytes"),
            std::string::npos);
  EXPECT_NE(errorOf(header(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}})", "abcd"))
                .find("outside the data section"),
            std::string::npos);
  EXPECT_NE(errorOf(header(R"({"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", "abcd")).find("negative"),
            std::string::npos);
  EXPECT_NE(
      errorOf(header(R"({"t":{"dtype":"U8","shape":[1000000000,1000000000,1000000000],"data_offsets":[0,4]}})", "abcd"))
          .find("more bytes than the file holds"),
      std::string::npos);
  EXPECT_NE(
      errorOf(
          header(
              R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})",
              "abcd"))
          .find("overlap"),
      std::string::npos);
  EXPECT_NE(errorOf(header(R"({"__metadata__":{"k":5}})")).find("not a string"), std::string::npos);
  EXPECT_NE(errorOf(header(R"({"t":{"dtype":"U8"}})")).find("lacks"), std::string::npos);
}

// Regressions from tests/fuzz/fuzz_safetensors (see docs/RELIABILITY.md).
TEST(Safetensors, ZeroSizedTensorWithOverflowingShapeIsRejected) {
  // Accepted before (0 bytes), then TensorEntry::numel() overflowed int64 (UBSan).
  const auto err = errorOf(header(R"({"t":{"dtype":"F32","shape":[4611686018427387904,4,0],"data_offsets":[0,0]}})"));
  EXPECT_NE(err.find("overflows"), std::string::npos) << err;
  // A zero size with a product that fits is a valid empty tensor.
  TempDir d;
  symmflow::testing::writeBytes(d.path("z.safetensors"),
                                header(R"({"t":{"dtype":"F32","shape":[1073741824,4,0],"data_offsets":[0,0]}})"));
  auto ok = SafetensorsFile::read(d.path("z.safetensors"));
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(ok->tensors().at(0).numel(), 0);
}

TEST(Safetensors, OverlapHiddenBehindAnEmptyTensorIsFound) {
  EXPECT_NE(errorOf(header(R"({"a":{"dtype":"U8","shape":[10],"data_offsets":[0,10]},)"
                           R"("z":{"dtype":"U8","shape":[0],"data_offsets":[5,5]},)"
                           R"("b":{"dtype":"U8","shape":[4],"data_offsets":[8,12]}})",
                           std::string(12, 'x')))
                .find("overlap"),
            std::string::npos);
  // A range inside a longer earlier one, with a short one between them.
  EXPECT_NE(errorOf(header(R"({"a":{"dtype":"U8","shape":[10],"data_offsets":[0,10]},)"
                           R"("s":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},)"
                           R"("b":{"dtype":"U8","shape":[2],"data_offsets":[5,7]}})",
                           std::string(10, 'x')))
                .find("overlap"),
            std::string::npos);
}

// Regressions from tests/fuzz/fuzz_model_json: sidecar JSON fields of the wrong type or
// range give errors (a float like 1e300 used to be cast to int: undefined behaviour).
TEST(ModelJson, OutOfRangeNumbersAndNegativeIgnoreIndexAreErrors) {
  EXPECT_NE(classListFromJson(R"({"classes":[{"name":"a","color":[10,20,3e96]}]})").error().find("integer"),
            std::string::npos);
  EXPECT_NE(classListFromJson(R"({"classes":[{"id":1e300,"name":"a"}]})").error().find("integer"), std::string::npos);
  EXPECT_NE(classListFromJson(R"({"classes":[{"name":"a"}],"ignore_index":-5})").error().find("ignore_index"),
            std::string::npos);
  auto none = classListFromJson(R"({"classes":[{"name":"a"},{"name":"b","color":[1.0,2,3]}],"ignore_index":-1})");
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_EQ(none->ignoreIndex, -1);
  EXPECT_EQ(none->classes[1].color, (Rgb{1, 2, 3}));

  ModelConfig c;
  c.numClasses = 3;
  std::string json = c.toJson();
  const auto at = json.find("\"image_height\":144");
  ASSERT_NE(at, std::string::npos);
  EXPECT_NE(ModelConfig::fromJson(json.replace(at, 18, "\"image_height\":1e300")).error().find("image_height"),
            std::string::npos);
  EXPECT_TRUE(ModelConfig::fromJson(c.toJson()).ok());
}

TEST(Safetensors, TruncatedFileIsRejected) {
  TempDir d;
  ASSERT_TRUE(
      writeSafetensors(d.path("x.safetensors"), {{"a", DType::F32, {64}, std::vector<uint8_t>(256, 1)}}, {}).ok());
  auto bytes = symmflow::testing::readBytes(d.path("x.safetensors"));
  for (size_t cut : {bytes.size() - 1, bytes.size() - 200, size_t(20), size_t(7)}) {
    auto err = errorOf(bytes.substr(0, cut));
    EXPECT_NE(err, "OK") << "cut at " << cut;
  }
}

TEST(ModelFile, SaveLoadRoundTripAndValidation) {
  TempDir d;
  auto cfg = symmflow::testing::tinyConfig(16, 16, 3);
  SymmFlowUNet net(cfg);
  {
    torch::NoGradGuard g;
    for (auto& p : net->parameters()) p.uniform_(-0.5, 0.5);
  }
  const auto classes = symmflow::testing::shapeClasses();
  ASSERT_TRUE(saveModel(d.path("m.safetensors"), net, classes, {{meta::kRecipe, "{\"lr\":1}"}}, DType::F32).ok());
  auto loaded = loadModel(d.path("m.safetensors"));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded->info.classes.size(), 3);
  EXPECT_EQ(loaded->info.classes.classes[1].name, "box");
  EXPECT_EQ(loaded->info.recipeJson, "{\"lr\":1}");
  auto a = net->named_parameters(), b = loaded->net->named_parameters();
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();

  // fp16 and bf16 files load with rounding error only.
  for (auto dt : {DType::F16, DType::BF16}) {
    ASSERT_TRUE(saveModel(d.path("h.safetensors"), net, classes, {}, dt).ok());
    auto h = loadModel(d.path("h.safetensors"));
    ASSERT_TRUE(h.ok()) << h.error();
    EXPECT_EQ(h->info.weightsDtype, dtypeName(dt));
    for (const auto& p : a) EXPECT_TRUE(torch::allclose(p.value(), h->net->named_parameters()[p.key()], 0, 0.01));
  }
}

TEST(ModelFile, MismatchedOrForeignFilesGiveErrorsNamingTheProblem) {
  TempDir d;
  const auto classes = symmflow::testing::shapeClasses();
  SymmFlowUNet net(symmflow::testing::tinyConfig(16, 16, 3));
  ASSERT_TRUE(saveModel(d.path("m.safetensors"), net, classes, {}, DType::F32).ok());
  auto file = SafetensorsFile::read(d.path("m.safetensors"));
  ASSERT_TRUE(file.ok());

  // A plain safetensors file (not a model).
  ASSERT_TRUE(
      writeSafetensors(d.path("plain.safetensors"), {{"w", DType::F32, {1}, std::vector<uint8_t>(4)}}, {}).ok());
  EXPECT_NE(loadModel(d.path("plain.safetensors")).error().find("not a SymmFlow model"), std::string::npos);

  // Metadata from the model with one weight dropped, one with a wrong shape, one extra.
  auto rewrite = [&](const std::string& name, auto edit) {
    std::vector<TensorBlob> blobs;
    for (const auto& e : file->tensors()) {
      TensorBlob b{e.name, e.dtype, e.shape, std::vector<uint8_t>(file->data(e), file->data(e) + e.bytes)};
      if (edit(b)) blobs.push_back(b);
    }
    EXPECT_TRUE(writeSafetensors(d.path(name), blobs, file->metadata()).ok());
    return loadModel(d.path(name)).error();
  };
  std::string victim;  // a convolution weight (4-D), so flattening it changes its shape
  for (const auto& e : file->tensors())
    if (e.shape.size() == 4) victim = e.name;
  ASSERT_FALSE(victim.empty());
  EXPECT_NE(rewrite("missing.safetensors", [&](TensorBlob& b) { return b.name != victim; }).find("lacks the weight"),
            std::string::npos);
  EXPECT_NE(rewrite("shape.safetensors",
                    [&](TensorBlob& b) {
                      if (b.name == victim) {
                        b.shape = {static_cast<int64_t>(b.bytes.size() / 4)};
                      }
                      return true;
                    })
                .find("has shape"),
            std::string::npos);
  std::string extraErr = rewrite("extra.safetensors", [&](TensorBlob& b) {
    if (b.name == victim) b.name = "zzz_unexpected";
    return true;
  });
  EXPECT_FALSE(extraErr.empty());
  std::string nanErr = rewrite("nan.safetensors", [&](TensorBlob& b) {
    if (b.name == victim && b.bytes.size() >= 4) {
      const float nan = std::numeric_limits<float>::quiet_NaN();
      std::memcpy(b.bytes.data(), &nan, 4);
    }
    return true;
  });
  EXPECT_NE(nanErr.find("NaN"), std::string::npos);

  // A config that does not validate.
  auto md = file->metadata();
  md[meta::kConfig] =
      R"({"image_height":15,"image_width":16,"label_downsample":1,"num_classes":3,"base_channels":16,"channel_mult":[1,2],"res_blocks":1})";
  std::vector<TensorBlob> none;
  ASSERT_TRUE(writeSafetensors(d.path("cfg.safetensors"), none, md).ok());
  EXPECT_NE(inspectModel(d.path("cfg.safetensors")).error().find("divisible"), std::string::npos);
  // Small weights, ruinous shape: refused when the file is opened, before any run.
  const std::pair<const char*, const char*> ruinous[] = {
      {R"({"image_height":2048,"image_width":2048,"label_downsample":1,"num_classes":3,"base_channels":4,"channel_mult":[1,2,2,2],"res_blocks":1,"attention_levels":[3]})",
       "attention at level 3 would compare 65536 positions"},
      {R"({"image_height":4096,"image_width":4096,"label_downsample":1,"num_classes":3,"base_channels":32,"channel_mult":[1,2,2,2],"res_blocks":1,"attention_levels":[]})",
       "level 0 would hold 512M values per image"}};
  for (const auto& [config, message] : ruinous) {
    md[meta::kConfig] = config;
    ASSERT_TRUE(writeSafetensors(d.path("shape.safetensors"), none, md).ok());
    const std::string error = inspectModel(d.path("shape.safetensors")).error();
    EXPECT_NE(error.find(message), std::string::npos) << error;
  }
  md[meta::kConfig] = "{";
  ASSERT_TRUE(writeSafetensors(d.path("cfg2.safetensors"), none, md).ok());
  EXPECT_NE(inspectModel(d.path("cfg2.safetensors")).error().find("malformed"), std::string::npos);
  EXPECT_NE(inspectModel(d.path("nope.safetensors")).error().find("no such file"), std::string::npos);
  // A device or folder picked as a model is named as such (and /dev/zero is not read).
  EXPECT_NE(inspectModel(d.path("")).error().find("is not a regular file"), std::string::npos);
  if (std::filesystem::exists("/dev/zero")) {
    EXPECT_NE(inspectModel("/dev/zero").error().find("is not a regular file"), std::string::npos);
    EXPECT_NE(SafetensorsFile::read("/dev/zero").error().find("is not a regular file"), std::string::npos);
  }
}
