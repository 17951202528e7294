// SPDX-License-Identifier: MIT
// The SymmFlow objective's pieces on hand-computed examples, and the label space.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/flow.h"
#include "core/label_space.h"
#include "core/unet.h"

using namespace symmflow;

TEST(LabelSpace, EncodeDecodeRoundTripAndIgnore) {
  auto ids = torch::tensor({0, 2, 1, 7}, torch::kLong).view({1, 2, 2});
  auto y = encodeLabels(ids, 3);
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{1, 3, 2, 2}));
  EXPECT_FLOAT_EQ(y[0][0][0][0].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(y[0][1][0][0].item<float>(), -1.0f);
  EXPECT_FLOAT_EQ(y[0][2][0][1].item<float>(), 1.0f);
  // id 7 is outside the 3 classes: all channels -1.
  EXPECT_FLOAT_EQ(y[0].select(1, 1).select(1, 1).max().item<float>(), -1.0f);
  auto back = decodeLabels(y);
  EXPECT_EQ(back[0][0][0].item<int64_t>(), 0);
  EXPECT_EQ(back[0][0][1].item<int64_t>(), 2);
  EXPECT_EQ(back[0][1][0].item<int64_t>(), 1);
}

TEST(LabelSpace, ClassIndicesIsArgmaxWithTheFirstClassOnTies) {
  torch::manual_seed(3);
  for (int64_t dim : {0, 1, 2}) {
    auto scores = torch::randn({5, 12, 7});
    EXPECT_TRUE(torch::equal(classIndices(scores, dim), scores.argmax(dim))) << "dim " << dim;
  }
  // Ties, as one-hot labels upsampled or votes pooled give them: the first class wins.
  auto tied = torch::zeros({4, 3, 2});
  tied.index_put_({1}, 1.0);
  tied.index_put_({3}, 1.0);  // classes 1 and 3 share the maximum everywhere
  EXPECT_TRUE(torch::equal(classIndices(tied, 0), torch::ones({3, 2}, torch::kLong)));
  EXPECT_TRUE(torch::equal(classIndices(torch::zeros({2, 5}), 1), torch::zeros({2}, torch::kLong)));
}

TEST(LabelSpace, UpsampleNearestAndPoolBack) {
  auto y = torch::arange(4, torch::kFloat).view({1, 1, 2, 2});
  auto up = upsampleLabels(y, 4, 6);
  ASSERT_EQ(up.sizes(), (std::vector<int64_t>{1, 1, 4, 6}));
  EXPECT_FLOAT_EQ(up[0][0][3][5].item<float>(), 3.0f);
  EXPECT_FLOAT_EQ(up[0][0][1][2].item<float>(), 0.0f);
  EXPECT_TRUE(torch::equal(poolLabels(up, 2, 2), y));
  // 1x1 labels broadcast and pool by the global mean.
  auto g = torch::tensor({1.0f, -1.0f}).view({1, 2, 1, 1});
  auto gu = upsampleLabels(g, 3, 5);
  EXPECT_EQ(gu.sizes(), (std::vector<int64_t>{1, 2, 3, 5}));
  auto field = torch::arange(15, torch::kFloat).view({1, 1, 3, 5});
  EXPECT_FLOAT_EQ(poolLabels(field, 1, 1).item<float>(), 7.0f);
}

TEST(LabelSpace, DownsampleIdsTakesTheMajorityAndSkipsIgnore) {
  auto ids = torch::tensor({1, 1, 2, 9, 9, 9, 9, 0}, torch::kLong).view({1, 2, 4});
  // 2x2 blocks: left {1,1,9,9} -> 1 (9 is ignore); right {2,9,9,0} -> 2 or 0 (tie: lowest id wins).
  auto d = downsampleIds(ids, 2, 10, 9);
  ASSERT_EQ(d.sizes(), (std::vector<int64_t>{1, 1, 2}));
  EXPECT_EQ(d[0][0][0].item<int64_t>(), 1);
  EXPECT_EQ(d[0][0][1].item<int64_t>(), 0);
  auto all = torch::full({1, 2, 2}, 9, torch::kLong);
  EXPECT_EQ(downsampleIds(all, 2, 10, 9)[0][0][0].item<int64_t>(), 9);
  auto img = downsampleIds(ids, 0, 10, 9);
  EXPECT_EQ(img.sizes(), (std::vector<int64_t>{1, 1, 1}));
  EXPECT_EQ(img.item<int64_t>(), 1);
}

TEST(Flow, PathsAndTargetsMatchHandComputation) {
  auto x = torch::tensor({0.8f}).view({1, 1, 1, 1});
  auto y = torch::tensor({1.0f, -1.0f}).view({1, 2, 1, 1});
  auto xiX = torch::tensor({-0.2f}).view({1, 1, 1, 1});
  auto xiY = torch::tensor({0.5f, 0.3f}).view({1, 2, 1, 1});
  auto t = torch::tensor({0.25f});
  auto p = makePaths(x, y, xiX, xiY, t);
  EXPECT_NEAR(p.xt.item<float>(), 0.75f * -0.2f + 0.25f * 0.8f, 1e-6);
  EXPECT_NEAR(p.vx.item<float>(), 1.0f, 1e-6);
  EXPECT_NEAR(p.yt[0][0].item<float>(), 0.75f * 1.0f + 0.25f * 0.5f, 1e-6);
  EXPECT_NEAR(p.yt[0][1].item<float>(), 0.75f * -1.0f + 0.25f * 0.3f, 1e-6);
  EXPECT_NEAR(p.vy[0][0].item<float>(), 0.5f - 1.0f, 1e-6);
  EXPECT_NEAR(p.vy[0][1].item<float>(), 0.3f + 1.0f, 1e-6);
  // With the exact velocity the one-step estimate recovers the clean label from any t.
  auto y0 = oneStepLabels(p.yt, p.vy, t);
  EXPECT_TRUE(torch::allclose(y0, y, 1e-5, 1e-6));
  // At t = 1 it is the segmentation formula y0 = xi_y - v_y.
  auto p1 = makePaths(x, y, xiX, xiY, torch::ones({1}));
  EXPECT_TRUE(torch::allclose(oneStepLabels(p1.yt, p1.vy, torch::ones({1})), xiY - p1.vy));
}

TEST(Flow, TimeSamplingParsesAndRespectsEndpointProbability) {
  auto ts = TimeSampling::parse("logit_normal:0.5:1.5+end:0.25");
  ASSERT_TRUE(ts.ok()) << ts.error();
  EXPECT_EQ(ts->kind, TimeSampling::Kind::LogitNormal);
  EXPECT_DOUBLE_EQ(ts->mean, 0.5);
  EXPECT_DOUBLE_EQ(ts->std, 1.5);
  EXPECT_DOUBLE_EQ(ts->pEnd, 0.25);
  EXPECT_FALSE(TimeSampling::parse("gaussian").ok());
  torch::manual_seed(1);
  auto t = sampleTimes(20000, *ts, torch::kCPU);
  const double ones = (t == 1.0).to(torch::kDouble).mean().item<double>();
  EXPECT_NEAR(ones, 0.25, 0.02);
  EXPECT_GE(t.min().item<float>(), 0.0f);
  EXPECT_LE(t.max().item<float>(), 1.0f);
}

TEST(Flow, LossIsFiniteAndIgnoresVoidPixels) {
  ModelConfig c;
  c.imageHeight = 8;
  c.imageWidth = 8;
  c.numClasses = 3;
  c.baseChannels = 8;
  c.channelMult = {1, 2};
  c.attentionLevels = {};
  SymmFlowUNet net(c);
  auto x = torch::rand({2, 3, 8, 8}) * 2 - 1;
  auto ids = torch::randint(3, {2, 8, 8}, torch::kLong);
  FlowLossOptions o;
  o.ignoreIndex = 2;
  torch::manual_seed(3);
  auto l1 = symmflowLoss(net, x, ids, o);
  ASSERT_TRUE(std::isfinite(l1.total.item<double>()));
  // Relabelling only ignored pixels' ids must not change the label terms for the same noise.
  auto allIgnored = torch::full_like(ids, 2);
  torch::manual_seed(3);
  auto lIgn = symmflowLoss(net, x, allIgnored, o);
  EXPECT_DOUBLE_EQ(lIgn.ly.item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(lIgn.lsem.item<double>(), 0.0);
  l1.total.backward();
  int64_t withGrad = 0;
  for (const auto& p : net->parameters()) withGrad += p.grad().defined();
  EXPECT_GT(withGrad, 0);
}

namespace {
// A three-level UNet of 16x24 images with 4 classes and attention at the lowest level.
ModelConfig smallUNetConfig() {
  ModelConfig c;
  c.imageHeight = 16;
  c.imageWidth = 24;
  c.numClasses = 4;
  c.baseChannels = 8;
  c.channelMult = {1, 2, 2};
  c.attentionLevels = {2};
  c.attentionHeads = 2;
  return c;
}
}  // namespace

TEST(UNet, ShapesForDenseDownsampledAndImageLevelLabels) {
  ModelConfig c = smallUNetConfig();
  SymmFlowUNet net(c);
  torch::NoGradGuard g;
  auto x = torch::randn({2, 3, 16, 24});
  auto t = torch::rand({2});
  for (auto [h, w] : {std::pair<int, int>{16, 24}, {8, 12}, {4, 6}, {1, 1}}) {
    auto [vx, vy] = net->forward(x, torch::randn({2, 4, h, w}), t);
    EXPECT_EQ(vx.sizes(), x.sizes());
    EXPECT_EQ(vy.sizes(), (std::vector<int64_t>{2, 4, h, w}));
  }
  // Crops: the network is convolutional.
  auto [vx, vy] = net->forward(torch::randn({1, 3, 8, 16}), torch::randn({1, 4, 8, 16}), torch::rand({1}));
  EXPECT_EQ(vy.size(3), 16);
  EXPECT_GT(net->gflops(), 0.0);
  EXPECT_GT(net->parameterCount(), 1000);
}

// The lean decoder (ModelConfig::leanDecoder): one block fewer a level, fed only by the encoder
// blocks; same inputs and outputs, fewer weights and FLOPs, and its file says so.
TEST(UNet, LeanDecoderHasOneBlockFewerALevelAndTheSameInterface) {
  ModelConfig c = smallUNetConfig();
  SymmFlowUNet full(c);
  c.leanDecoder = true;
  SymmFlowUNet lean(c);
  int fullUp = 0, leanUp = 0;
  for (const auto& p : full->named_parameters())
    fullUp += p.key().rfind("up", 0) == 0 && p.key().find(".conv1.weight") != std::string::npos;
  for (const auto& p : lean->named_parameters())
    leanUp += p.key().rfind("up", 0) == 0 && p.key().find(".conv1.weight") != std::string::npos;
  EXPECT_EQ(fullUp, 3 * 2);  // levels x (res blocks + 1)
  EXPECT_EQ(leanUp, 3 * 1);
  EXPECT_LT(lean->parameterCount(), full->parameterCount());
  EXPECT_LT(lean->gflops(), full->gflops());
  torch::NoGradGuard g;
  auto x = torch::randn({2, 3, 16, 24});
  auto [vx, vy] = lean->forward(x, torch::randn({2, 4, 8, 12}), torch::rand({2}));
  EXPECT_EQ(vx.sizes(), x.sizes());
  EXPECT_EQ(vy.sizes(), (std::vector<int64_t>{2, 4, 8, 12}));
  // The config keeps the choice; files written before it existed read as the full decoder.
  auto back = ModelConfig::fromJson(c.toJson());
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_TRUE(back->leanDecoder);
  c.leanDecoder = false;
  EXPECT_EQ(c.toJson().find("lean_decoder"), std::string::npos);
  auto json = c.toJson();
  json.insert(json.size() - 1, ",\"lean_decoder\":1");
  auto bad = ModelConfig::fromJson(json);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("lean_decoder must be true or false"), std::string::npos) << bad.error();
}

TEST(UNet, FlopCountScalesWithThePixelsAndAttentionQuadratically) {
  ModelConfig c;
  c.imageHeight = 32;
  c.imageWidth = 48;
  c.numClasses = 4;
  c.baseChannels = 8;
  c.channelMult = {1, 2, 2};
  c.attentionLevels = {};
  SymmFlowUNet plain(c);
  EXPECT_DOUBLE_EQ(plain->gflops(), plain->gflops(32, 48));
  // Convolutions scale with the pixels, the middle block's attention with their square.
  EXPECT_GT(plain->gflops(), 4 * plain->gflops(16, 24));
  EXPECT_LT(plain->gflops(), 4.1 * plain->gflops(16, 24));
  c.attentionLevels = {1};
  SymmFlowUNet attn(c);
  // Attention's score and value products grow with the square of the positions.
  const double extraFull = attn->gflops() - plain->gflops();
  const double extraQuarter = attn->gflops(16, 24) - plain->gflops(16, 24);
  EXPECT_GT(extraFull, 4 * extraQuarter);
  EXPECT_LT(extraFull, 16 * extraQuarter);
}
