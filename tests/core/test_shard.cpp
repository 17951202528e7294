// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include "core/shard.h"
#include "core/safetensors.h"
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
  auto c = s->sample(4, 8, 16, true, 1);
  EXPECT_EQ(c.x.sizes(), (std::vector<int64_t>{4, 3, 8, 16}));
  EXPECT_EQ(c.ids.sizes(), (std::vector<int64_t>{4, 8, 16}));
  // Each cropped image keeps its mask aligned: the colour of every pixel is its class colour (plus noise).
  const auto cls = symmflow::testing::shapeClasses();
  auto red = (c.x.select(1, 0) + 1) * 127.5;
  auto boxRed = red.masked_select(c.ids == 1);
  if (boxRed.numel() > 0) {
    EXPECT_NEAR(boxRed.mean().item<double>(), cls.classes[1].color[0], 10.0);
  }
  auto labels = s->sample(3, 0, 0, false, 2);
  EXPECT_EQ(labels.ids.sizes(), (std::vector<int64_t>{3, 8, 12}));
  auto freq = s->classFrequencies();
  EXPECT_NEAR(freq[0] + freq[1] + freq[2], 1.0, 1e-9);
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
  auto meta = std::map<std::string, std::string>{{"format", "symmflow-shard"}, {"classes", classListToJson(symmflow::testing::shapeClasses())}};
  ASSERT_TRUE(writeSafetensors(d.path("a.safetensors"), {{"images", DType::U8, {2, 4, 4}, std::vector<uint8_t>(32)}}, meta).ok());
  EXPECT_NE(Shard::load(d.path("a.safetensors")).error().find("(N,H,W,3)"), std::string::npos);
  ASSERT_TRUE(writeSafetensors(d.path("b.safetensors"), {{"images", DType::U8, {2, 4, 4, 3}, std::vector<uint8_t>(96)}}, meta).ok());
  EXPECT_NE(Shard::load(d.path("b.safetensors")).error().find("neither masks nor labels"), std::string::npos);
  ASSERT_TRUE(writeSafetensors(d.path("c.safetensors"),
                               {{"images", DType::U8, {2, 4, 4, 3}, std::vector<uint8_t>(96)},
                                {"labels", DType::U8, {2}, {0, 7}}},
                               meta)
                  .ok());
  EXPECT_NE(Shard::load(d.path("c.safetensors")).error().find("outside the class list"), std::string::npos);
  ASSERT_TRUE(writeSafetensors(d.path("d.safetensors"), {{"images", DType::U8, {1, 1, 1, 3}, {1, 2, 3}}}, {}).ok());
  EXPECT_NE(Shard::load(d.path("d.safetensors")).error().find("not a SymmFlow data shard"), std::string::npos);
}
