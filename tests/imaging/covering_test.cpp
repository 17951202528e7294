// SPDX-License-Identifier: MIT
#include "core/imaging/covering.h"

#include <algorithm>
#include <stdexcept>

#include <gtest/gtest.h>

#include "core/imaging/edge_aware_upsample.h"

namespace symmflow::imaging {
namespace {

// Every photo column (wide) or row (tall) lies in at least one window.
bool covers(const std::vector<Framing>& windows, bool wide) {
  const Framing& f = windows.front();
  const int extent = wide ? f.photoWidth : f.photoHeight;
  std::vector<int> hits(static_cast<std::size_t>(extent), 0);
  for (const Framing& w : windows) {
    const int from = wide ? w.cropX : w.cropY, size = wide ? w.cropWidth : w.cropHeight;
    for (int i = from; i < from + size; ++i) ++hits[static_cast<std::size_t>(i)];
  }
  return std::all_of(hits.begin(), hits.end(), [](int h) { return h > 0; });
}

// What a perfect model says about the scene "class 0 left of photo column `edge`, class 1
// right of it", seen through window w on a gw x gh grid: one-hot probabilities.
FloatPlanes splitScores(const Framing& w, int gw, int gh, double edge) {
  FloatPlanes p;
  p.channels = 2;
  p.width = gw;
  p.height = gh;
  p.data.assign(std::size_t(2) * gw * gh, 0.0f);
  for (int y = 0; y < gh; ++y)
    for (int x = 0; x < gw; ++x) {
      const double px = w.cropX + (x + 0.5) * w.cropWidth / gw;
      p.data[std::size_t(px < edge ? 0 : 1) * gw * gh + std::size_t(y) * gw + x] = 1.0f;
    }
  return p;
}

TEST(Covering, OnePhotoOfTheModelsAspectIsOneWindow) {
  const auto f = makeFraming(320, 240, 192, 144);
  const auto windows = coveringWindows(f);
  ASSERT_EQ(windows.size(), 1u);
  EXPECT_EQ(windows[0].cropWidth, 320);
}

TEST(Covering, AWidePhotoIsCoveredByCropsOfOneSizeTheCentredOneFirst) {
  const auto f = makeFraming(640, 240, 192, 144);  // crop 320 wide, centred at 160
  const auto windows = coveringWindows(f);
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(windows[0].cropX, 160);
  EXPECT_EQ(windows[1].cropX, 0);
  EXPECT_EQ(windows[2].cropX, 320);
  for (const auto& w : windows) {
    EXPECT_TRUE(w.valid());
    EXPECT_EQ(w.cropWidth, 320);
    EXPECT_EQ(w.cropHeight, 240);
  }
  EXPECT_TRUE(covers(windows, true));
  // Odd sizes: a 16:9 photo, and a portrait one on a landscape model.
  EXPECT_TRUE(covers(coveringWindows(makeFraming(1277, 719, 192, 144)), true));
  const auto tall = coveringWindows(makeFraming(177, 256, 160, 128));
  EXPECT_GT(tall.size(), 1u);
  EXPECT_TRUE(covers(tall, false));
}

TEST(Covering, AnExtremePanoramaKeepsTheCentredCropOnly) {
  const auto f = makeFraming(4000, 100, 192, 144);
  EXPECT_EQ(coveringWindows(f).size(), 1u) << "30 windows would be needed";
  EXPECT_GT(coveringWindows(f, 64).size(), 8u);
}

// The windows' verdicts are blended into one map of the whole photo: no unlabelled band,
// the boundary where the scene has it, and certainty where every window is certain.
TEST(Covering, SegmentationFromWindowsLabelsTheWholePhoto) {
  const int W = 400, H = 100;
  const double edge = 130.0;  // outside the centred crop (crop x from 67 to 333)
  const auto windows = coveringWindows(makeFraming(W, H, 16, 12));
  ASSERT_GT(windows.size(), 1u);
  std::vector<FloatPlanes> scores;
  for (const auto& w : windows) scores.push_back(splitScores(w, 16, 12, edge));
  RgbImage photo(W, H);
  std::fill(photo.pixels.begin(), photo.pixels.end(), std::uint8_t{128});
  const auto seg = segmentationFromWindows(scores, windows, photo);
  ASSERT_EQ(seg.labels.width, W);
  ASSERT_EQ(seg.labels.height, H);
  ASSERT_EQ(seg.uncertainty.size(), std::size_t(W) * H);
  int wrong = 0;
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const int id = seg.labels.at(x, y);
      ASSERT_NE(id, LabelMap::kIgnoreId) << "unlabelled at " << x << "," << y;
      if (std::abs(x + 0.5 - edge) > 12 && id != (x + 0.5 < edge ? 0 : 1)) ++wrong;
    }
  EXPECT_EQ(wrong, 0);
  EXPECT_LT(seg.uncertainty[std::size_t(50) * W + 10], 0.05f) << "every window is certain there";
  EXPECT_LT(seg.uncertainty[std::size_t(50) * W + 380], 0.05f);
}

// One window (a photo of the model's aspect, or a panorama beyond the limit): exactly the
// edge-aware upsampling of that crop, unlabelled beyond it.
TEST(Covering, OneWindowIsTheEdgeAwareUpsamplingOfItsCrop) {
  const auto f = makeFraming(400, 100, 16, 12);
  const auto scores = splitScores(f, 16, 12, 200.0);
  RgbImage photo(400, 100);
  std::fill(photo.pixels.begin(), photo.pixels.end(), std::uint8_t{90});
  const auto seg = segmentationFromWindows({scores}, {f}, photo);
  EXPECT_EQ(seg.labels.ids, upsampleLabelsEdgeAware(scores, photo, f).ids);
  EXPECT_EQ(seg.labels.at(5, 50), LabelMap::kIgnoreId);
  EXPECT_EQ(seg.uncertainty[std::size_t(50) * 400 + 5], 0.0f);
}

TEST(Covering, RejectsInconsistentInputs) {
  const auto windows = coveringWindows(makeFraming(400, 100, 16, 12));
  RgbImage photo(400, 100);
  std::vector<FloatPlanes> scores;
  for (const auto& w : windows) scores.push_back(splitScores(w, 16, 12, 100.0));
  EXPECT_THROW(segmentationFromWindows({scores[0]}, windows, photo), std::invalid_argument);
  EXPECT_THROW(segmentationFromWindows(scores, windows, RgbImage(300, 100)), std::invalid_argument);
  scores[1] = splitScores(windows[1], 8, 6, 100.0);
  EXPECT_THROW(segmentationFromWindows(scores, windows, photo), std::invalid_argument);
}

}  // namespace
}  // namespace symmflow::imaging
