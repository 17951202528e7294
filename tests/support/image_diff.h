// SPDX-License-Identifier: MIT
#pragma once
// Comparing images in tests where floating-point rounding may differ by a level: a batch of
// two may sum in another order than a batch of one on some CPUs, so "the same image" is
// asserted as "no channel of any pixel more than a level or two apart".
#include <algorithm>
#include <cstdlib>

#include "core/types.h"

namespace symmflow::testing {

// Largest difference between two images in any channel of any pixel, in levels (0..255);
// -1 when their sizes differ.
inline int maxLevelDifference(const RgbImage& a, const RgbImage& b) {
  if (a.width != b.width || a.height != b.height || a.pixels.size() != b.pixels.size()) return -1;
  int worst = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i)
    worst = std::max(worst, std::abs(static_cast<int>(a.pixels[i]) - static_cast<int>(b.pixels[i])));
  return worst;
}

}  // namespace symmflow::testing
