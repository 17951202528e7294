// SPDX-License-Identifier: MIT
// Seeded noise (core/noise.h, core/counter_rng.h): the Philox generator against the published
// known answers, the layout promises (per-item seeds, one stream per tensor), the distribution,
// and CPU against CUDA where a GPU is present.
#include <algorithm>
#include <cmath>
#include <vector>

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include "core/counter_rng.h"
#include "core/engine.h"
#include "core/noise.h"

using namespace symmflow;

namespace {

std::vector<float> values(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU).contiguous().to(torch::kFloat);
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

double normalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

// Random123's kat_vectors, "philox4x32 10" lines (counter words, key words -> output words).
TEST(CounterRng, PhiloxMatchesThePublishedKnownAnswers) {
  struct Kat {
    rng::Quad ctr;
    std::uint32_t k0, k1;
    rng::Quad out;
  };
  const Kat kats[] = {
      {{{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}}},
      {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}},
       0xffffffffu,
       0xffffffffu,
       {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}}},
      {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
       0xa4093822u,
       0x299f31d0u,
       {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}}},
  };
  for (const auto& k : kats) {
    const rng::Quad r = rng::philox4x32_10(k.ctr, k.k0, k.k1);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(r.w[i], k.out.w[i]) << "word " << i;
  }
}

TEST(CounterRng, UniformsStayInsideTheOpenInterval) {
  EXPECT_GT(rng::unitOpen(0u), 0.0f);
  EXPECT_LT(rng::unitOpen(0xffffffffu), 1.0f);
  EXPECT_EQ(rng::unitOpen(0xffffffffu), 1.0f - 1.0f / 16777216.0f);
  EXPECT_EQ(rng::unitOpen(0x80000000u), 0.5f + 1.0f / 16777216.0f);
  // The largest radius Box-Muller can produce is finite: sqrt(-2 log 2^-24).
  const rng::Normals z = rng::normalQuad(rng::Quad{{0u, 0u, 0u, 0x40000000u}});
  EXPECT_TRUE(std::isfinite(z.z[0]));
  EXPECT_NEAR(std::hypot(z.z[0], z.z[1]), std::sqrt(48.0 * std::log(2.0)), 1e-4);
}

// The transform's own ln, sin and cos against the C library's, in double, over their whole use.
TEST(CounterRng, LogSinCosAreAccurateToAFewUlp) {
  double worstLog = 0, worstSin = 0, worstCos = 0;
  for (std::uint32_t k = 0; k < (1u << 23); k += 7) {
    const float u = rng::unitOpen(k << 9);
    worstLog = std::max(
        worstLog, std::abs(rng::logPositive(u) - std::log(double{u})) / std::max(std::abs(std::log(double{u})), 1e-30));
    float s, c;
    rng::sinCosTwoPi(u, s, c);
    const double a = 2 * M_PI * double{u};
    worstSin = std::max(worstSin, std::abs(s - std::sin(a)));
    worstCos = std::max(worstCos, std::abs(c - std::cos(a)));
  }
  EXPECT_LT(worstLog, 4e-7);  // relative (u near 1: ln u ~ -6e-8, still relative)
  EXPECT_LT(worstSin, 4e-7);  // absolute, on values in [-1, 1]: the angle's rounding in float
  EXPECT_LT(worstCos, 4e-7);
  float s, c;
  rng::sinCosTwoPi(0.25f, s, c);
  EXPECT_EQ(s, 1.0f);
  EXPECT_EQ(c, 0.0f);
}

TEST(Noise, EveryValueIsItsStreamAtItsIndex) {
  const auto n = values(seededNoise({2, 3, 5, 7}, 123, torch::kCPU));  // 210 = 4 * 52 + 2: a partial last block
  ASSERT_EQ(n.size(), 210u);
  // This file may be compiled with fused multiply-adds (the kernel is not): a few ulp apart.
  for (std::size_t i = 0; i < n.size(); ++i) ASSERT_NEAR(n[i], rng::normalAt(123, i), 1e-6f) << i;
}

TEST(Noise, ItemBOfABatchIsTheStreamOfSeedPlusB) {
  const std::uint64_t seed = 0xfffffffffffffffeULL;  // seed + b wraps around 2^64
  auto batch = perItemNoise(4, {3, 5, 5}, seed, torch::kCPU);
  ASSERT_EQ(batch.sizes(), (std::vector<int64_t>{4, 3, 5, 5}));
  for (int64_t b = 0; b < 4; ++b) {
    auto one = seededNoise({3, 5, 5}, seed + static_cast<std::uint64_t>(b), torch::kCPU);
    EXPECT_TRUE(torch::equal(batch[b], one)) << "item " << b;
  }
  EXPECT_FALSE(torch::equal(batch[0], batch[1]));
}

TEST(Noise, BothHalvesOfTheSeedMatter) {
  auto a = seededNoise({64}, 5, torch::kCPU);
  auto hi = seededNoise({64}, 5 + (std::uint64_t{1} << 32), torch::kCPU);
  EXPECT_FALSE(torch::equal(a, hi));
  EXPECT_TRUE(torch::equal(a, seededNoise({64}, 5, torch::kCPU)));
}

TEST(Noise, DoesNotDependOnTheThreadCount) {
  const int before = at::get_num_threads();
  at::set_num_threads(1);
  auto one = perItemNoise(3, {12, 37, 41}, 9, torch::kCPU);
  at::set_num_threads(std::max(2, before));
  auto many = perItemNoise(3, {12, 37, 41}, 9, torch::kCPU);
  at::set_num_threads(before);
  EXPECT_TRUE(torch::equal(one, many));
}

TEST(Noise, EmptyShapesGiveEmptyTensors) {
  EXPECT_EQ(perItemNoise(0, {3, 4}, 1, torch::kCPU).numel(), 0);
  EXPECT_EQ(perItemNoise(2, {0, 4}, 1, torch::kCPU).sizes(), (std::vector<int64_t>{2, 0, 4}));
  EXPECT_EQ(seededNoise({1}, 1, torch::kCPU).numel(), 1);
}

// Moments, tail masses and the Kolmogorov-Smirnov distance of 2^20 values against N(0, 1),
// bounds at about five standard errors (a broken transform or a reused lane fails them).
TEST(Noise, IsStandardNormal) {
  const auto v = values(seededNoise({1 << 20}, 2026, torch::kCPU));
  const double n = static_cast<double>(v.size());
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0, in1 = 0, in2 = 0, in3 = 0;
  for (float f : v) {
    const double z = f;
    m1 += z;
    m2 += z * z;
    m3 += z * z * z;
    m4 += z * z * z * z;
    in1 += std::abs(z) < 1;
    in2 += std::abs(z) < 2;
    in3 += std::abs(z) < 3;
  }
  m1 /= n, m2 /= n, m3 /= n, m4 /= n;
  EXPECT_NEAR(m1, 0.0, 5.0 / std::sqrt(n));
  EXPECT_NEAR(m2, 1.0, 5.0 * std::sqrt(2.0 / n));
  EXPECT_NEAR(m3, 0.0, 5.0 * std::sqrt(15.0 / n));
  EXPECT_NEAR(m4, 3.0, 5.0 * std::sqrt(96.0 / n));
  EXPECT_NEAR(in1 / n, 0.682689, 5.0 * std::sqrt(0.2167 / n));
  EXPECT_NEAR(in2 / n, 0.954500, 5.0 * std::sqrt(0.0434 / n));
  EXPECT_NEAR(in3 / n, 0.997300, 5.0 * std::sqrt(0.00269 / n));
  std::vector<float> s(v.begin(), v.begin() + (1 << 18));
  std::sort(s.begin(), s.end());
  double d = 0;
  const double m = static_cast<double>(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const double c = normalCdf(s[i]);
    d = std::max({d, c - i / m, (i + 1) / m - c});
  }
  EXPECT_LT(d, 1.95 / std::sqrt(m)) << "Kolmogorov-Smirnov distance (p = 0.001 critical value)";
}

// Neighbours in a stream (the lanes of one block included), and equal positions of adjacent
// seeds, are uncorrelated.
TEST(Noise, NeighboursAndAdjacentSeedsAreUncorrelated) {
  const int64_t n = 1 << 18;
  auto both = perItemNoise(2, {n}, 77, torch::kCPU).to(torch::kDouble);
  auto a = both[0], b = both[1];
  const double bound = 5.0 / std::sqrt(static_cast<double>(n));
  for (int lag : {1, 2, 3, 4, 5}) {
    const double r = (a.narrow(0, 0, n - lag) * a.narrow(0, lag, n - lag)).mean().item<double>();
    EXPECT_NEAR(r, 0.0, bound) << "lag " << lag;
  }
  EXPECT_NEAR((a * b).mean().item<double>(), 0.0, bound);
  // Radius and angle of one Box-Muller pair are independent: their squares too.
  auto even = a.slice(0, 0, n, 2), odd = a.slice(0, 1, n, 2);
  const double cov2 = ((even * even - 1) * (odd * odd - 1)).mean().item<double>();
  EXPECT_NEAR(cov2, 0.0, 5.0 * std::sqrt(4.0 / (n / 2)));
}

TEST(Noise, TheStreamHasAName) { EXPECT_STREQ(noiseStream(), "philox4x32-10+box-muller"); }

TEST(Noise, CudaComputesTheCpuValues) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  auto gpu = perItemNoise(3, {12, 144, 192}, 31, torch::Device(torch::kCUDA));
  EXPECT_TRUE(gpu.is_cuda());
  auto cpu = perItemNoise(3, {12, 144, 192}, 31, torch::kCPU);
  // The same operations without fused multiply-adds on both sides: the same bits, barring a
  // device sqrt that rounds differently (then a few ulp).
  const auto diff = (gpu.cpu() - cpu).abs();
  EXPECT_LT(diff.max().item<double>(), 2e-6);
  EXPECT_GT((diff == 0).to(torch::kDouble).mean().item<double>(), 0.999) << "share of bit-equal values";
  auto odd = seededNoise({5, 7}, 3, torch::Device(torch::kCUDA)).cpu();  // 35 values: a partial block
  EXPECT_LT((odd - seededNoise({5, 7}, 3, torch::kCPU)).abs().max().item<double>(), 2e-6);
  // Items of a length that is no multiple of 4: every item starts a counter of its own.
  auto items = perItemNoise(3, {5, 7}, 31, torch::Device(torch::kCUDA)).cpu();
  EXPECT_LT((items - perItemNoise(3, {5, 7}, 31, torch::kCPU)).abs().max().item<double>(), 2e-6);
}
