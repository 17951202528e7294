// SPDX-License-Identifier: MIT
// removeSpecks: small islands merge into what surrounds them; nothing else moves.
#include "core/imaging/mask_cleanup.h"

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include <gtest/gtest.h>

namespace symmflow::imaging {
namespace {

// A map drawn as rows of digits (class ids), '.' for unknown.
LabelMap draw(std::initializer_list<const char*> rows) {
  LabelMap m(static_cast<int>(std::char_traits<char>::length(*rows.begin())), static_cast<int>(rows.size()));
  int y = 0;
  for (const char* r : rows) {
    for (int x = 0; x < m.width; ++x)
      m.at(x, y) = r[x] == '.' ? LabelMap::kIgnoreId : static_cast<std::uint8_t>(r[x] - '0');
    ++y;
  }
  return m;
}

TEST(RemoveSpecks, AnIslandTakesTheClassAroundItAndLargeRegionsStay) {
  LabelMap m = draw({"000000", "010000", "000022", "000022", "333333"});
  const SpeckReport r = removeSpecks(m, 4);
  EXPECT_EQ(r.merges, 1);
  EXPECT_EQ(r.pixels, 1);
  EXPECT_EQ(m, draw({"000000", "000000", "000022", "000022", "333333"})) << "the 2x2 of 2 has 4 pixels: kept";
  LabelMap again = m;
  EXPECT_EQ(removeSpecks(again, 4).pixels, 0) << "a clean map is left alone";
  EXPECT_EQ(again, m);
}

TEST(RemoveSpecks, TheMajorityOfTheNeighboursWinsAndTiesGoToTheLowerId) {
  // The 1 has three 0 neighbours and one 2: it becomes 0.
  LabelMap a = draw({"0000", "0010", "0022", "2222"});
  removeSpecks(a, 2);
  EXPECT_EQ(a.at(2, 1), 0);
  // Two 3s and two 4s around the 9: the lower id.
  LabelMap b = draw({"3344", "3944", "3444"});
  removeSpecks(b, 2);
  EXPECT_EQ(b.at(1, 1), 3);
}

TEST(RemoveSpecks, NeighbouringSpecksAreJudgedTogetherInTheNextPass) {
  // A ring of 2 (8 pixels) around a 1: the 1 merges into the ring first; the ring, which now
  // touches a changed pixel, waits and is judged as the 9 pixels it has become.
  const LabelMap ring = draw({"00000", "02220", "02120", "02220", "00000"});
  LabelMap m = ring;
  const SpeckReport r = removeSpecks(m, 9);
  EXPECT_EQ(m, draw({"00000", "02220", "02220", "02220", "00000"})) << "9 pixels of 2 are not under 9";
  EXPECT_EQ(r.merges, 1);
  EXPECT_EQ(r.pixels, 1);
  // Under 10 pixels the whole object goes, in a second pass.
  LabelMap n = ring;
  const SpeckReport all = removeSpecks(n, 10);
  EXPECT_EQ(n, LabelMap(5, 5, 0));
  EXPECT_EQ(all.merges, 2);
  EXPECT_EQ(all.pixels, 9);
}

TEST(RemoveSpecks, KeptClassesAndUnknownPixelsStay) {
  std::bitset<256> keep;
  keep.set(1);
  LabelMap m = draw({"0000", "0100", "0020", "0000"});
  removeSpecks(m, 3, keep);
  EXPECT_EQ(m, draw({"0000", "0100", "0000", "0000"})) << "1 is locked; 2 is not";
  // A speck between unknown pixels and a class takes the class, never "unknown"; an unknown
  // speck is no class and stays.
  LabelMap u = draw({"....", ".3..", "...0", "0000"});
  removeSpecks(u, 3);
  EXPECT_EQ(u.at(1, 1), 3) << "only unknown around it: alone";
  LabelMap v = draw({"...0", "..30", "..00", "0000"});
  removeSpecks(v, 3);
  EXPECT_EQ(v.at(2, 1), 0);
  EXPECT_EQ(v.at(0, 0), LabelMap::kIgnoreId);
}

TEST(RemoveSpecks, NothingBelowTwoPixelsAndAMapOfOneClassStays) {
  LabelMap m = draw({"010", "000"});
  EXPECT_EQ(removeSpecks(m, 1).pixels, 0);
  EXPECT_EQ(removeSpecks(m, 0).pixels, 0);
  EXPECT_EQ(m.at(1, 0), 1);
  LabelMap one(3, 2, 5);
  EXPECT_EQ(removeSpecks(one, 100).pixels, 0);
  LabelMap empty;
  EXPECT_EQ(removeSpecks(empty, 10).pixels, 0);
}

// A region is judged whole however its rows join: the three prongs of this U meet only in
// the row below them.
TEST(RemoveSpecks, ARegionWhoseRowsJoinBelowIsOneRegion) {
  const LabelMap u = draw({"0000000", "0101010", "0111110", "0000000"});
  LabelMap m = u;
  EXPECT_EQ(removeSpecks(m, 8).pixels, 0) << "8 pixels are not under 8";
  EXPECT_EQ(m, u);
  const SpeckReport r = removeSpecks(m, 9);
  EXPECT_EQ(r.merges, 1);
  EXPECT_EQ(r.pixels, 8);
  EXPECT_EQ(m, LabelMap(7, 4, 0));
}

// Votes are pixels of the border, not neighbouring regions: the 1s have three 4s above them,
// and 5s on four sides (left, right and two below), a 3 once. The smallest island goes
// first (the 3, into 5); then the 4s, which see three 1s under them, become 1; the 1s, now
// beside changed pixels, wait, and in the next pass are 6 pixels: not under 4.
TEST(RemoveSpecks, BorderPixelsAreTheVotes) {
  LabelMap m = draw({"54445", "51115", "55355"});
  const SpeckReport r = removeSpecks(m, 4);
  EXPECT_EQ(m, draw({"51115", "51115", "55555"}));
  EXPECT_EQ(r.merges, 2);
  EXPECT_EQ(r.pixels, 4);
  LabelMap alone = draw({"55555", "51115", "55355"});
  removeSpecks(alone, 4);
  EXPECT_EQ(alone, LabelMap(5, 3, 5)) << "the 3 into 5 first; the 1s beside it wait a pass, then join the 5s";
}

TEST(RemoveSpecks, CountRunsCountsStretchesOfEqualIdsInEachRow) {
  EXPECT_EQ(countRuns(draw({"0000", "0110", "1010"})), 1 + 3 + 4);
  EXPECT_EQ(countRuns(LabelMap(7, 5, 3)), 5);
  EXPECT_EQ(countRuns(LabelMap()), 0);
}

// A cancel flag stops it and leaves the map as it was: set before it starts, or by another
// thread while it works on noise (which takes seconds).
TEST(RemoveSpecks, CancelledItLeavesTheMapAsItWas) {
  std::mt19937 rng(3);
  LabelMap noise(1200, 1000);
  for (auto& id : noise.ids) id = static_cast<std::uint8_t>(rng() % 4);
  const LabelMap before = noise;
  std::atomic<bool> cancel{true};
  SpeckReport r = removeSpecks(noise, 50, {}, &cancel);
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(r.merges, 0);
  EXPECT_EQ(r.pixels, 0);
  EXPECT_EQ(noise.ids, before.ids);

  cancel = false;
  std::thread worker([&] { r = removeSpecks(noise, 50, {}, &cancel); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  cancel = true;
  worker.join();
  EXPECT_TRUE(r.cancelled) << "a pass on 1.2 MP of noise takes more than 20 ms";
  EXPECT_EQ(noise.ids, before.ids);

  // Not cancelled, the same call cleans the map.
  cancel = false;
  r = removeSpecks(noise, 50, {}, &cancel);
  EXPECT_FALSE(r.cancelled);
  EXPECT_GT(r.pixels, 0);
}

// On noise every region that is left is at least as large as asked, or has no other class
// to merge into; and the merges only ever change small regions' pixels.
TEST(RemoveSpecks, OnNoiseEveryRegionLeftIsLargeEnough) {
  std::mt19937 rng(7);
  LabelMap m(64, 48);
  for (auto& id : m.ids) id = static_cast<std::uint8_t>(rng() % 3);
  const SpeckReport r = removeSpecks(m, 20);
  EXPECT_GT(r.merges, 0);
  // Label the result's regions again and check their sizes.
  std::vector<int> seen(m.ids.size(), 0);
  for (int start = 0; start < static_cast<int>(m.ids.size()); ++start) {
    if (seen[start]) continue;
    std::vector<int> stack{start};
    seen[start] = 1;
    int size = 0;
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      ++size;
      const int x = i % m.width, y = i / m.width;
      for (int j : {x > 0 ? i - 1 : -1, x + 1 < m.width ? i + 1 : -1, y > 0 ? i - m.width : -1,
                    y + 1 < m.height ? i + m.width : -1})
        if (j >= 0 && !seen[j] && m.ids[j] == m.ids[i]) {
          seen[j] = 1;
          stack.push_back(j);
        }
    }
    EXPECT_GE(size, 20) << "a region at " << start % m.width << "," << start / m.width;
  }
}

}  // namespace
}  // namespace symmflow::imaging
