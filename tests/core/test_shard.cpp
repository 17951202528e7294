// SPDX-License-Identifier: MIT
#include <cmath>
#include <set>
#include <utility>

#include <gtest/gtest.h>

#include "core/safetensors.h"
#include "core/shard.h"
#include "tests/core/test_helpers.h"

using namespace symmflow;
using symmflow::testing::TempDir;

TEST(Shard, WriteLoadRoundTripAndBatches) {
  TempDir d;
  auto [images, masks] = symmflow::testing::makeShapes(6, 16, 24, 5);
  ASSERT_TRUE(Shard::write(d.path("s.safetensors"), images, masks, {}, symmflow::testing::shapeClasses(), "test").ok());
  auto s = Shard::load(d.path("s.safetensors"));
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->size(), 6);
  EXPECT_EQ(s->height(), 16);
  EXPECT_EQ(s->width(), 24);
  EXPECT_EQ(s->source(), "test");
  auto b = s->slice(0, 6, 1);
  EXPECT_EQ(b.x.sizes(), (std::vector<int64_t>{6, 3, 16, 24}));
  EXPECT_TRUE(torch::equal(b.ids.to(torch::kByte), masks));
  // Pixel values map to [-1, 1] exactly as (v / 127.5 - 1).
  EXPECT_NEAR(b.x[2][1][3][4].item<float>(), images[2][3][4][1].item<uint8_t>() / 127.5f - 1.0f, 1e-6);
  auto c = s->sample(4, 8, 16, Augment{}, 1);
  EXPECT_EQ(c.x.sizes(), (std::vector<int64_t>{4, 3, 8, 16}));
  EXPECT_EQ(c.ids.sizes(), (std::vector<int64_t>{4, 8, 16}));
  // Each cropped image keeps its mask aligned: the colour of every pixel is its class colour (plus noise).
  const auto cls = symmflow::testing::shapeClasses();
  auto red = (c.x.select(1, 0) + 1) * 127.5;
  auto boxRed = red.masked_select(c.ids == 1);
  if (boxRed.numel() > 0) {
    EXPECT_NEAR(boxRed.mean().item<double>(), cls.classes[1].color[0], 10.0);
  }
  auto labels = s->sample(3, 0, 0, Augment{false}, 2);
  EXPECT_EQ(labels.ids.sizes(), (std::vector<int64_t>{3, 8, 12}));
  auto freq = s->classFrequencies();
  EXPECT_NEAR(freq[0] + freq[1] + freq[2], 1.0, 1e-9);
}

namespace {

// One 32x48 item: a checkerboard of 4x4 blocks of classes 0 and 1 painted in their exact colours.
Shard checkerboard() {
  const auto cls = symmflow::testing::shapeClasses();
  auto masks = torch::zeros({1, 32, 48}, torch::kByte);
  auto images = torch::zeros({1, 32, 48, 3}, torch::kByte);
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 48; ++x) {
      const int c = ((y / 4) + (x / 4)) % 2;
      masks[0][y][x] = c;
      for (int k = 0; k < 3; ++k) images[0][y][x][k] = cls.classes[c].color[k];
    }
  return Shard::fromTensors(images, masks, {}, cls);
}

// Share of horizontally adjacent pixel pairs whose classes differ.
double edgeDensity(const torch::Tensor& ids) {
  return ids.narrow(2, 1, ids.size(2) - 1)
      .ne(ids.narrow(2, 0, ids.size(2) - 1))
      .to(torch::kDouble)
      .mean()
      .item<double>();
}

}  // namespace

TEST(Shard, ZoomKeepsMasksOnTheirPixelsAndEnlargesObjects) {
  torch::manual_seed(3);
  const Shard s = checkerboard();
  const auto cls = symmflow::testing::shapeClasses();
  Augment plain{false};
  Augment zoom{false, 3.0};
  const auto a = s.sample(16, 16, 24, plain, 1);
  const auto z = s.sample(16, 16, 24, zoom, 1);
  ASSERT_EQ(z.x.sizes(), (std::vector<int64_t>{16, 3, 16, 24}));
  ASSERT_EQ(z.ids.sizes(), (std::vector<int64_t>{16, 16, 24}));
  EXPECT_GE(z.x.min().item<float>(), -1.0f);
  EXPECT_LE(z.x.max().item<float>(), 1.0f);
  // Plain crops: a class edge every 4 pixels. Zoomed up to 3x: blocks of 4 to 12 pixels.
  EXPECT_NEAR(edgeDensity(a.ids), 0.25, 0.03);
  EXPECT_LT(edgeDensity(z.ids), 0.8 * edgeDensity(a.ids));
  EXPECT_GT(edgeDensity(z.ids), 0.25 / 3.0 - 0.03);
  // Every pixel's colour is nearest to the colour of the class its mask says: the mask is
  // resized with the same pixel centres as the image (nearest-exact; plain nearest is half a
  // source pixel off and scored 0.89 here).
  auto red = (z.x.select(1, 0) + 1) * 127.5;
  const double r0 = cls.classes[0].color[0], r1 = cls.classes[1].color[0];
  auto nearest = ((red - r1).abs() < (red - r0).abs()).to(torch::kLong);
  EXPECT_GT(nearest.eq(z.ids).to(torch::kDouble).mean().item<double>(), 0.99);
}

namespace {

// One 20x30 item whose red channel is 8 x column and green 8 x row (a position code), with
// 3x3 blocks of classes 0 and 1 as its mask.
Shard positionCoded() {
  auto masks = torch::zeros({1, 20, 30}, torch::kByte);
  auto images = torch::zeros({1, 20, 30, 3}, torch::kByte);
  for (int y = 0; y < 20; ++y)
    for (int x = 0; x < 30; ++x) {
      masks[0][y][x] = ((y / 3) + (x / 3)) % 2;
      images[0][y][x][0] = 8 * x;
      images[0][y][x][1] = 8 * y;
    }
  return Shard::fromTensors(images, masks, {}, symmflow::testing::shapeClasses());
}

}  // namespace

TEST(Shard, ZoomNearOneIsAnExactCropWithItsMask) {
  torch::manual_seed(5);
  const auto z = positionCoded().sample(8, 10, 12, Augment{false, 1.0 + 1e-9}, 1);
  std::set<std::pair<int, int>> offsets;
  for (int b = 0; b < 8; ++b) {
    auto r = (z.x[b][0] + 1) * 127.5 / 8, g = (z.x[b][1] + 1) * 127.5 / 8;  // source column, row
    const int x0 = static_cast<int>(std::lround(r[0][0].item<double>()));
    const int y0 = static_cast<int>(std::lround(g[0][0].item<double>()));
    offsets.insert({x0, y0});
    auto cols = torch::arange(12, torch::kDouble).add(x0).view({1, 12}).expand({10, 12});
    auto rows = torch::arange(10, torch::kDouble).add(y0).view({10, 1}).expand({10, 12});
    EXPECT_LT((r.to(torch::kDouble) - cols).abs().max().item<double>(), 1e-3) << "item " << b;
    EXPECT_LT((g.to(torch::kDouble) - rows).abs().max().item<double>(), 1e-3) << "item " << b;
    auto expected = (cols.div(3).floor() + rows.div(3).floor()).remainder(2).to(torch::kLong);
    EXPECT_TRUE(torch::equal(z.ids[b], expected)) << "item " << b << " at (" << x0 << ", " << y0 << ")";
  }
  EXPECT_GT(offsets.size(), 1u) << "every item got the same window";
}

TEST(Shard, ZoomIsAnAffineEnlargementPerItem) {
  torch::manual_seed(6);
  const auto z = positionCoded().sample(16, 10, 12, Augment{false, 2.0}, 1);
  std::set<long> spacings;
  for (int b = 0; b < 16; ++b) {
    auto r = ((z.x[b][0] + 1) * 127.5).to(torch::kDouble);
    // Along a row the source column advances by a constant ww / w in [1/2, 1] (interior pixels:
    // the outermost ones may be clamped to the image's border).
    auto step = r.narrow(1, 2, 9) - r.narrow(1, 1, 9);
    EXPECT_LT((step - step.mean()).abs().max().item<double>(), 0.02) << "item " << b;
    EXPECT_GE(step.mean().item<double>(), 4.0 - 0.02);
    EXPECT_LE(step.mean().item<double>(), 8.0 + 0.02);
    spacings.insert(std::lround(step.mean().item<double>() * 100));
    // Rows are identical in red: the zoom does not shear.
    EXPECT_LT((r - r[0].unsqueeze(0)).abs().max().item<double>(), 1e-3);
  }
  EXPECT_GT(spacings.size(), 1u) << "every item got the same zoom";
}

TEST(Shard, ColourJitterChangesColoursWithinRangeButNotLabels) {
  torch::manual_seed(4);
  const Shard s = checkerboard();
  const auto ref = s.slice(0, 1, 1);
  Augment jitter{false, 1.0, 0.3};
  const auto j = s.sample(32, 0, 0, jitter, 1);
  EXPECT_TRUE(torch::equal(j.ids, ref.ids.expand({32, 32, 48})));
  EXPECT_GE(j.x.min().item<float>(), -1.0f);
  EXPECT_LE(j.x.max().item<float>(), 1.0f);
  // Each item gets its own factors: the mean brightness varies between items.
  EXPECT_GT(j.x.mean({1, 2, 3}).std().item<double>(), 0.02);
  // ... but the pattern survives: class-1 pixels stay redder than class-0 pixels in every item.
  auto red = j.x.select(1, 0);
  auto ids = j.ids.to(torch::kBool);
  for (int b = 0; b < 32; ++b)
    EXPECT_GT(red[b].masked_select(ids[b]).mean().item<double>(),
              red[b].masked_select(ids[b].logical_not()).mean().item<double>());
  // Off: the items are the shard's pixels exactly.
  const auto off = s.sample(4, 0, 0, Augment{false}, 1);
  EXPECT_TRUE(torch::equal(off.x, ref.x.expand({4, 3, 32, 48})));
}

TEST(Shard, ImageLevelLabels) {
  TempDir d;
  auto [images, masks] = symmflow::testing::makeShapes(4, 8, 8, 1);
  auto labels = torch::tensor({0, 2, 1, 2}, torch::kLong);
  ASSERT_TRUE(Shard::write(d.path("c.safetensors"), images, {}, labels, symmflow::testing::shapeClasses(), "").ok());
  auto s = Shard::load(d.path("c.safetensors"));
  ASSERT_TRUE(s.ok()) << s.error();
  auto b = s->slice(0, 4, 0);
  EXPECT_EQ(b.ids.sizes(), (std::vector<int64_t>{4, 1, 1}));
  EXPECT_EQ(b.ids[1][0][0].item<int64_t>(), 2);
}

TEST(Shard, MalformedShardsAreRejected) {
  TempDir d;
  auto meta = std::map<std::string, std::string>{{"format", "symmflow-shard"},
                                                 {"classes", classListToJson(symmflow::testing::shapeClasses())}};
  ASSERT_TRUE(
      writeSafetensors(d.path("a.safetensors"), {{"images", DType::U8, {2, 4, 4}, std::vector<uint8_t>(32)}}, meta)
          .ok());
  EXPECT_NE(Shard::load(d.path("a.safetensors")).error().find("(N,H,W,3)"), std::string::npos);
  ASSERT_TRUE(
      writeSafetensors(d.path("b.safetensors"), {{"images", DType::U8, {2, 4, 4, 3}, std::vector<uint8_t>(96)}}, meta)
          .ok());
  EXPECT_NE(Shard::load(d.path("b.safetensors")).error().find("neither masks nor labels"), std::string::npos);
  ASSERT_TRUE(writeSafetensors(
                  d.path("c.safetensors"),
                  {{"images", DType::U8, {2, 4, 4, 3}, std::vector<uint8_t>(96)}, {"labels", DType::U8, {2}, {0, 7}}},
                  meta)
                  .ok());
  EXPECT_NE(Shard::load(d.path("c.safetensors")).error().find("outside the class list"), std::string::npos);
  ASSERT_TRUE(writeSafetensors(d.path("d.safetensors"), {{"images", DType::U8, {1, 1, 1, 3}, {1, 2, 3}}}, {}).ok());
  EXPECT_NE(Shard::load(d.path("d.safetensors")).error().find("not a SymmFlow data shard"), std::string::npos);
}
