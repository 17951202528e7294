// SPDX-License-Identifier: MIT
#include "core/imaging/mask_cleanup.h"

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

namespace symmflow::imaging {
namespace {

// Pixel indices and region ids are 32-bit: removeSpecks leaves maps of 2^31 pixels or more alone.
using Index = std::uint32_t;
constexpr Index kNone = std::numeric_limits<Index>::max();

struct Region {
  std::size_t first = 0;  // offset of its pixels in the arena
  Index size = 0;
  std::uint8_t id = 0;
};

// The 4-neighbours of pixel i of a w x h map (kNone where the map ends).
std::array<Index, 4> around(Index i, int w, int h) {
  const int x = static_cast<int>(i % static_cast<Index>(w)), y = static_cast<int>(i / static_cast<Index>(w));
  const auto W = static_cast<Index>(w);
  return {x > 0 ? i - 1 : kNone, x + 1 < w ? i + 1 : kNone, y > 0 ? i - W : kNone, y + 1 < h ? i + W : kNone};
}

// One pass: labels the map's 4-connected regions, then merges the small ones whose
// neighbourhood has not changed in this pass. Returns how many it merged.
int onePass(LabelMap& map, std::int64_t minPixels, const std::bitset<256>& keep) {
  const int w = map.width, h = map.height;
  const auto n = static_cast<Index>(static_cast<std::int64_t>(w) * h);
  std::vector<Index> region(n, kNone);
  std::vector<Region> small;   // the regions to merge
  std::vector<Index> arena;    // their pixels, region after region
  std::vector<Index> stack;    // the fill's frontier
  std::vector<Index> visited;  // the first minPixels pixels of the region being filled
  Index next = 0;
  for (Index start = 0; start < n; ++start) {
    if (region[start] != kNone) continue;
    const std::uint8_t id = map.ids[start];
    const Index r = next++;
    visited.clear();
    stack.assign(1, start);
    region[start] = r;
    while (!stack.empty()) {
      const Index i = stack.back();
      stack.pop_back();
      if (static_cast<std::int64_t>(visited.size()) < minPixels) visited.push_back(i);
      for (Index j : around(i, w, h)) {
        if (j == kNone || region[j] != kNone || map.ids[j] != id) continue;
        region[j] = r;
        stack.push_back(j);
      }
    }
    // visited holds all of a region smaller than minPixels.
    if (static_cast<std::int64_t>(visited.size()) < minPixels && !keep.test(id) && id != LabelMap::kIgnoreId) {
      small.push_back({arena.size(), static_cast<Index>(visited.size()), id});
      arena.insert(arena.end(), visited.begin(), visited.end());
    }
  }
  std::stable_sort(small.begin(), small.end(), [](const Region& a, const Region& b) { return a.size < b.size; });

  int merged = 0;
  std::vector<std::uint8_t> changed(n, 0);  // merged in this pass
  for (const Region& s : small) {
    const Index* pixels = arena.data() + s.first;
    const Index self = region[pixels[0]];
    std::array<std::int64_t, 256> votes{};
    bool wait = false;
    for (Index k = 0; k < s.size && !wait; ++k)
      for (Index j : around(pixels[k], w, h)) {
        if (j == kNone || region[j] == self) continue;
        if (changed[j]) {
          wait = true;  // its neighbourhood is not what was measured: the next pass sees it anew
          break;
        }
        ++votes[map.ids[j]];
      }
    if (wait) continue;
    votes[LabelMap::kIgnoreId] = 0;                                  // unknown pixels are no class to merge into
    const auto best = std::max_element(votes.begin(), votes.end());  // the first of equals: the lower id
    if (*best == 0) continue;                                        // alone on the map
    const auto to = static_cast<std::uint8_t>(best - votes.begin());
    for (Index k = 0; k < s.size; ++k) {
      map.ids[pixels[k]] = to;
      changed[pixels[k]] = 1;
    }
    ++merged;
  }
  return merged;
}

}  // namespace

SpeckReport removeSpecks(LabelMap& map, std::int64_t minPixels, const std::bitset<256>& keep) {
  SpeckReport total;
  const std::int64_t pixels = map.empty() ? 0 : static_cast<std::int64_t>(map.width) * map.height;
  if (minPixels <= 1 || pixels == 0 || pixels >= std::int64_t{1} << 31 ||
      map.ids.size() != static_cast<std::size_t>(pixels))
    return total;
  const std::vector<std::uint8_t> before = map.ids;
  for (int pass = 0; pass < 16; ++pass) {
    const int merged = onePass(map, minPixels, keep);
    if (merged == 0) break;
    total.merges += merged;
  }
  for (std::size_t i = 0; i < before.size(); ++i) total.pixels += before[i] != map.ids[i];
  return total;
}

}  // namespace symmflow::imaging
