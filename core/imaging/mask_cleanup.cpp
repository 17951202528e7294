// SPDX-License-Identifier: MIT
#include "core/imaging/mask_cleanup.h"

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

namespace symmflow::imaging {
namespace {

// Indices of runs and regions, and pixel counts, are 32-bit: removeSpecks leaves maps of 2^31
// pixels or more alone.
using Index = std::uint32_t;

// A maximal stretch of equal ids in one row: pixels [x0, end) of row y.
struct Run {
  int x0 = 0;
  int end = 0;
  std::uint8_t id = 0;
};

// The map as runs, their 4-connected regions (a region is a set of runs) and the buffers
// of a pass, kept from pass to pass. A segmentation of 12 MP has some 2·10^4 runs, so the
// passes work on little memory; a map of noise has one run a pixel (~40 bytes a pixel).
struct Runs {
  int width = 0, height = 0;
  std::vector<Run> runs;        // row after row, left to right
  std::vector<Index> rowStart;  // runs of row y: [rowStart[y], rowStart[y + 1])
  std::vector<Index> region;    // region of each run: regions are numbered in raster order
  std::vector<Index> size;      // pixels of each region
  std::vector<Index> members;   // the runs of the small regions, region after region
  std::vector<Index> firstMember;

  void read(const LabelMap& map) {
    width = map.width;
    height = map.height;
    runs.clear();
    rowStart.assign(1, 0);
    const std::uint8_t* ids = map.ids.data();
    for (int y = 0; y < height; ++y, ids += width) {
      for (int x = 0; x < width;) {
        const std::uint8_t id = ids[x];
        int e = x + 1;
        while (e < width && ids[e] == id) ++e;
        runs.push_back({x, e, id});
        x = e;
      }
      rowStart.push_back(static_cast<Index>(runs.size()));
    }
  }

  // Unites runs of equal ids that touch across rows (union-find whose root is a region's
  // first run), then numbers the regions in the order of their first pixels.
  void connect() {
    const auto n = static_cast<Index>(runs.size());
    std::vector<Index>& parent = region;  // the forest, turned into region numbers below
    parent.resize(n);
    for (Index i = 0; i < n; ++i) parent[i] = i;
    const auto find = [&](Index i) {
      Index root = i;
      while (parent[root] != root) root = parent[root];
      while (parent[i] != root) {
        const Index up = parent[i];
        parent[i] = root;
        i = up;
      }
      return root;
    };
    for (int y = 1; y < height; ++y) {
      Index a = rowStart[y - 1], b = rowStart[y];
      const Index aEnd = rowStart[y], bEnd = rowStart[y + 1];
      while (a < aEnd && b < bEnd) {
        const Run &up = runs[a], &here = runs[b];
        if (up.id == here.id && up.x0 < here.end && here.x0 < up.end) {
          const Index ra = find(a), rb = find(b);
          if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);  // the earlier run stays root
        }
        if (up.end <= here.end) ++a;
        if (here.end <= up.end) ++b;
      }
    }
    // Roots first point to themselves, then all runs to their roots (roots come before
    // their runs); one sweep then numbers the regions in raster order.
    for (Index i = 0; i < n; ++i) parent[i] = parent[parent[i]];
    size.clear();
    for (Index i = 0; i < n; ++i) {
      if (parent[i] == i) {
        parent[i] = static_cast<Index>(size.size());
        size.push_back(0);
      } else {
        parent[i] = parent[parent[i]];  // the root's number: roots come before their runs
      }
      size[parent[i]] += static_cast<Index>(runs[i].end - runs[i].x0);
    }
  }

  // The row of run i.
  int rowOf(Index i) const {
    return static_cast<int>(std::upper_bound(rowStart.begin(), rowStart.end(), i) - rowStart.begin()) - 1;
  }

  // The runs of row y (y in range) that overlap pixels [x0, end): [first, last).
  std::pair<Index, Index> overlapping(int y, int x0, int end) const {
    const auto begin = runs.begin() + rowStart[y], stop = runs.begin() + rowStart[y + 1];
    const auto first = std::partition_point(begin, stop, [&](const Run& r) { return r.end <= x0; });
    const auto last = std::partition_point(first, stop, [&](const Run& r) { return r.x0 < end; });
    return {static_cast<Index>(first - runs.begin()), static_cast<Index>(last - runs.begin())};
  }
};

bool stopped(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(std::memory_order_relaxed); }

// One pass: finds the map's 4-connected regions, then merges the small ones whose
// neighbourhood has not changed in this pass, smallest first. Returns how many it merged, or
// -1 when `cancel` was set (the map is then unchanged by this pass).
int onePass(LabelMap& map, std::int64_t minPixels, const std::bitset<256>& keep, Runs& m,
            const std::atomic<bool>* cancel) {
  m.read(map);
  if (stopped(cancel)) return -1;
  m.connect();
  if (stopped(cancel)) return -1;
  const auto regions = static_cast<Index>(m.size.size());
  const auto n = static_cast<Index>(m.runs.size());

  // The small regions in the order of their first pixels, then stably by size.
  std::vector<Index> small;
  std::vector<std::uint8_t> regionId(regions);
  for (Index i = 0; i < n; ++i) regionId[m.region[i]] = m.runs[i].id;
  for (Index r = 0; r < regions; ++r)
    if (static_cast<std::int64_t>(m.size[r]) < minPixels && !keep.test(regionId[r]) &&
        regionId[r] != LabelMap::kIgnoreId)
      small.push_back(r);
  if (small.empty()) return 0;
  std::stable_sort(small.begin(), small.end(), [&](Index a, Index b) { return m.size[a] < m.size[b]; });

  // Their runs, grouped by region (a counting sort).
  constexpr Index kNotSmall = std::numeric_limits<Index>::max();
  std::vector<Index> slot(regions, kNotSmall);
  for (Index k = 0; k < static_cast<Index>(small.size()); ++k) slot[small[k]] = k;
  m.firstMember.assign(small.size() + 1, 0);
  for (Index i = 0; i < n; ++i)
    if (slot[m.region[i]] != kNotSmall) ++m.firstMember[slot[m.region[i]] + 1];
  for (std::size_t k = 0; k < small.size(); ++k) m.firstMember[k + 1] += m.firstMember[k];
  m.members.resize(m.firstMember.back());
  {
    std::vector<Index> fill(m.firstMember.begin(), m.firstMember.end() - 1);
    for (Index i = 0; i < n; ++i)
      if (slot[m.region[i]] != kNotSmall) m.members[fill[slot[m.region[i]]]++] = i;
  }
  // A region merged in this pass has changed pixels: its neighbours wait for the next pass.
  constexpr std::int16_t kUnchanged = -1;
  std::vector<std::int16_t> mergedInto(regions, kUnchanged);
  int merged = 0;
  std::array<std::int64_t, 256> votes{};  // zero between regions: only the classes voted for are reset
  std::vector<std::uint8_t> voted;
  for (Index k = 0; k < static_cast<Index>(small.size()); ++k) {
    if (k % 8192 == 0 && stopped(cancel)) return -1;  // nothing is written before the loop ends
    const Index self = small[k];
    bool wait = false;
    // Each outside 4-neighbour pixel is one vote for its class.
    const auto vote = [&](Index run, std::int64_t pixels) {
      const Index r = m.region[run];
      if (r == self) return;
      if (mergedInto[r] != kUnchanged) wait = true;  // its neighbourhood is not what was measured
      const std::uint8_t id = m.runs[run].id;
      if (votes[id] == 0) voted.push_back(id);
      votes[id] += pixels;
    };
    for (Index j = m.firstMember[k]; j < m.firstMember[k + 1] && !wait; ++j) {
      const Index i = m.members[j];
      const Run& run = m.runs[i];
      const int y = m.rowOf(i);
      if (run.x0 > 0) vote(i - 1, 1);  // runs are maximal: the pixel beside one is another class
      if (run.end < m.width) vote(i + 1, 1);
      for (const int ny : {y - 1, y + 1}) {
        if (ny < 0 || ny >= m.height) continue;
        const auto [first, last] = m.overlapping(ny, run.x0, run.end);
        for (Index o = first; o < last; ++o) vote(o, std::min(run.end, m.runs[o].end) - std::max(run.x0, m.runs[o].x0));
      }
    }
    // The most votes win, the lower id of equals; unknown pixels are no class to merge into.
    int best = -1;
    for (const std::uint8_t id : voted)
      if (id != LabelMap::kIgnoreId && (best < 0 || votes[id] > votes[best] || (votes[id] == votes[best] && id < best)))
        best = id;
    for (const std::uint8_t id : voted) votes[id] = 0;
    voted.clear();
    if (wait || best < 0) continue;  // waits for the next pass, or alone on the map
    mergedInto[self] = static_cast<std::int16_t>(best);
    ++merged;
  }
  // Votes read only unchanged pixels, so the merges are written after all were chosen.
  for (Index k = 0; k < static_cast<Index>(small.size()); ++k) {
    const int to = mergedInto[small[k]];
    if (to == kUnchanged) continue;
    for (Index j = m.firstMember[k]; j < m.firstMember[k + 1]; ++j) {
      const Index i = m.members[j];
      const Run& run = m.runs[i];
      std::uint8_t* row = map.ids.data() + static_cast<std::size_t>(m.rowOf(i)) * static_cast<std::size_t>(m.width);
      std::fill(row + run.x0, row + run.end, static_cast<std::uint8_t>(to));
    }
  }
  return merged;
}

}  // namespace

std::int64_t countRuns(const LabelMap& map) {
  if (map.empty() || map.ids.size() != static_cast<std::size_t>(map.width) * static_cast<std::size_t>(map.height))
    return 0;
  std::int64_t runs = 0;
  const std::uint8_t* row = map.ids.data();
  for (int y = 0; y < map.height; ++y, row += map.width) {
    ++runs;
    for (int x = 1; x < map.width; ++x) runs += row[x] != row[x - 1];
  }
  return runs;
}

SpeckReport removeSpecks(LabelMap& map, std::int64_t minPixels, const std::bitset<256>& keep,
                         const std::atomic<bool>* cancel) {
  SpeckReport total;
  const std::int64_t pixels = map.empty() ? 0 : static_cast<std::int64_t>(map.width) * map.height;
  if (minPixels <= 1 || pixels == 0 || pixels >= std::int64_t{1} << 31 ||
      map.ids.size() != static_cast<std::size_t>(pixels))
    return total;
  const std::vector<std::uint8_t> before = map.ids;
  Runs scratch;
  for (int pass = 0; pass < 16; ++pass) {
    const int merged = onePass(map, minPixels, keep, scratch, cancel);
    if (merged < 0) {
      map.ids = before;
      return SpeckReport{0, 0, true};
    }
    if (merged == 0) break;
    total.merges += merged;
  }
  for (std::size_t i = 0; i < before.size(); ++i) total.pixels += before[i] != map.ids[i];
  return total;
}

}  // namespace symmflow::imaging
