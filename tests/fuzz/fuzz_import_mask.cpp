// SPDX-License-Identifier: MIT
// libFuzzer target: mask import (imaging::importMask) on arbitrary bytes written to
// a file. The first 4 bytes pick the class list (1..255 classes, colours from the
// input) and the import options; the rest is the file. An accepted mask has the
// file's size, ids that are class ids or 255 (ignore), and a report whose counts add up.
#include <opencv2/core/utility.hpp>

#include "core/imaging/mask_io.h"
#include "tests/fuzz/fuzz_util.h"

using namespace symmflow;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  cv::setNumThreads(0);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::ScratchFile file("mask", ".img");
  fuzz::ByteReader in{data, size};
  const int numClasses = 1 + in.take() % 255;  // 1..255
  const std::uint8_t mode = in.take();
  const std::uint8_t seed = in.take();
  const std::uint8_t assign = in.take();

  ClassList classes;
  for (int i = 0; i < numClasses; ++i) {
    ClassInfo c;
    c.name = "c" + std::to_string(i);
    // A spread of colours that depends on the seed byte; some runs repeat colours.
    const unsigned v = (unsigned(i) * (2u * seed + 1u) * 2654435761u) >> 8;
    c.color = {std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16)};
    classes.classes.push_back(c);
  }
  imaging::MaskImportOptions options;
  options.offPalette = static_cast<imaging::MaskImportOptions::OffPalette>(mode % 4);
  options.outOfRange = static_cast<imaging::MaskImportOptions::OutOfRange>((mode >> 2) % 3);
  options.assignClass = assign % (numClasses + 1);  // sometimes out of range on purpose
  options.blackIsIgnore = (mode >> 4) & 1;
  switch ((mode >> 5) & 3) {
    case 1: options.forceEncoding = imaging::MaskReport::Encoding::Index; break;
    case 2: options.forceEncoding = imaging::MaskReport::Encoding::Color; break;
    case 3: options.forceEncoding = imaging::MaskReport::Encoding::ScaledGrey; break;
    default: break;
  }
  if (mode >> 7) options.greyStep = 1 + seed % 64;

  auto result = imaging::importMask(file.write(in.data, in.size), classes, options);
  if (!result) {
    SYMMFLOW_FUZZ_CHECK(!result.error().empty());
    return 0;
  }
  const LabelMap& labels = result->first;
  const imaging::MaskReport& report = result->second;
  SYMMFLOW_FUZZ_CHECK(labels.width > 0 && labels.height > 0);
  SYMMFLOW_FUZZ_CHECK(labels.ids.size() == std::size_t(labels.width) * labels.height);
  SYMMFLOW_FUZZ_CHECK(report.width == labels.width && report.height == labels.height);
  SYMMFLOW_FUZZ_CHECK(report.histogram.size() == std::size_t(numClasses));
  std::int64_t total = report.ignorePixels;
  for (auto n : report.histogram) total += n;
  SYMMFLOW_FUZZ_CHECK(total == std::int64_t(labels.ids.size()));
  for (std::uint8_t id : labels.ids) SYMMFLOW_FUZZ_CHECK(id < numClasses || id == LabelMap::kIgnoreId);
  SYMMFLOW_FUZZ_CHECK(!report.summary().empty());
  return 0;
}
