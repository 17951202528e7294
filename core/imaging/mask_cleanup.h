// SPDX-License-Identifier: MIT
#pragma once
// Clean-up of label maps: small islands ("specks") of a class, as a segmentation leaves them
// around edges and in texture, merged into what surrounds them. Pure functions on LabelMap;
// no OpenCV. Thread-safe (no shared state).
#include <atomic>
#include <bitset>
#include <cstdint>

#include "core/types.h"

namespace symmflow::imaging {

struct SpeckReport {
  int merges = 0;           // islands merged into their surroundings (one merged twice counts twice)
  std::int64_t pixels = 0;  // pixels whose class changed
  bool cancelled = false;   // stopped by `cancel`: the map is as it was, merges and pixels 0
};

// Merges every 4-connected region of one class with fewer than `minPixels` pixels into the
// class most of its outside 4-neighbours have (ties: the lower id), smallest regions first.
// A region touching a region merged in the same pass waits for the next pass, which sees the
// two as one; passes repeat until nothing changes (at most 16). Regions of a class in `keep`
// (locked classes) and of unknown pixels (LabelMap::kIgnoreId) are left as they are; others
// may merge into a kept class but never into unknown pixels. A region without neighbours of
// another class (a map of one class) stays. minPixels <= 1 changes nothing.
// It works on the map's runs (stretches of equal ids in a row), so its cost follows
// countRuns(): a 4000×3000 segmentation has some 2·10^4 runs and takes ~0.05 s and a few MB
// (2-core Xeon); a map of noise has a run a pixel: ~40 bytes and up to 16 × ~0.1 µs each.
// Maps of 2^31 pixels or more, or whose ids do not match their size, are left alone.
// `cancel` (may be null) is read between passes and every few thousand regions, so another
// thread can stop it within a fraction of a second even on noise; the map is then restored.
SpeckReport removeSpecks(LabelMap& map, std::int64_t minPixels, const std::bitset<256>& keep = {},
                         const std::atomic<bool>* cancel = nullptr);

// The number of runs of the map: maximal stretches of equal ids within a row (at least one
// a row; width × height on a map where no two neighbours agree). What removeSpecks costs.
std::int64_t countRuns(const LabelMap& map);

}  // namespace symmflow::imaging
