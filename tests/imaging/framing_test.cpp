// SPDX-License-Identifier: MIT
#include "core/imaging/framing.h"

#include <cstring>
#include <set>

#include <gtest/gtest.h>

#include "core/imaging/resample.h"
#include "tests/imaging/test_util.h"

namespace symmflow::imaging {
namespace {

TEST(Framing, MatchingAspectWithinTwoPercentIsAPlainResize) {
  const Framing same = makeFraming(4000, 3000, 192, 144);
  EXPECT_EQ(same.mode, Framing::Mode::Resize);
  EXPECT_EQ(same.cropWidth, 4000);
  EXPECT_EQ(same.cropHeight, 3000);
  EXPECT_EQ(makeFraming(4000, 2960, 192, 144).mode, Framing::Mode::Resize);      // 1.35 %
  EXPECT_EQ(makeFraming(4000, 2900, 192, 144).mode, Framing::Mode::CenterCrop);  // 3.4 %
}

TEST(Framing, WidePhotoIsCroppedAtTheSides) {
  const Framing f = makeFraming(1920, 1080, 192, 144);
  EXPECT_EQ(f.mode, Framing::Mode::CenterCrop);
  EXPECT_EQ(f.cropWidth, 1440);
  EXPECT_EQ(f.cropHeight, 1080);
  EXPECT_EQ(f.cropX, 240);
  EXPECT_EQ(f.cropY, 0);
  EXPECT_TRUE(f.valid());
}

TEST(Framing, TallPhotoIsCroppedTopAndBottom) {
  const Framing f = makeFraming(300, 1000, 320, 240);
  EXPECT_EQ(f.cropWidth, 300);
  EXPECT_EQ(f.cropHeight, 225);
  EXPECT_EQ(f.cropY, 387);
  EXPECT_THROW(makeFraming(0, 10, 10, 10), std::invalid_argument);
}

TEST(Framing, MapsToTheModelAndBackToThePhotoSize) {
  const Framing f = makeFraming(500, 240, 160, 120);  // wide: crop 320x240 at x = 90
  const RgbImage photo = test::randomImage(500, 240, 3);
  const RgbImage model = toModel(photo, f);
  EXPECT_EQ(model.width, 160);
  EXPECT_EQ(model.height, 120);

  // Labels in 2x2 blocks survive photo -> model -> photo exactly inside the crop.
  LabelMap labels(500, 240);
  for (int y = 0; y < 240; ++y)
    for (int x = 0; x < 500; ++x) labels.at(x, y) = std::uint8_t(((x - 90) / 2 + y / 2) % 5);
  const LabelMap onModel = labelsToModel(labels, f);
  EXPECT_EQ(onModel.width, 160);
  const LabelMap back = labelsToPhoto(onModel, f);
  ASSERT_EQ(back.width, 500);
  ASSERT_EQ(back.height, 240);
  for (int y = 0; y < 240; ++y)
    for (int x = 0; x < 500; ++x) {
      const bool inside = x >= 90 && x < 410;
      ASSERT_EQ(back.at(x, y), inside ? labels.at(x, y) : LabelMap::kIgnoreId) << x << "," << y;
    }

  // A coarser label grid spreads over the whole crop too.
  const LabelMap coarse = labelsToModel(labels, f, 40, 30);
  EXPECT_EQ(coarse.width, 40);
  EXPECT_EQ(labelsToPhoto(coarse, f).width, 500);

  const RgbImage image = imageToPhoto(model, f, photo);
  EXPECT_EQ(image.width, 500);
  EXPECT_EQ(0, std::memcmp(image.at(0, 5), photo.at(0, 5), std::size_t{90} * 3)) << "outside the crop kept";
  EXPECT_THROW(toModel(test::randomImage(10, 10, 1), f), std::invalid_argument);
}

TEST(Resample, ShrinkingAUniformImageKeepsItExact) {
  const RgbImage image(640, 480, 93);
  EXPECT_EQ(resizeImage(image, 64, 48), RgbImage(64, 48, 93));
  EXPECT_EQ(resizeImage(image, 1000, 700), RgbImage(1000, 700, 93));
}

TEST(Resample, LabelsStayIdsOfTheInput) {
  LabelMap labels(33, 17);
  for (std::size_t i = 0; i < labels.ids.size(); ++i) labels.ids[i] = std::uint8_t(i % 3 == 0 ? 255 : i % 7);
  for (auto [w, h] : {std::pair{100, 50}, std::pair{7, 5}}) {
    const LabelMap r = resizeLabels(labels, w, h);
    ASSERT_EQ(r.width, w);
    std::set<int> in(labels.ids.begin(), labels.ids.end());
    for (auto id : r.ids) ASSERT_TRUE(in.count(id));
  }
  LabelMap blocks(4, 2);
  blocks.ids = {0, 1, 2, 3, 4, 5, 6, 7};
  const LabelMap up = resizeLabels(blocks, 8, 4);
  EXPECT_EQ(up.at(0, 0), 0);
  EXPECT_EQ(up.at(1, 1), 0);
  EXPECT_EQ(up.at(2, 0), 1);
  EXPECT_EQ(up.at(7, 3), 7);
}

TEST(Resample, PlanesResizeBilinearly) {
  FloatPlanes p;
  p.channels = 2;
  p.width = 2;
  p.height = 1;
  p.data = {0.f, 1.f, 1.f, 1.f};
  const FloatPlanes r = resizePlanes(p, 4, 1);
  ASSERT_EQ(r.data.size(), 8u);
  EXPECT_FLOAT_EQ(r.at(0, 0, 0), 0.f);
  EXPECT_FLOAT_EQ(r.at(0, 1, 0), 0.25f);
  EXPECT_FLOAT_EQ(r.at(0, 3, 0), 1.f);
  EXPECT_FLOAT_EQ(r.at(1, 2, 0), 1.f);
}

}  // namespace
}  // namespace symmflow::imaging
