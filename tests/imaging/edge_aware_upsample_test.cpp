// SPDX-License-Identifier: MIT
#include "core/imaging/edge_aware_upsample.h"

#include <cmath>

#include <gtest/gtest.h>

#include "tests/imaging/test_util.h"

namespace symmflow::imaging {
namespace {

double iou(const LabelMap& a, const LabelMap& b, std::uint8_t id) {
  std::int64_t inter = 0, uni = 0;
  for (std::size_t i = 0; i < a.ids.size(); ++i) {
    const bool x = a.ids[i] == id, y = b.ids[i] == id;
    inter += x && y;
    uni += x || y;
  }
  return uni == 0 ? 1.0 : double(inter) / double(uni);
}

// A photo with a sharp-edged disc and a slanted edge, its true labels, and the
// per-class coverage on a grid `factor` times coarser (what a good coarse model gives).
struct Scene {
  RgbImage photo;
  LabelMap truth;
  FloatPlanes probs;
};

Scene makeScene(int w, int h, int factor) {
  Scene s{RgbImage(w, h), LabelMap(w, h), {}};
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.f, 4.f);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double dx = x + 0.5 - w * 0.4, dy = y + 0.5 - h * 0.5;
      std::uint8_t id = 0;
      if (dx * dx + dy * dy < (h * 0.3) * (h * 0.3))
        id = 1;
      else if (x > 0.75 * w + 0.3 * (y - h * 0.5))
        id = 2;
      s.truth.at(x, y) = id;
      static const int kColours[3][3] = {{40, 90, 200}, {200, 60, 40}, {60, 170, 70}};
      for (int c = 0; c < 3; ++c)
        s.photo.at(x, y)[c] = std::uint8_t(std::clamp(kColours[id][c] + noise(rng), 0.f, 255.f));
    }
  const int gw = w / factor, gh = h / factor;
  s.probs.channels = 3;
  s.probs.width = gw;
  s.probs.height = gh;
  s.probs.data.assign(std::size_t(3) * gw * gh, 0.f);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int id = s.truth.at(x, y);
      s.probs.data[(std::size_t(id) * gh + y / factor) * gw + x / factor] += 1.f / float(factor * factor);
    }
  // Soften like a real model: each cell mixes in its 3x3 neighbourhood.
  const FloatPlanes sharp = s.probs;
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < gh; ++y)
      for (int x = 0; x < gw; ++x) {
        float sum = 0.f;
        int n = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx)
            if (x + dx >= 0 && x + dx < gw && y + dy >= 0 && y + dy < gh) {
              sum += sharp.at(c, x + dx, y + dy);
              ++n;
            }
        s.probs.data[(std::size_t(c) * gh + y) * gw + x] = 0.5f * sharp.at(c, x, y) + 0.5f * sum / n;
      }
  return s;
}

TEST(EdgeAwareUpsample, FollowsASharpEdgeBetterThanNearest) {
  const int factor = 8;
  const Scene s = makeScene(320, 240, factor);
  const Framing f = makeFraming(320, 240, 320 / factor, 240 / factor);
  ASSERT_EQ(f.mode, Framing::Mode::Resize);

  // Nearest baseline: argmax on the coarse grid, then nearest upsampling.
  LabelMap coarse(s.probs.width, s.probs.height);
  for (int y = 0; y < coarse.height; ++y)
    for (int x = 0; x < coarse.width; ++x) {
      int best = 0;
      for (int c = 1; c < 3; ++c)
        if (s.probs.at(c, x, y) > s.probs.at(best, x, y)) best = c;
      coarse.at(x, y) = std::uint8_t(best);
    }
  const LabelMap nearest = labelsToPhoto(coarse, f);
  const LabelMap bilinear = upsampleLabelsBilinear(s.probs, f);
  const LabelMap edgeAware = upsampleLabelsEdgeAware(s.probs, s.photo, f);
  ASSERT_EQ(edgeAware.width, 320);
  ASSERT_EQ(edgeAware.height, 240);

  EXPECT_GT(iou(edgeAware, s.truth, 1), iou(nearest, s.truth, 1) + 0.02) << "the disc";
  for (std::uint8_t id : {1, 2}) {
    const double n = iou(nearest, s.truth, id);
    const double b = iou(bilinear, s.truth, id);
    const double e = iou(edgeAware, s.truth, id);
    RecordProperty("iou_class" + std::to_string(id),
                   std::to_string(n) + "/" + std::to_string(b) + "/" + std::to_string(e));
    std::printf("class %d IoU: nearest %.4f bilinear %.4f edge-aware %.4f\n", id, n, b, e);
    // At least half of the boundary errors of nearest and of bilinear upsampling are gone.
    EXPECT_LT(1.0 - e, 0.5 * (1.0 - n)) << "class " << int(id);
    EXPECT_LT(1.0 - e, 0.5 * (1.0 - b)) << "class " << int(id);
    EXPECT_GT(e, 0.98) << "class " << int(id);
  }
}

TEST(EdgeAwareUpsample, CropFramingFillsOutsideAndExactFilterWorks) {
  const Scene s = makeScene(240, 240, 8);
  // Model 40x30 of a square photo: crop 240x180 at y = 30.
  const Framing f = makeFraming(240, 240, 40, 30);
  ASSERT_EQ(f.cropY, 30);
  const FloatPlanes& probs = s.probs;  // any grid is spread over the crop
  EdgeAwareParams exact;
  exact.subsample = 1;
  const LabelMap out = upsampleLabelsEdgeAware(probs, s.photo, f, exact);
  EXPECT_EQ(out.at(5, 5), LabelMap::kIgnoreId);
  EXPECT_EQ(out.at(5, 235), LabelMap::kIgnoreId);
  EXPECT_NE(out.at(5, 120), LabelMap::kIgnoreId);
  EXPECT_THROW(upsampleLabelsEdgeAware(probs, RgbImage(10, 10), f), std::invalid_argument);
}

}  // namespace
}  // namespace symmflow::imaging
