// SPDX-License-Identifier: MIT
// The results of a document: batches, the current one, the cap on how many are kept.
#include <gtest/gtest.h>

#include "ui/result_history.h"

namespace symmflow::ui {
namespace {

// Results told apart by their seed.
std::vector<ResultEntry> batch(std::uint64_t firstSeed, int n) {
  std::vector<ResultEntry> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)].provenance.seed = firstSeed + i;
  return v;
}

std::uint64_t seedAt(const ResultHistory& h, int i) { return h.entries()[static_cast<std::size_t>(i)].provenance.seed; }

TEST(ResultHistory, ABatchIsAppendedAndItsFirstBecomesCurrent) {
  ResultHistory h;
  EXPECT_EQ(h.current(), -1);
  EXPECT_EQ(h.currentEntry(), nullptr);
  h.addBatch(batch(10, 1));
  h.addBatch(batch(20, 3));
  ASSERT_EQ(h.size(), 4);
  EXPECT_EQ(h.batchStart(), 1);
  EXPECT_EQ(h.current(), 1);
  EXPECT_EQ(h.currentEntry()->provenance.seed, 20u);
  h.addBatch({});
  EXPECT_EQ(h.size(), 4) << "an empty batch changes nothing";
  EXPECT_EQ(h.batchStart(), 1);
}

TEST(ResultHistory, SelectRefusesWhatIsOutOfRangeOrAlreadyCurrent) {
  ResultHistory h;
  h.addBatch(batch(1, 3));
  EXPECT_FALSE(h.select(0)) << "already current";
  EXPECT_TRUE(h.select(2));
  EXPECT_EQ(h.currentEntry()->provenance.seed, 3u);
  EXPECT_FALSE(h.select(3));
  EXPECT_FALSE(h.select(-1));
  EXPECT_EQ(h.current(), 2);
}

TEST(ResultHistory, TheOldestGoBeyondTheCapAndTheBatchKeepsItsPlace) {
  ResultHistory h;
  for (int b = 0; b < ResultHistory::kMax / 2; ++b) h.addBatch(batch(100 * (b + 1), 2));
  ASSERT_EQ(h.size(), ResultHistory::kMax);
  h.addBatch(batch(9000, 3));
  ASSERT_EQ(h.size(), ResultHistory::kMax);
  EXPECT_EQ(seedAt(h, 0), 201u) << "the first batch and one more of the oldest went";
  EXPECT_EQ(h.batchStart(), ResultHistory::kMax - 3);
  EXPECT_EQ(h.currentEntry()->provenance.seed, 9000u);
  // A batch larger than the cap keeps its newest.
  h.addBatch(batch(50000, ResultHistory::kMax + 5));
  ASSERT_EQ(h.size(), ResultHistory::kMax);
  EXPECT_EQ(h.batchStart(), 0);
  EXPECT_EQ(seedAt(h, 0), 50005u);
  EXPECT_EQ(h.currentEntry()->provenance.seed, 50005u);
}

TEST(ResultHistory, ReplaceMakesTheLastCurrentAndClearEmpties) {
  ResultHistory h;
  h.addBatch(batch(1, 2));
  h.replace(batch(40, ResultHistory::kMax + 2));
  ASSERT_EQ(h.size(), ResultHistory::kMax);
  EXPECT_EQ(h.batchStart(), 0);
  EXPECT_EQ(seedAt(h, 0), 42u);
  EXPECT_EQ(h.current(), ResultHistory::kMax - 1);
  EXPECT_EQ(h.currentEntry()->provenance.seed, 40u + ResultHistory::kMax + 1);
  h.replace({});
  EXPECT_EQ(h.current(), -1);
  h.addBatch(batch(7, 1));
  h.clear();
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.current(), -1);
  EXPECT_EQ(h.currentEntry(), nullptr);
}

TEST(ResultHistory, ReadBackIsTheShareOfPaintedPixelsTheEndEstimateLabelsTheSame) {
  ClassList classes;
  classes.classes = {{"sky", {0, 0, 255}}, {"road", {128, 128, 128}}, {"void", {0, 0, 0}}};
  classes.ignoreIndex = 2;
  StepReport start, end;
  start.t = 0.0;
  end.t = 1.0;
  start.items.resize(1);
  end.items.resize(1);
  start.items[0].y = LabelMap(5, 1, 0);
  start.items[0].y.ids = {0, 0, 1, 2, 255};  // neither void nor an unknown id counts
  end.items[0].yHat = LabelMap(5, 1, 0);
  end.items[0].yHat.ids = {0, 1, 1, 0, 0};
  const std::vector<StepReport> steps{start, end};
  ASSERT_TRUE(readBackShare(steps, 0, classes).has_value());
  EXPECT_DOUBLE_EQ(*readBackShare(steps, 0, classes), 2.0 / 3.0);
  EXPECT_FALSE(readBackShare(steps, 1, classes)) << "no second item";
  EXPECT_FALSE(readBackShare({start}, 0, classes)) << "no end";
  std::vector<StepReport> notAtTheEnd = steps;
  notAtTheEnd.back().t = 0.5;
  EXPECT_FALSE(readBackShare(notAtTheEnd, 0, classes)) << "a run that did not reach t = 1";
}

}  // namespace
}  // namespace symmflow::ui
