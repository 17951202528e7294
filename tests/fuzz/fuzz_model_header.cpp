// SPDX-License-Identifier: MIT
// libFuzzer target: inspectModel (what the studio's model menu and `symmflow info`
// run on every *.safetensors file they list) on arbitrary bytes written to a file.
// It reads only the header; an accepted model must hold a valid config and a class
// list that agrees with it.
#include "core/model_info.h"
#include "tests/fuzz/fuzz_util.h"

using namespace symmflow;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::ScratchFile file("model", ".safetensors");
  auto info = inspectModel(file.write(data, size));
  if (!info) {
    SYMMFLOW_FUZZ_CHECK(!info.error().empty());
    return 0;
  }
  SYMMFLOW_FUZZ_CHECK(info->config.validate().empty());
  SYMMFLOW_FUZZ_CHECK(info->classes.size() == info->config.numClasses);
  SYMMFLOW_FUZZ_CHECK(info->parameterCount >= 0);
  SYMMFLOW_FUZZ_CHECK(info->fileBytes == static_cast<std::int64_t>(size));
  SYMMFLOW_FUZZ_CHECK(info->labelWidth() >= 1 && info->labelHeight() >= 1);
  return 0;
}
