// SPDX-License-Identifier: MIT
// The fused inference operators (core/fused_ops.h) against their formulas computed by hand,
// the network's inference form against its training form, and (on a GPU) the CUDA kernels
// against the CPU reference.
#include <cmath>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "core/fused_ops.h"
#include "core/unet.h"
#include "tests/core/test_helpers.h"

using namespace symmflow;

namespace {
double relErr(const torch::Tensor& a, const torch::Tensor& b) {
  auto da = a.to(torch::kCPU, torch::kDouble), db = b.to(torch::kCPU, torch::kDouble);
  return ((da - db).abs().max() / db.abs().max().clamp_min(1e-12)).item<double>();
}
bool cudaUsable() { return torch::cuda::is_available(); }

// GroupNorm + scale-shift + SiLU written out element by element in double.
torch::Tensor byHand(const torch::Tensor& x, int groups, const torch::Tensor& gamma, const torch::Tensor& beta,
                     const torch::Tensor& bias, const torch::Tensor& scale, const torch::Tensor& shift, bool silu) {
  auto xd = x.to(torch::kDouble).contiguous();
  const int64_t n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3), cg = c / groups;
  auto v = xd.reshape({n, c, hw}).clone();
  if (bias.defined()) v += bias.to(torch::kDouble).view({1, c, 1});
  auto out = torch::empty_like(v);
  auto va = v.accessor<double, 3>();
  auto oa = out.accessor<double, 3>();
  for (int64_t i = 0; i < n; ++i)
    for (int g = 0; g < groups; ++g) {
      double sum = 0, sq = 0;
      for (int64_t ch = g * cg; ch < (g + 1) * cg; ++ch)
        for (int64_t p = 0; p < hw; ++p) sum += va[i][ch][p];
      const double count = static_cast<double>(cg * hw), mean = sum / count;
      for (int64_t ch = g * cg; ch < (g + 1) * cg; ++ch)
        for (int64_t p = 0; p < hw; ++p) sq += (va[i][ch][p] - mean) * (va[i][ch][p] - mean);
      const double rstd = 1.0 / std::sqrt(sq / count + 1e-5);
      for (int64_t ch = g * cg; ch < (g + 1) * cg; ++ch) {
        const double ga = gamma[ch].item<double>(), be = beta[ch].item<double>();
        const double sc = scale.defined() ? scale[i][ch].item<double>() : 1.0;
        const double sh = shift.defined() ? shift[i][ch].item<double>() : 0.0;
        for (int64_t p = 0; p < hw; ++p) {
          double o = ((va[i][ch][p] - mean) * rstd * ga + be) * sc + sh;
          oa[i][ch][p] = silu ? o / (1.0 + std::exp(-o)) : o;
        }
      }
    }
  return out.reshape(x.sizes());
}

struct Case {
  torch::Tensor x, gamma, beta, bias, scale, shift;
};
Case makeCase(int64_t n, int64_t c, int64_t h, int64_t w, torch::Device device = torch::kCPU) {
  torch::manual_seed(11);
  auto o = torch::TensorOptions().device(device);
  Case k;
  k.x = torch::randn({n, c, h, w}, o) * 3 + 1.5;  // an offset mean: catches E[x^2] - E[x]^2 cancellation
  k.gamma = torch::rand({c}, o) + 0.5;
  k.beta = torch::randn({c}, o);
  k.bias = torch::randn({c}, o);
  // The scale and shift are views of one wider matrix, as the network passes them.
  auto wide = torch::randn({n, 3 * c}, o);
  k.scale = wide.narrow(1, 0, c) + 1;
  k.shift = wide.narrow(1, c, c);
  return k;
}
}  // namespace

TEST(FusedOps, GroupNormActIsGroupNormScaleShiftAndSiluComputedByHand) {
  // Twice: through the reference operators (an input that requires grad) and through the CPU
  // kernels (no autograd), NCHW and channels-last.
  auto k = makeCase(2, 12, 5, 7);
  for (bool kernels : {false, true}) {
    const torch::NoGradGuard noGrad;
    const torch::AutoGradMode grad(!kernels);
    auto x = kernels ? k.x : k.x.clone().requires_grad_(true);
    const long before = fusedKernelCalls();
    for (bool silu : {false, true}) {
      auto got = groupNormAct(x, 3, k.gamma, k.beta, 1e-5, k.bias, k.scale, k.shift, silu);
      EXPECT_LT(relErr(got.detach(), byHand(k.x, 3, k.gamma, k.beta, k.bias, k.scale, k.shift, silu)), 1e-5)
          << silu << kernels;
    }
    auto plain = groupNormAct(x, 4, k.gamma, k.beta, 1e-5, {}, {}, {}, false);
    EXPECT_LT(relErr(plain.detach(), byHand(k.x, 4, k.gamma, k.beta, {}, {}, {}, false)), 1e-5) << kernels;
    auto cl = groupNormAct(x.contiguous(torch::MemoryFormat::ChannelsLast), 3, k.gamma, k.beta, 1e-5, k.bias, k.scale,
                           k.shift, true);
    EXPECT_TRUE(cl.is_contiguous(torch::MemoryFormat::ChannelsLast)) << "the output keeps the input's layout";
    EXPECT_LT(relErr(cl.detach(), byHand(k.x, 3, k.gamma, k.beta, k.bias, k.scale, k.shift, true)), 1e-5) << kernels;
    EXPECT_EQ(fusedKernelCalls() - before, kernels && fusedKernelsEnabled() ? 4 : 0);
  }
}

TEST(FusedOps, CpuKernelsHoldOnLargeOffsetsLongRowsAndSaturatedSilu) {
  // Longer than one float run of the statistics (2 048 values, 1 024 pixels a task), odd sizes
  // (vector tails), a mean 1 000 standard deviations from zero (cancellation), and outputs
  // far into both tails of SiLU. (LibTorch 1.13's own channels-last GroupNorm is off by 17 % on
  // this case, its NCHW one by 3e-5; the kernels by 6e-6.)
  if (!fusedKernelsEnabled()) GTEST_SKIP() << "SYMMFLOW_FUSED_KERNELS=0 turns the kernels off";
  torch::manual_seed(3);
  auto x = torch::randn({2, 12, 37, 61}) + 1000;
  auto gamma = torch::rand({12}) * 40 + 1, beta = torch::randn({12}) * 30;
  auto bias = torch::randn({12}), wide = torch::randn({2, 24});
  auto scale = wide.narrow(1, 0, 12) + 1, shift = wide.narrow(1, 12, 12);
  const torch::NoGradGuard noGrad;
  const long before = fusedKernelCalls();
  auto want = byHand(x, 3, gamma, beta, bias, scale, shift, true);
  for (auto format : {torch::MemoryFormat::Contiguous, torch::MemoryFormat::ChannelsLast}) {
    auto got = groupNormAct(x.contiguous(format), 3, gamma, beta, 1e-5, bias, scale, shift, true);
    EXPECT_TRUE(torch::isfinite(got).all().item<bool>());
    EXPECT_LT(relErr(got, want), 2e-5) << (format == torch::MemoryFormat::ChannelsLast ? "channels-last" : "NCHW");
  }
  EXPECT_LT(want.min().item<double>(), -0.2) << "the case must reach SiLU's negative dip";
  EXPECT_GT(want.max().item<double>(), 50.0) << "and its linear tail";
  EXPECT_EQ(fusedKernelCalls() - before, 2);
}

TEST(FusedOps, AddWithBiasAddsPerChannel) {
  auto k = makeCase(2, 6, 3, 4);
  auto b = torch::randn_like(k.x);
  auto want = k.x + b + k.bias.view({1, 6, 1, 1}) + k.gamma.view({1, 6, 1, 1});
  EXPECT_LT(relErr(addWithBias(k.x, b, k.bias, k.gamma), want), 1e-6) << "reference operators";
  const torch::NoGradGuard noGrad;  // the CPU kernel
  const long before = fusedKernelCalls();
  EXPECT_LT(relErr(addWithBias(k.x, b, k.bias, k.gamma), want), 1e-6);
  EXPECT_LT(relErr(addWithBias(k.x, b, {}), k.x + b), 1e-7);
  const auto cl = torch::MemoryFormat::ChannelsLast;
  auto got = addWithBias(k.x.contiguous(cl), b.contiguous(cl), k.bias, k.gamma);
  EXPECT_TRUE(got.is_contiguous(cl));
  EXPECT_LT(relErr(got, want), 1e-6);
  // Mixed layouts go through the reference operators: still the same sum.
  EXPECT_LT(relErr(addWithBias(k.x.contiguous(cl), b, k.bias, k.gamma), want), 1e-6);
  if (fusedKernelsEnabled()) {
    EXPECT_EQ(fusedKernelCalls() - before, 3);
  }
}

TEST(FusedOps, GradientsFlowThroughTheReferenceForm) {
  // Training calls the operators with autograd on: the kernels must stay out of the way.
  auto k = makeCase(1, 6, 4, 4);
  auto x = k.x.clone().requires_grad_(true);
  groupNormAct(x, 3, k.gamma, k.beta, 1e-5, k.bias, k.scale, k.shift, true).sum().backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_GT(x.grad().abs().sum().item<double>(), 0.0);
}

TEST(FusedOps, WrongShapesAreRejectedWithTheExpectedShape) {
  auto k = makeCase(2, 6, 3, 4);
  try {
    groupNormAct(k.x, 4, k.gamma, k.beta, 1e-5, {}, {}, {}, true);
    FAIL() << "4 groups of 6 channels accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("groups must divide"), std::string::npos) << e.what();
  }
  try {
    groupNormAct(k.x, 3, k.gamma, k.beta, 1e-5, {}, k.scale.narrow(0, 0, 1), {}, true);
    FAIL() << "a scale for one of two samples accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("(N, C) = (2, 6)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(addWithBias(k.x, k.x.narrow(1, 0, 3), {}), std::invalid_argument);
  EXPECT_THROW(addWithBias(k.x, k.x, k.bias.narrow(0, 0, 5)), std::invalid_argument);
}

TEST(FusedOps, InferenceFormOfTheNetworkIsItsTrainingForm) {
  torch::manual_seed(5);
  auto cfg = symmflow::testing::tinyConfig(16, 24, 3);
  cfg.numResBlocks = 2;
  cfg.attentionLevels = {1};
  cfg.attentionHeads = 2;
  SymmFlowUNet net(cfg);
  torch::NoGradGuard g;
  for (auto& p : net->parameters()) p.normal_(0, 0.2);  // no zero-initialised layer left
  auto x = torch::randn({2, 3, 16, 24}), y = torch::randn({2, 3, 16, 24}), t = torch::tensor({0.2f, 0.7f});
  net->train();
  auto [tx, ty] = net->forward(x, y, t);
  net->eval();
  auto [ex, ey] = net->forward(x, y, t);
  EXPECT_GT(tx.abs().max().item<double>(), 0.1) << "the comparison must not be between zeros";
  EXPECT_LT(relErr(ex, tx), 1e-5);
  EXPECT_LT(relErr(ey, ty), 1e-5);
  // Channels-last weights and activations: the same function.
  net->setChannelsLast(true);
  auto [cx, cy] = net->forward(x, y, t);
  EXPECT_LT(relErr(cx, tx), 1e-5);
  EXPECT_LT(relErr(cy, ty), 1e-5);
}

// Attention over many positions computes its scores a block of queries at a time (LibTorch 1.13;
// 2.x uses its own fused attention): the result is softmax(q k^T / sqrt(d)) v, computed here in
// one piece from the block's parameters, for 1 600 positions (blocks and a shorter last one).
TEST(FusedOps, AttentionOverManyPositionsIsTheWholeSoftmaxAttention) {
  torch::manual_seed(9);
  const int64_t B = 2, C = 8, heads = 2, H = 40, W = 40, N = H * W, d = C / heads;
  AttentionBlock block(C, heads);
  torch::NoGradGuard g;
  for (auto& p : block->parameters()) p.normal_(0, 0.3);  // the projection starts at zero
  auto params = block->named_parameters();
  auto x = torch::randn({B, C, H, W});
  const auto groups = block->named_children()[0].value()->as<torch::nn::GroupNorm>()->options.num_groups();
  auto normed = torch::group_norm(x, groups, params["norm.weight"], params["norm.bias"]);
  auto qkv = torch::conv2d(normed, params["qkv.weight"], params["qkv.bias"]).reshape({B, 3, heads, d, N});
  auto q = qkv.select(1, 0).transpose(-1, -2), k = qkv.select(1, 1).transpose(-1, -2),
       v = qkv.select(1, 2).transpose(-1, -2);
  auto w = torch::softmax(torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(d)), -1);
  auto o = torch::matmul(w, v).transpose(-1, -2).reshape({B, C, H, W});
  auto expected = x + torch::conv2d(o, params["proj.weight"], params["proj.bias"]);
  EXPECT_GT((expected - x).abs().max().item<double>(), 0.1) << "the attention must add something";
  EXPECT_LT(relErr(block->forward(x), expected), 1e-5);
  EXPECT_LT(relErr(block->forwardFused(x), expected), 1e-5);
}

TEST(FusedOps, CudaKernelsMatchTheReference) {
  if (!cudaUsable() || !fusedKernelsCompiled() || !fusedKernelsEnabled())
    GTEST_SKIP() << "needs a CUDA build with the fused kernels and a GPU";
  // Large groups (statistics split over blocks, two launches) and small ones (one block per
  // group, one launch).
  for (auto [n, c, h, w, groups] :
       {std::tuple{1, 48, 72, 96, 16}, std::tuple{2, 6, 5, 7, 3}, std::tuple{1, 144, 18, 24, 16}}) {
    auto cpu = makeCase(n, c, h, w);
    auto want = groupNormAct(cpu.x, groups, cpu.gamma, cpu.beta, 1e-5, cpu.bias, cpu.scale, cpu.shift, true);
    auto want2 = addWithBias(cpu.x, want, cpu.bias, cpu.beta);
    const torch::Device cuda(torch::kCUDA);
    auto k = makeCase(n, c, h, w);
    for (auto* t : {&k.x, &k.gamma, &k.beta, &k.bias}) *t = t->to(cuda);
    auto wide = torch::cat({cpu.scale, cpu.shift}, 1).to(cuda);  // strided views on the device too
    k.scale = wide.narrow(1, 0, c);
    k.shift = wide.narrow(1, c, c);
    torch::InferenceMode guard;
    for (auto format : {torch::MemoryFormat::Contiguous, torch::MemoryFormat::ChannelsLast}) {
      const long before = fusedKernelCalls();
      auto x = k.x.contiguous(format);
      auto got = groupNormAct(x, groups, k.gamma, k.beta, 1e-5, k.bias, k.scale, k.shift, true);
      auto got2 = addWithBias(x, got, k.bias, k.beta);
      EXPECT_EQ(fusedKernelCalls(), before + 2) << "the kernels ran";
      EXPECT_TRUE(got.is_contiguous(format)) << "output keeps the input's memory format";
      EXPECT_LT(relErr(got, want), 1e-5) << c << " channels";
      EXPECT_LT(relErr(got2, want2), 1e-5) << c << " channels";
      // Half precision: the same within its rounding.
      auto half = groupNormAct(x.to(torch::kHalf), groups, k.gamma, k.beta, 1e-5, k.bias, k.scale, k.shift, true);
      EXPECT_EQ(half.scalar_type(), torch::kHalf);
      EXPECT_LT(relErr(half, want), 3e-3);
      // A half-precision network's parameters are read as they are (no float copies).
      auto toHalf = [](const torch::Tensor& t) { return t.to(torch::kHalf); };
      const auto halfScaleShift = toHalf(wide);
      auto halfParams = groupNormAct(toHalf(x), groups, toHalf(k.gamma), toHalf(k.beta), 1e-5, toHalf(k.bias),
                                     halfScaleShift.narrow(1, 0, c), halfScaleShift.narrow(1, c, c), true);
      EXPECT_LT(relErr(halfParams, want), 3e-3);
      EXPECT_LT(relErr(addWithBias(toHalf(x), halfParams, toHalf(k.bias), toHalf(k.beta)), want2), 3e-3);
    }
  }
}

TEST(FusedOps, NetworkOnCudaWithTheKernelsMatchesTheCpu) {
  if (!cudaUsable() || !fusedKernelsCompiled() || !fusedKernelsEnabled())
    GTEST_SKIP() << "needs a CUDA build with the fused kernels and a GPU";
  torch::manual_seed(5);
  auto cfg = symmflow::testing::tinyConfig(16, 24, 3);
  cfg.attentionLevels = {1};
  SymmFlowUNet net(cfg);
  torch::NoGradGuard g;
  for (auto& p : net->parameters()) p.normal_(0, 0.2);
  net->eval();
  auto x = torch::randn({1, 3, 16, 24}), y = torch::randn({1, 3, 16, 24}), t = torch::tensor({0.4f});
  auto [cx, cy] = net->forward(x, y, t);
  net->to(torch::kCUDA);
  const long before = fusedKernelCalls();
  auto [gx, gy] = net->forward(x.cuda(), y.cuda(), t.cuda());
  EXPECT_GT(fusedKernelCalls(), before);
  // cuDNN's TF32 convolutions on Ampere/Hopper round to ~1e-3.
  EXPECT_LT(relErr(gx, cx), 5e-3);
  EXPECT_LT(relErr(gy, cy), 5e-3);
}
