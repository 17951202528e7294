// SPDX-License-Identifier: MIT
#include "core/imaging/composite.h"

#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include "tests/imaging/test_util.h"

namespace symmflow::imaging {
namespace {

// Brute-force Euclidean distance from every pixel to the nearest changed pixel.
std::vector<double> distances(const LabelMap& changed) {
  std::vector<std::pair<int, int>> points;
  for (int y = 0; y < changed.height; ++y)
    for (int x = 0; x < changed.width; ++x)
      if (changed.at(x, y)) points.emplace_back(x, y);
  std::vector<double> d(changed.ids.size(), 1e9);
  for (int y = 0; y < changed.height; ++y)
    for (int x = 0; x < changed.width; ++x) {
      double best = 1e18;
      for (auto [px, py] : points) best = std::min(best, double((px - x) * (px - x) + (py - y) * (py - y)));
      d[std::size_t(y) * changed.width + x] = std::sqrt(best);
    }
  return d;
}

TEST(CompositeEdit, PixelsOutsideTheFeatheredRegionAreByteIdentical) {
  const RgbImage photo = test::randomImage(160, 120, 21);
  const RgbImage regenerated = test::randomImage(80, 60, 22);
  const Framing f = makeFraming(160, 120, 80, 60);
  LabelMap before(160, 120, 0), after(160, 120, 0);
  for (int y = 30; y < 50; ++y)
    for (int x = 40; x < 70; ++x) after.at(x, y) = 3;
  for (int y = 0; y < 120; ++y)
    for (int x = 0; x < 160; ++x)
      if ((x - 120) * (x - 120) + (y - 80) * (y - 80) < 100) after.at(x, y) = 1;
  const LabelMap changed = changedMask(before, after);

  const float feather = 4.f, dilate = 2.f;
  const RgbImage out = compositeEdit(photo, regenerated, changed, f, feather, dilate);
  const RgbImage upsampled = imageToPhoto(regenerated, f);
  const auto d = distances(changed);
  int untouched = 0, blended = 0;
  for (int y = 0; y < 120; ++y)
    for (int x = 0; x < 160; ++x) {
      const double dist = d[std::size_t(y) * 160 + x];
      if (dist > dilate + feather) {
        ASSERT_EQ(0, std::memcmp(out.at(x, y), photo.at(x, y), 3)) << x << "," << y;
        ++untouched;
      } else if (dist <= dilate) {
        ASSERT_EQ(0, std::memcmp(out.at(x, y), upsampled.at(x, y), 3)) << x << "," << y;
      } else if (std::memcmp(out.at(x, y), photo.at(x, y), 3) != 0) {
        ++blended;
      }
    }
  EXPECT_GT(untouched, 160 * 120 / 2);
  EXPECT_GT(blended, 50) << "the feather zone mixes both images";
}

TEST(CompositeEdit, NothingChangedOrOutsideTheCropKeepsThePhoto) {
  const RgbImage photo = test::randomImage(200, 100, 31);
  const Framing f = makeFraming(200, 100, 64, 64);  // crop 100x100 at x = 50
  const RgbImage regenerated = test::randomImage(64, 64, 32);
  EXPECT_EQ(compositeEdit(photo, regenerated, LabelMap(200, 100, 0), f, 3.f), photo);

  LabelMap changed(200, 100, 0);
  for (int y = 0; y < 100; ++y)
    for (int x = 0; x < 30; ++x) changed.at(x, y) = 1;  // all outside the crop
  for (int y = 40; y < 60; ++y) changed.at(100, y) = 1;
  const RgbImage out = compositeEdit(photo, regenerated, changed, f, 0.f, 0.f);
  for (int y = 0; y < 100; ++y)
    for (int x = 0; x < 200; ++x) {
      const bool inRegion = x == 100 && y >= 40 && y < 60;
      if (!inRegion) {
        ASSERT_EQ(0, std::memcmp(out.at(x, y), photo.at(x, y), 3)) << x << "," << y;
      }
    }
  EXPECT_THROW(compositeEdit(photo, photo, changed, f, 1.f), std::invalid_argument);
}

}  // namespace
}  // namespace symmflow::imaging
