// SPDX-License-Identifier: MIT
#pragma once
// Clean-up of label maps: small islands ("specks") of a class, as a segmentation leaves them
// around edges and in texture, merged into what surrounds them. Pure functions on LabelMap;
// no OpenCV. Thread-safe (no shared state).
#include <bitset>
#include <cstdint>

#include "core/types.h"

namespace symmflow::imaging {

struct SpeckReport {
  int merges = 0;           // islands merged into their surroundings (one merged twice counts twice)
  std::int64_t pixels = 0;  // pixels whose class changed
};

// Merges every 4-connected region of one class with fewer than `minPixels` pixels into the
// class most of its outside 4-neighbours have (ties: the lower id), smallest regions first.
// A region touching a region merged in the same pass waits for the next pass, which sees the
// two as one; passes repeat until nothing changes (at most 16). Regions of a class in `keep`
// (locked classes) and of unknown pixels (LabelMap::kIgnoreId) are left as they are; others
// may merge into a kept class but never into unknown pixels. A region without neighbours of
// another class (a map of one class) stays. minPixels <= 1 changes nothing.
// Time O(passes × pixels); memory about 10 bytes a pixel (up to ~25 on a map of noise).
// Maps of 2^31 pixels or more, or whose ids do not match their size, are left alone.
SpeckReport removeSpecks(LabelMap& map, std::int64_t minPixels, const std::bitset<256>& keep = {});

}  // namespace symmflow::imaging
