// SPDX-License-Identifier: MIT
#pragma once
// What a model file says about itself (the safetensors __metadata__), readable
// without loading the weights or LibTorch.
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/types.h"

namespace symmflow {

// Architecture of the velocity network (a UNet) and the data geometry it expects.
struct ModelConfig {
  int imageHeight = 144;
  int imageWidth = 192;
  // Label resolution: labelDownsample s > 0 means a dense map of (H/s)x(W/s);
  // 0 means an image-level label (a 1x1 map).
  int labelDownsample = 1;
  int numClasses = 0;
  int baseChannels = 32;
  std::vector<int> channelMult{1, 2, 2, 4};
  int numResBlocks = 1;
  std::vector<int> attentionLevels{3};  // level indices (0 = full resolution) with self-attention
  int attentionHeads = 4;
  float dropout = 0.0f;
  // Decoder: by default numResBlocks + 1 blocks a level, fed the outputs of conv_in, of every
  // encoder block and of every downsampling (the DDPM UNet). Lean: numResBlocks blocks a level,
  // fed only the encoder blocks' outputs -- a third fewer layers for camvid's 24x(1,2,4) with
  // one block a level, and fewer kernel launches, which is what a GPU at batch 1 pays for.
  bool leanDecoder = false;

  int levels() const { return static_cast<int>(channelMult.size()); }
  int decoderBlocks() const { return leanDecoder ? numResBlocks : numResBlocks + 1; }
  int labelHeight() const { return labelDownsample > 0 ? imageHeight / labelDownsample : 1; }
  int labelWidth() const { return labelDownsample > 0 ? imageWidth / labelDownsample : 1; }
  bool imageLevel() const { return labelDownsample == 0; }
  // Limits on what one image costs to run: attention compares every position of its
  // level with every other, and no activation may exceed 1 GB of floats.
  static constexpr std::int64_t kMaxAttentionTokens = 128 * 128;
  static constexpr std::int64_t kMaxActivationFloats = std::int64_t(1) << 28;
  // Empty when the config is usable (ranges, divisibility and the limits above);
  // otherwise what is wrong with it.
  std::string validate() const;
  std::string toJson() const;
  static Result<ModelConfig> fromJson(const std::string& json);
};

struct ModelInfo {
  std::string path;
  std::string name;  // file stem, e.g. "camvid"
  ModelConfig config;
  ClassList classes;
  std::string recipeJson;         // training options, as recorded by the trainer
  bool trainedWithFlips = false;  // the recipe's "flip": its estimates are meant to be mirror-symmetric
  std::string metricsJson;        // measured validation metrics
  std::string trainedJson;        // where/how long it trained
  std::string weightsDtype;       // "F16", "BF16" or "F32"
  std::int64_t parameterCount = 0;
  std::int64_t fileBytes = 0;

  int imageWidth() const { return config.imageWidth; }
  int imageHeight() const { return config.imageHeight; }
  int labelWidth() const { return config.labelWidth(); }
  int labelHeight() const { return config.labelHeight(); }
  bool imageLevel() const { return config.imageLevel(); }
};

// Metadata keys written into every model file.
namespace meta {
inline constexpr const char* kFormat = "format";                 // "symmflow-model"
inline constexpr const char* kFormatVersion = "format_version";  // "1"
inline constexpr const char* kConfig = "config";                 // ModelConfig JSON
inline constexpr const char* kClasses = "classes";               // ClassList JSON
inline constexpr const char* kRecipe = "recipe";
inline constexpr const char* kMetrics = "metrics";
inline constexpr const char* kTrained = "trained";
}  // namespace meta

std::string classListToJson(const ClassList& classes);
// Accepts {"classes":[{"id","name","color"}], "ignore_index"} (datasets' classes.json too).
Result<ClassList> classListFromJson(const std::string& json);

// Reads and validates the header of a model file (no weights are loaded).
Result<ModelInfo> inspectModel(const std::string& path);

}  // namespace symmflow
