// SPDX-License-Identifier: MIT
// libFuzzer target: PNG text chunk reading (imaging::readPngText: tEXt, zTXt, iTXt
// before and after the image data), which the studio uses for provenance, on
// arbitrary bytes written to a file.
#include "core/imaging/image_io.h"
#include "tests/fuzz/fuzz_util.h"

using namespace symmflow;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::ScratchFile file("text", ".png");
  auto text = imaging::readPngText(file.write(data, size));
  if (!text) {
    SYMMFLOW_FUZZ_CHECK(!text.error().empty());
    return 0;
  }
  for (const auto& [key, value] : *text) {
    SYMMFLOW_FUZZ_CHECK(!key.empty());
    (void)value;
  }
  return 0;
}
