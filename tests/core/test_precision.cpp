// SPDX-License-Identifier: MIT
// Inference precision and the CUDA-graph evaluation path: half-precision weights under an
// fp32 sampler state, the CPU's refusal of half precision, and the graph cache's eager
// fallback (the capture itself runs only on a CUDA build with a GPU).
#include <gtest/gtest.h>

#include "core/cuda_graph.h"
#include "core/engine.h"
#include "core/inference.h"
#include "core/model_io.h"
#include "tests/core/test_helpers.h"

using namespace symmflow;
using symmflow::testing::TempDir;

namespace {
// Both engines generate the same pixels from one map, seed and step count.
void expectSameImages(const Engine& a, const Engine& b, int steps, std::uint64_t seed) {
  LabelMap map(24, 16, 1);
  RunParams p;
  p.steps = steps;
  p.seed = seed;
  auto x = a.generate(map, p);
  auto y = b.generate(map, p);
  ASSERT_TRUE(x.ok() && y.ok());
  EXPECT_EQ((*x)[0].pixels, (*y)[0].pixels);
}

double relativeError(const std::pair<torch::Tensor, torch::Tensor>& a,
                     const std::pair<torch::Tensor, torch::Tensor>& b) {
  auto num = (a.first - b.first).pow(2).sum() + (a.second - b.second).pow(2).sum();
  auto den = b.first.pow(2).sum() + b.second.pow(2).sum();
  return (num / den).sqrt().item<double>();
}
}  // namespace

TEST(Precision, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(*parsePrecision("FP16"), Precision::Fp16);
  EXPECT_EQ(*parsePrecision("bfloat16"), Precision::Bf16);
  EXPECT_EQ(*parsePrecision("fp32"), Precision::Fp32);
  auto bad = parsePrecision("int8");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("auto, fp32, fp16 or bf16"), std::string::npos) << bad.error();
  EXPECT_STREQ(precisionName(Precision::Bf16), "bf16");
  EXPECT_EQ(*parsePrecision("Auto"), Precision::Auto);
}

// The default, Auto, is fp32 on the CPU, with no probe and nothing to warn about.
TEST(Precision, AutoRunsFp32OnTheCpuWithoutAWarning) {
  TempDir dir;
  auto net = symmflow::testing::randomNet();
  ASSERT_TRUE(saveModel(dir.path("m.safetensors"), net, symmflow::testing::shapeClasses(), {}).ok());
  auto e = Engine::load(dir.path("m.safetensors"), DeviceKind::Cpu);
  ASSERT_TRUE(e.ok()) << e.error();
  EXPECT_EQ(e->precision(), Precision::Fp32);
  EXPECT_EQ(e->halfPrecisionProbeError(), -1.0);
  EXPECT_EQ(e->lastWarning(), "");
  EXPECT_EQ(e->deviceName(), "cpu");
}

// On CUDA, Auto measures fp16 against fp32 and keeps fp16 only within the tolerance; the
// device name says which runs.
TEST(Precision, AutoOnCudaKeepsFp16OnlyWhenTheProbeAgrees) {
  if (!cudaAvailable()) GTEST_SKIP() << "no CUDA device";
  TempDir dir;
  auto net = symmflow::testing::randomNet();
  // fp32 weights: if the probe keeps fp32 they must come back unrounded.
  ASSERT_TRUE(saveModel(dir.path("m.safetensors"), net, symmflow::testing::shapeClasses(), {}, DType::F32).ok());
  auto e = Engine::load(dir.path("m.safetensors"), DeviceKind::Cuda);
  ASSERT_TRUE(e.ok()) << e.error();
  const double err = e->halfPrecisionProbeError();
  EXPECT_GT(err, 0.0) << "fp16 rounds somewhere";
  EXPECT_LT(err, 0.05);
  EXPECT_EQ(e->precision(), err <= kAutoHalfTolerance ? Precision::Fp16 : Precision::Fp32) << err;
  EXPECT_NE(e->deviceName().find(precisionName(e->precision())), std::string::npos) << e->deviceName();
  EXPECT_TRUE(e->channelsLast());
  // Whatever it chose, it still generates; fp32 chosen, exactly as an fp32 engine does.
  LabelMap map(24, 16, 1);
  RunParams p;
  p.steps = 2;
  auto a = e->generate(map, p);
  ASSERT_TRUE(a.ok()) << a.error();
  if (e->precision() == Precision::Fp32) {
    auto ref = Engine::load(dir.path("m.safetensors"), DeviceKind::Cuda, Precision::Fp32);
    ASSERT_TRUE(ref.ok()) << ref.error();
    auto b = ref->generate(map, p);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ((*a)[0].pixels, (*b)[0].pixels);
  }
}

// An engine that ran in fp16 on CUDA and moves to the CPU (the studio's fallback after a device
// failure) runs the file's own weights there, not their rounding: as an engine loaded on the CPU.
TEST(Precision, MovingOffCudaAfterFp16RunsTheFilesOwnWeights) {
  if (!cudaAvailable()) GTEST_SKIP() << "no CUDA device";
  TempDir dir;
  auto net = symmflow::testing::randomNet();
  ASSERT_TRUE(saveModel(dir.path("m.safetensors"), net, symmflow::testing::shapeClasses(), {}, DType::F32).ok());
  auto e = Engine::load(dir.path("m.safetensors"), DeviceKind::Cuda, Precision::Fp16);
  ASSERT_TRUE(e.ok()) << e.error();
  ASSERT_EQ(e->precision(), Precision::Fp16);
  ASSERT_TRUE(e->moveTo(DeviceKind::Cpu).ok());
  EXPECT_EQ(e->precision(), Precision::Fp32);
  auto ref = Engine::load(dir.path("m.safetensors"), DeviceKind::Cpu);
  ASSERT_TRUE(ref.ok()) << ref.error();
  expectSameImages(*e, *ref, 3, 11);
}

TEST(Precision, Bf16WeightsUnderAnFp32StateStayCloseToFp32AndReturnFp32) {
  auto net = symmflow::testing::randomNet();
  torch::InferenceMode guard;
  auto x = seededNoise({1, 3, 16, 24}, 1, torch::kCPU);
  auto y = seededNoise({1, 3, 16, 24}, 2, torch::kCPU);
  auto v32 = velocityOf(net)(x, y, 0.4);
  net->to(torch::kBFloat16);
  auto v16 = velocityOf(net)(x, y, 0.4);
  EXPECT_EQ(v16.first.scalar_type(), torch::kFloat);
  EXPECT_EQ(v16.second.scalar_type(), torch::kFloat);
  const double err = relativeError(v16, v32);
  EXPECT_GT(err, 0.0) << "bf16 weights should round somewhere";
  // bf16 keeps 8 mantissa bits; through this random network that is ~6 %. A wrong
  // computation is far off: the same network on another input differs by much more.
  EXPECT_LT(err, 0.12) << "bf16 velocity too far from fp32";
  net->to(torch::kFloat);
  EXPECT_GT(relativeError(velocityOf(net)(seededNoise({1, 3, 16, 24}, 9, torch::kCPU), y, 0.4), v32), 4 * err);
}

TEST(Precision, HalfPrecisionOnTheCpuFallsBackToFp32AndSaysSo) {
  TempDir dir;
  auto net = symmflow::testing::randomNet();
  ASSERT_TRUE(saveModel(dir.path("m.safetensors"), net, symmflow::testing::shapeClasses(), {}).ok());
  auto e = Engine::load(dir.path("m.safetensors"), DeviceKind::Cpu, Precision::Fp16);
  ASSERT_TRUE(e.ok()) << e.error();
  EXPECT_EQ(e->precision(), Precision::Fp32);
  EXPECT_NE(e->lastWarning().find("CUDA only"), std::string::npos) << e->lastWarning();
  // And it computes what an fp32 engine computes.
  auto ref = Engine::load(dir.path("m.safetensors"), DeviceKind::Cpu);
  ASSERT_TRUE(ref.ok());
  expectSameImages(*e, *ref, 2, 5);
}

TEST(CudaGraphCache, EvaluatesEagerlyOffTheGpuAndGivesTheNetworksVelocities) {
  auto net = symmflow::testing::randomNet();
  torch::InferenceMode guard;
  auto x = seededNoise({2, 3, 16, 24}, 1, torch::kCPU);
  auto y = seededNoise({2, 3, 16, 24}, 2, torch::kCPU);
  auto t = torch::full({2}, 0.3);
  auto eager = net->forward(x, y, t);
  net->setGraphCache(std::make_shared<CudaGraphCache>());
  auto viaCache = velocityOf(net)(x, y, 0.3);
  EXPECT_EQ(relativeError(viaCache, eager), 0.0);
  EXPECT_EQ(net->graphCache()->graphs(), 0) << "nothing is captured for CPU tensors";
  EXPECT_EQ(net->graphCache()->replays(), 0);
}

// Off the GPU there is no whole-run graph: the caller integrates step by step.
TEST(CudaGraphCache, WholeRunsAreOnlyForCudaTensors) {
  auto net = symmflow::testing::randomNet();
  torch::InferenceMode guard;
  auto cache = std::make_shared<CudaGraphCache>();
  FlowState start{seededNoise({1, 3, 16, 24}, 1, torch::kCPU), seededNoise({1, 3, 16, 24}, 2, torch::kCPU)};
  EXPECT_FALSE(cache->integrateWhole(*net, start, timeGrid(0.0, 1.0, 2), Solver::Euler).has_value());
  net->setGraphCache(cache);
  auto ids = torch::zeros({1, 16, 24}, torch::kLong);
  auto viaCache = generateImages(net, ids, 2, Solver::Euler, 3);
  net->setGraphCache(nullptr);
  auto plain = generateImages(net, ids, 2, Solver::Euler, 3);
  EXPECT_TRUE(torch::equal(viaCache.state.x, plain.state.x));
  EXPECT_EQ(viaCache.evaluations, 2);
  EXPECT_EQ(cache->wholeRuns(), 0);
  EXPECT_EQ(cache->graphs(), 0);
}

// A run of more network evaluations than kMaxWholeRunEvaluations is integrated step by step
// (its graph would cost more to build than the launches it saves).
TEST(CudaGraphCache, LongRunsAreNotCapturedWhole) {
  if (!cudaAvailable() || !CudaGraphCache::compiled()) GTEST_SKIP() << "needs a CUDA build with CUDA graphs and a GPU";
  auto net = symmflow::testing::randomNet();
  net->to(torch::kCUDA);
  torch::InferenceMode guard;
  CudaGraphCache cache;
  FlowState start{seededNoise({1, 3, 16, 24}, 1, torch::kCUDA), seededNoise({1, 3, 16, 24}, 2, torch::kCUDA)};
  const int longest = CudaGraphCache::kMaxWholeRunEvaluations;
  EXPECT_FALSE(cache.integrateWhole(*net, start, timeGrid(0.0, 1.0, longest / 2 + 1), Solver::Heun).has_value());
  EXPECT_FALSE(cache.integrateWhole(*net, start, timeGrid(0.0, 1.0, longest + 1), Solver::Euler).has_value());
  EXPECT_EQ(cache.graphs(), 0);
  EXPECT_TRUE(cache.integrateWhole(*net, start, timeGrid(0.0, 1.0, 3), Solver::Heun).has_value()) << cache.lastError();
  EXPECT_EQ(cache.wholeRuns(), 1);
}

TEST(CudaGraphCache, ReplaysMatchEagerEvaluationOnCuda) {
  if (!cudaAvailable() || !CudaGraphCache::compiled()) GTEST_SKIP() << "needs a CUDA build with CUDA graphs and a GPU";
  auto net = symmflow::testing::randomNet();
  net->to(torch::kCUDA);
  torch::InferenceMode guard;
  auto cache = std::make_shared<CudaGraphCache>();
  net->setGraphCache(cache);
  auto fn = velocityOf(net);
  for (double t : {0.1, 0.5, 0.9}) {
    auto x = seededNoise({1, 3, 16, 24}, static_cast<std::uint64_t>(t * 10), torch::kCUDA);
    auto y = seededNoise({1, 3, 16, 24}, 7, torch::kCUDA);
    auto graphed = fn(x, y, t);
    auto eager = net->forward(x, y, torch::full({1}, t, x.options()));
    EXPECT_LT(relativeError(graphed, eager), 1e-5) << "t=" << t << " " << cache->lastError();
  }
  EXPECT_EQ(cache->graphs(), 1) << cache->lastError();
  EXPECT_EQ(cache->replays(), 3);
}

// A half-precision network under an fp32 sampler: the casts are part of the graph, the
// velocities come back in fp32 and equal the eager conversion's.
TEST(CudaGraphCache, HalfPrecisionNetworkTakesAndReturnsTheSamplersDtype) {
  if (!cudaAvailable() || !CudaGraphCache::compiled()) GTEST_SKIP() << "needs a CUDA build with CUDA graphs and a GPU";
  auto net = symmflow::testing::randomNet();
  net->to(torch::kCUDA, torch::kHalf);
  torch::InferenceMode guard;
  auto cache = std::make_shared<CudaGraphCache>();
  net->setGraphCache(cache);
  auto x = seededNoise({1, 3, 16, 24}, 3, torch::kCUDA);
  auto y = seededNoise({1, 3, 16, 24}, 4, torch::kCUDA);
  auto t = torch::full({1}, 0.4, x.options());
  (void)cache->evaluate(*net, x, y, t);  // captures, then replays
  const auto graphed = cache->evaluate(*net, x, y, t);
  EXPECT_EQ(graphed.first.scalar_type(), torch::kFloat);
  EXPECT_EQ(graphed.second.scalar_type(), torch::kFloat);
  EXPECT_LT(relativeError(graphed, net->forwardConverting(x, y, t)), 1e-3) << cache->lastError();
  EXPECT_EQ(cache->graphs(), 1) << cache->lastError();
  EXPECT_EQ(cache->replays(), 2);
}

// The anatomy of a captured evaluation (bench --profile): every kernel node counted once,
// by name, and a replay of the kept graph still gives the eager velocities.
TEST(CudaGraphCache, AnatomyCountsTheKernelsOfACapturedEvaluation) {
  CudaGraphCache idle;
  EXPECT_FALSE(idle.anatomy().available);
  EXPECT_FALSE(idle.anatomy().note.empty()) << "an unavailable anatomy says why";
  if (!cudaAvailable()) {
    EXPECT_LT(CudaGraphCache::trivialKernelMicros(10), 0.0) << "no GPU: no launch floor";
  }
  if (!cudaAvailable() || !CudaGraphCache::compiled()) GTEST_SKIP() << "needs a CUDA build with CUDA graphs and a GPU";
  auto net = symmflow::testing::randomNet();
  net->to(torch::kCUDA);
  torch::InferenceMode guard;
  CudaGraphCache cache;
  cache.setInspectable(true);
  auto x = seededNoise({1, 3, 16, 24}, 5, torch::kCUDA);
  auto y = seededNoise({1, 3, 16, 24}, 6, torch::kCUDA);
  auto t = torch::full({1}, 0.6, x.options());
  const auto graphed = cache.evaluate(*net, x, y, t);
  EXPECT_LT(relativeError(graphed, net->forward(x, y, t)), 1e-5) << cache.lastError();
  const auto a = cache.anatomy();
  if (!a.available) GTEST_SKIP() << a.note;
  // randomNet has at least its convolutions as kernels; each kernel is named exactly once.
  EXPECT_GE(a.kernels, 10);
  long named = 0;
  for (const auto& [name, count] : a.kernelsByName) {
    EXPECT_FALSE(name.empty());
    named += count;
  }
  EXPECT_EQ(named, a.kernels);
  EXPECT_LE(a.smallGridKernels, a.kernels);
  EXPECT_GT(CudaGraphCache::trivialKernelMicros(50), 0.0);
}
