// SPDX-License-Identifier: MIT
// libFuzzer target: the JSON sidecars of models, shards and data sets
// (ModelConfig::fromJson, classListFromJson). The first byte picks the parser; the
// rest is the JSON text. What is accepted must be valid and survive toJson/fromJson.
#include <string>

#include "core/model_info.h"
#include "tests/fuzz/fuzz_util.h"

using namespace symmflow;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    auto config = ModelConfig::fromJson(text);
    if (!config) return 0;
    SYMMFLOW_FUZZ_CHECK(config->validate().empty());
    auto again = ModelConfig::fromJson(config->toJson());
    SYMMFLOW_FUZZ_CHECK(again.ok());
    SYMMFLOW_FUZZ_CHECK(again->toJson() == config->toJson());
  } else {
    auto classes = classListFromJson(text);
    if (!classes) return 0;
    SYMMFLOW_FUZZ_CHECK(classes->size() >= 1 && classes->size() <= 254);
    SYMMFLOW_FUZZ_CHECK(classes->ignoreIndex >= -1 && classes->ignoreIndex < classes->size());
    auto again = classListFromJson(classListToJson(*classes));
    SYMMFLOW_FUZZ_CHECK(again.ok());
    SYMMFLOW_FUZZ_CHECK(again->size() == classes->size() && again->ignoreIndex == classes->ignoreIndex);
    for (int i = 0; i < classes->size(); ++i)
      SYMMFLOW_FUZZ_CHECK(again->classes[i].name == classes->classes[i].name &&
                          again->classes[i].color == classes->classes[i].color);
  }
  return 0;
}
