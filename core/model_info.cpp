// SPDX-License-Identifier: MIT
#include "core/model_info.h"

#include <cmath>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/safetensors.h"

namespace symmflow {
using nlohmann::json;

namespace {
// A field of the wrong type or range in a JSON sidecar.
struct BadField : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An int-valued field. nlohmann's get<int>() casts floats and 64-bit values without a
// range check, which is undefined for 1e300 (found by tests/fuzz/fuzz_model_json):
// accept integers, and floats with an integral value, that fit in int.
int intOf(const json& v, const char* what) {
  constexpr double kMin = std::numeric_limits<int>::min(), kMax = std::numeric_limits<int>::max();
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() <= static_cast<std::uint64_t>(kMax)) return static_cast<int>(v.get<std::uint64_t>());
  } else if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    if (i >= kMin && i <= kMax) return static_cast<int>(i);
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    if (d >= kMin && d <= kMax && d == std::trunc(d)) return static_cast<int>(d);
  }
  throw BadField(std::string(what) + " must be an integer, not " + v.dump());
}

std::vector<int> intsOf(const json& v, const char* what) {
  if (!v.is_array()) throw BadField(std::string(what) + " must be a list of integers");
  std::vector<int> out;
  for (const auto& x : v) out.push_back(intOf(x, what));
  return out;
}
}  // namespace

std::string ModelConfig::validate() const {
  if (imageHeight <= 0 || imageWidth <= 0 || imageHeight > 4096 || imageWidth > 4096)
    return "image size " + std::to_string(imageWidth) + "x" + std::to_string(imageHeight) +
           " is out of range (1..4096)";
  if (numClasses < 1 || numClasses > 254)
    return "class count " + std::to_string(numClasses) + " is out of range (1..254)";
  if (channelMult.empty() || channelMult.size() > 6) return "channel_mult must have 1..6 levels";
  for (int m : channelMult)
    if (m < 1 || m > 16) return "channel_mult entries must be in 1..16";
  if (baseChannels < 4 || baseChannels > 512 || baseChannels % 4 != 0)
    return "base_channels must be a multiple of 4 in 4..512";
  if (numResBlocks < 1 || numResBlocks > 8) return "res_blocks must be in 1..8";
  for (int a : attentionLevels)
    if (a < 0 || a >= levels()) return "attention level " + std::to_string(a) + " does not exist";
  if (attentionHeads < 1 || attentionHeads > 16) return "attention_heads must be in 1..16";
  if (dropout < 0.0f || dropout >= 1.0f) return "dropout must be in [0, 1)";
  const int f = 1 << (levels() - 1);
  if (imageHeight % f != 0 || imageWidth % f != 0)
    return "image size must be divisible by " + std::to_string(f) + " for " + std::to_string(levels()) + " levels";
  if (labelDownsample < 0 || (labelDownsample > 0 && (imageHeight % labelDownsample || imageWidth % labelDownsample)))
    return "label_downsample must be 0 (image-level) or divide the image size";
  // What one image costs to run, so that a model file whose weights are small but whose
  // shape is not (a 4096x4096 network, attention at full resolution) is refused when
  // loaded rather than exhausting memory on its first run.
  for (int a : attentionLevels) {
    const std::int64_t tokens = std::int64_t(imageHeight >> a) * (imageWidth >> a);
    if (tokens > kMaxAttentionTokens)
      return "attention at level " + std::to_string(a) + " would compare " + std::to_string(tokens) +
             " positions with each other (" + std::to_string(tokens * tokens * 4 >> 30) +
             " GB of scores per head); at most " + std::to_string(kMaxAttentionTokens) +
             " (128x128) are supported: put attention on a coarser level";
  }
  for (int l = 0; l < levels(); ++l) {
    const std::int64_t floats =
        std::int64_t(baseChannels) * channelMult[std::size_t(l)] * (imageHeight >> l) * (imageWidth >> l);
    if (floats > kMaxActivationFloats)
      return "level " + std::to_string(l) + " would hold " + std::to_string(floats >> 20) +
             "M values per image in each activation (over " + std::to_string(kMaxActivationFloats >> 20) +
             "M, 1 GB): use a smaller image size or fewer channels";
  }
  return {};
}

std::string ModelConfig::toJson() const {
  json j = {{"image_height", imageHeight}, {"image_width", imageWidth},           {"label_downsample", labelDownsample},
            {"num_classes", numClasses},   {"base_channels", baseChannels},       {"channel_mult", channelMult},
            {"res_blocks", numResBlocks},  {"attention_levels", attentionLevels}, {"attention_heads", attentionHeads},
            {"dropout", dropout}};
  if (leanDecoder) j["lean_decoder"] = true;  // absent in the files written before it existed
  return j.dump();
}

Result<ModelConfig> ModelConfig::fromJson(const std::string& text) {
  ModelConfig c;
  try {
    const json j = json::parse(text);
    c.imageHeight = intOf(j.at("image_height"), "image_height");
    c.imageWidth = intOf(j.at("image_width"), "image_width");
    c.labelDownsample = intOf(j.at("label_downsample"), "label_downsample");
    c.numClasses = intOf(j.at("num_classes"), "num_classes");
    c.baseChannels = intOf(j.at("base_channels"), "base_channels");
    c.channelMult = intsOf(j.at("channel_mult"), "channel_mult");
    c.numResBlocks = intOf(j.at("res_blocks"), "res_blocks");
    c.attentionLevels =
        j.contains("attention_levels") ? intsOf(j["attention_levels"], "attention_levels") : std::vector<int>{};
    c.attentionHeads = j.contains("attention_heads") ? intOf(j["attention_heads"], "attention_heads") : 4;
    c.dropout = j.value("dropout", 0.0f);
    if (j.contains("lean_decoder")) {
      if (!j["lean_decoder"].is_boolean()) throw BadField("lean_decoder must be true or false");
      c.leanDecoder = j["lean_decoder"].get<bool>();
    }
  } catch (const json::exception& e) {
    return Error{std::string("model config is malformed: ") + e.what()};
  } catch (const BadField& e) {
    return Error{std::string("model config is malformed: ") + e.what()};
  }
  if (auto why = c.validate(); !why.empty()) return Error{"model config is invalid: " + why};
  return c;
}

std::string classListToJson(const ClassList& classes) {
  json arr = json::array();
  for (int i = 0; i < classes.size(); ++i) {
    const auto& c = classes.classes[i];
    arr.push_back({{"id", i}, {"name", c.name}, {"color", {c.color[0], c.color[1], c.color[2]}}});
  }
  json j = {{"classes", arr}};
  if (classes.ignoreIndex >= 0) j["ignore_index"] = classes.ignoreIndex;
  return j.dump();
}

Result<ClassList> classListFromJson(const std::string& text) {
  ClassList out;
  try {
    const json j = json::parse(text);
    const auto& arr = j.at("classes");
    if (!arr.is_array() || arr.empty() || arr.size() > 254) return Error{"classes must be a list of 1..254 entries"};
    out.classes.resize(arr.size());
    std::vector<bool> seen(arr.size(), false);
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const auto& c = arr[i];
      const int id = c.contains("id") ? intOf(c["id"], "class id") : static_cast<int>(i);
      if (id < 0 || id >= static_cast<int>(arr.size()) || seen[id])
        return Error{"class ids must be 0..K-1, each once (bad id " + std::to_string(id) + ")"};
      seen[id] = true;
      ClassInfo info;
      info.name = c.at("name").get<std::string>();
      // Classes without a colour (e.g. image-level data sets) get one from a fixed palette.
      static const int kPalette[10][3] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                                          {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
                                          {188, 189, 34},  {23, 190, 207}};
      const auto* p = kPalette[id % 10];
      const auto col = c.contains("color")
                           ? intsOf(c.at("color"), "class colour")
                           : std::vector<int>{(p[0] + 37 * (id / 10)) % 256, (p[1] + 91 * (id / 10)) % 256,
                                              (p[2] + 53 * (id / 10)) % 256};
      if (col.size() != 3) return Error{"class '" + info.name + "' colour is not [r, g, b]"};
      for (int k = 0; k < 3; ++k) {
        if (col[k] < 0 || col[k] > 255) return Error{"class '" + info.name + "' colour is out of 0..255"};
        info.color[k] = static_cast<std::uint8_t>(col[k]);
      }
      out.classes[id] = info;
    }
    out.ignoreIndex =
        j.contains("ignore_index") && !j["ignore_index"].is_null() ? intOf(j["ignore_index"], "ignore_index") : -1;
    // -1 is "none"; other negatives were accepted and then lost on writing (classListToJson
    // drops them): found by tests/fuzz/fuzz_model_json's round-trip check.
    if (out.ignoreIndex < -1 || out.ignoreIndex >= out.size())
      return Error{"ignore_index " + std::to_string(out.ignoreIndex) + " is not a class id (or -1 for none)"};
  } catch (const json::exception& e) {
    return Error{std::string("class list is malformed: ") + e.what()};
  } catch (const BadField& e) {
    return Error{std::string("class list is malformed: ") + e.what()};
  }
  return out;
}

Result<ModelInfo> inspectModel(const std::string& path) {
  auto file = SafetensorsFile::readHeader(path);
  if (!file) return Error{file.error()};
  const auto& md = file->metadata();
  if (file->metadataOr(meta::kFormat) != "symmflow-model")
    return Error{path + " is a safetensors file but not a SymmFlow model (metadata 'format' is not 'symmflow-model')"};
  ModelInfo info;
  info.path = path;
  info.name = std::filesystem::path(path).stem().string();
  auto cfg = ModelConfig::fromJson(file->metadataOr(meta::kConfig, "{}"));
  if (!cfg) return Error{path + ": " + cfg.error()};
  info.config = *cfg;
  auto classes = classListFromJson(file->metadataOr(meta::kClasses, "{}"));
  if (!classes) return Error{path + ": " + classes.error()};
  if (classes->size() != info.config.numClasses)
    return Error{path + ": the class list has " + std::to_string(classes->size()) + " classes but the config says " +
                 std::to_string(info.config.numClasses)};
  info.classes = *classes;
  info.recipeJson = file->metadataOr(meta::kRecipe, "{}");
  if (const auto recipe = json::parse(info.recipeJson, nullptr, /*allow_exceptions=*/false); recipe.is_object()) {
    const auto flip = recipe.find("flip");
    info.trainedWithFlips = flip != recipe.end() && flip->is_boolean() && flip->get<bool>();
  }
  info.metricsJson = file->metadataOr(meta::kMetrics, "{}");
  info.trainedJson = file->metadataOr(meta::kTrained, "{}");
  (void)md;
  for (const auto& t : file->tensors()) {
    info.parameterCount += t.numel();
    info.weightsDtype = dtypeName(t.dtype);
  }
  std::error_code ec;
  info.fileBytes = static_cast<std::int64_t>(std::filesystem::file_size(path, ec));
  return info;
}

}  // namespace symmflow
