// SPDX-License-Identifier: MIT
// The facade on a small random-weight model: shapes, determinism, errors, cancel,
// and the edit path's guarantee that unedited pixels come back exactly.
#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/model_io.h"
#include "tests/core/test_helpers.h"
#include "tests/support/image_diff.h"

using namespace symmflow;
using symmflow::testing::maxLevelDifference;
using symmflow::testing::TempDir;

namespace {
class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cfg = symmflow::testing::tinyConfig(16, 24, 3);
    SymmFlowUNet net(cfg);
    torch::manual_seed(0);
    {
      // Non-zero output layer so the velocities are not trivially zero.
      torch::NoGradGuard g;
      for (auto& p : net->named_parameters())
        if (p.key().find("conv_out") != std::string::npos) p.value().normal_(0, 0.05);
    }
    ASSERT_TRUE(saveModel(m_dir.path("m.safetensors"), net, symmflow::testing::shapeClasses(), {}).ok());
    auto e = Engine::load(m_dir.path("m.safetensors"), DeviceKind::Cpu);
    ASSERT_TRUE(e.ok()) << e.error();
    m_engine = *e;
  }
  RgbImage photo() const {
    RgbImage img(24, 16);
    for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<uint8_t>((i * 29) % 256);
    return img;
  }
  TempDir m_dir;
  Engine m_engine;
};
}  // namespace

TEST_F(EngineTest, InfoDescribesTheModel) {
  EXPECT_EQ(m_engine.info().imageWidth(), 24);
  EXPECT_EQ(m_engine.info().classes.size(), 3);
  EXPECT_EQ(m_engine.deviceName(), "cpu");
  EXPECT_FALSE(m_engine.info().imageLevel());
}

TEST_F(EngineTest, GenerateIsDeterministicPerSeedAndVariesAcrossSeeds) {
  LabelMap map(24, 16, 0);
  for (int y = 4; y < 12; ++y)
    for (int x = 6; x < 18; ++x) map.at(x, y) = 1;
  RunParams p;
  p.steps = 3;
  p.seed = 42;
  p.count = 2;
  auto a = m_engine.generate(map, p);
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].width, 24);
  EXPECT_EQ((*a)[0].height, 16);
  auto b = m_engine.generate(map, p);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*a)[0], (*b)[0]);
  EXPECT_FALSE((*a)[0] == (*a)[1]);
  // Variation i is a single run with seed + i, up to the rounding of batched kernels: a batch
  // of two may sum in another order than a batch of one on some CPUs (seen on CI), so allow a
  // level or two, while another seed's image is far away.
  RunParams single = p;
  single.count = 1;
  single.seed = 43;
  auto c = m_engine.generate(map, single);
  ASSERT_TRUE(c.ok());
  EXPECT_LE(maxLevelDifference((*a)[1], (*c)[0]), 2);
  EXPECT_GT(maxLevelDifference((*a)[0], (*c)[0]), 20);
}

TEST_F(EngineTest, BadInputsGiveActionableErrors) {
  RunParams p;
  p.steps = 2;
  auto wrongSize = m_engine.generate(LabelMap(10, 10, 0), p);
  EXPECT_NE(wrongSize.error().find("expects 24x16"), std::string::npos);
  auto badIds = m_engine.generate(LabelMap(24, 16, 7), p);
  EXPECT_NE(badIds.error().find("outside this model's 3 classes"), std::string::npos);
  auto seg = m_engine.segment(RgbImage(5, 5), {});
  EXPECT_NE(seg.error().find("resize it first"), std::string::npos);
  p.steps = 0;
  EXPECT_FALSE(m_engine.generate(LabelMap(24, 16, 0), p).ok());
  EXPECT_FALSE(Engine::load(m_dir.path("missing.safetensors")).ok());
  Engine empty;
  EXPECT_NE(empty.generate(LabelMap(24, 16, 0), RunParams{}).error().find("no model"), std::string::npos);
}

TEST_F(EngineTest, SegmentReturnsProbabilitiesAndEntropy) {
  SegmentParams sp;
  sp.draws = 2;
  auto r = m_engine.segment(photo(), sp);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->labels.width, 24);
  EXPECT_EQ(r->probabilities.channels, 3);
  ASSERT_EQ(r->entropy.size(), 24u * 16u);
  for (int y = 0; y < 16; y += 5)
    for (int x = 0; x < 24; x += 7) {
      double s = 0;
      for (int c = 0; c < 3; ++c) s += r->probabilities.at(c, x, y);
      EXPECT_NEAR(s, 1.0, 1e-4);
    }
  for (float e : r->entropy) {
    EXPECT_GE(e, 0.0f);
    EXPECT_LE(e, 1.0001f);
  }
  auto cls = m_engine.classify(photo(), sp);
  ASSERT_TRUE(cls.ok());
  EXPECT_EQ(cls->probabilities.size(), 3u);
}

// A model trained with horizontal flips spends an even number of draws half on the photo and
// half on its mirror image (as many evaluations); other models, odd counts and callers that
// turn it off get the draws they asked for.
TEST_F(EngineTest, FlipTrainedModelsSpendHalfTheDrawsOnTheMirroredPhoto) {
  auto loaded = loadModel(m_dir.path("m.safetensors"));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ASSERT_TRUE(saveModel(m_dir.path("flip.safetensors"), loaded->net, symmflow::testing::shapeClasses(),
                        {{"recipe", R"({"flip": true, "batch": 4})"}})
                  .ok());
  auto flip = Engine::load(m_dir.path("flip.safetensors"), DeviceKind::Cpu);
  ASSERT_TRUE(flip.ok()) << flip.error();
  EXPECT_TRUE(flip->info().trainedWithFlips);
  EXPECT_FALSE(m_engine.info().trainedWithFlips);
  auto probs = [&](const Engine& e, int draws, bool mirror, bool split) {
    SegmentParams sp;
    sp.seed = 3;
    sp.draws = draws;
    sp.mirror = mirror;
    sp.mirrorWhenFlipTrained = split;
    auto r = e.segment(photo(), sp);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? r->probabilities.data : std::vector<float>{};
  };
  const auto split = probs(*flip, 2, false, true);
  EXPECT_EQ(split, probs(*flip, 1, true, false)) << "2 draws = 1 draw on the photo + the same on its mirror";
  EXPECT_NE(split, probs(*flip, 2, false, false)) << "the mirror must change the estimate";
  EXPECT_EQ(probs(*flip, 3, false, true), probs(*flip, 3, false, false)) << "odd counts are not split";
  EXPECT_EQ(probs(m_engine, 2, false, true), probs(m_engine, 2, false, false)) << "no flips in the recipe";
}

// Labels, probabilities and entropy agree pixel by pixel; a model's ignore class (a
// "void" label) gets probability 0 and is never a label.
TEST_F(EngineTest, SegmentLabelsAreTheMostLikelyClassAndNeverTheIgnoreClass) {
  auto check = [](const SegmentResult& r, int ignore) {
    const int K = r.probabilities.channels;
    int mismatches = 0;
    std::vector<int> counts(K, 0);
    for (int y = 0; y < r.labels.height; ++y)
      for (int x = 0; x < r.labels.width; ++x) {
        int best = 0;
        double h = 0;
        for (int c = 0; c < K; ++c) {
          const double p = r.probabilities.at(c, x, y);
          if (p > r.probabilities.at(best, x, y)) best = c;
          if (p > 0) h -= p * std::log(p);
        }
        if (r.labels.at(x, y) != best) ++mismatches;
        ++counts[r.labels.at(x, y)];
        EXPECT_NEAR(r.entropy[static_cast<size_t>(y) * r.labels.width + x], h / std::log(K), 1e-5);
        if (ignore >= 0) {
          EXPECT_EQ(r.probabilities.at(ignore, x, y), 0.0f);
        }
      }
    EXPECT_EQ(mismatches, 0);
    return counts;
  };
  SegmentParams sp;
  auto plain = m_engine.segment(photo(), sp);
  ASSERT_TRUE(plain.ok()) << plain.error();
  const auto counts = check(*plain, -1);
  // The class to ignore below is one this model predicts somewhere without the rule.
  const int ignore = static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
  ASSERT_GT(counts[ignore], 0);

  auto classes = symmflow::testing::shapeClasses();
  classes.ignoreIndex = ignore;
  auto loaded = loadModel(m_dir.path("m.safetensors"));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ASSERT_TRUE(saveModel(m_dir.path("ignore.safetensors"), loaded->net, classes, {}).ok());
  auto withIgnore = Engine::load(m_dir.path("ignore.safetensors"), DeviceKind::Cpu);
  ASSERT_TRUE(withIgnore.ok()) << withIgnore.error();
  auto r = withIgnore->segment(photo(), sp);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(check(*r, ignore)[ignore], 0) << "the ignore class was predicted";
}

TEST_F(EngineTest, CancelStopsARunAndProgressReportsSteps) {
  std::atomic<bool> cancel{false};
  int reports = 0;
  CallControl cc;
  cc.cancel = &cancel;
  cc.previews = true;
  cc.progress = [&](const StepReport& r) {
    ++reports;
    ASSERT_EQ(r.items.size(), 1u);
    EXPECT_EQ(r.items[0].x.width, 24);
    EXPECT_EQ(r.items[0].yHat.width, 24);
    EXPECT_EQ(r.items[0].classCoverage.size(), 3u);
    if (r.completed == 2) cancel = true;
  };
  RunParams p;
  p.steps = 10;
  auto r = m_engine.generate(LabelMap(24, 16, 0), p, cc);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "cancelled");
  EXPECT_EQ(reports, 2);  // the points t = 0 and 0.1, each reported after the step from it
}

// Progress reports every grid point from the start to the end, for every variation: the
// start is the clean map (its estimate too, at t = 0) and the end is the returned image.
TEST_F(EngineTest, ProgressReportsEveryPointOfEveryVariation) {
  std::vector<StepReport> reports;
  CallControl cc;
  cc.previews = true;
  cc.progress = [&](const StepReport& r) { reports.push_back(r); };
  RunParams p;
  p.steps = 3;
  p.count = 2;
  p.seed = 5;
  LabelMap map(24, 16, 0);
  for (int y = 0; y < 16; ++y)
    for (int x = 12; x < 24; ++x) map.at(x, y) = static_cast<uint8_t>(1 + y % 2);
  auto images = m_engine.generate(map, p, cc);
  ASSERT_TRUE(images.ok()) << images.error();
  ASSERT_EQ(reports.size(), 4u);
  for (int k = 0; k < 4; ++k) {
    const StepReport& r = reports[static_cast<std::size_t>(k)];
    EXPECT_EQ(r.step, k);
    EXPECT_EQ(r.totalSteps, 3);
    EXPECT_EQ(r.completed, std::min(k + 1, 3));  // point k is reported after the step from it
    EXPECT_DOUBLE_EQ(r.t, k / 3.0);
    // The end of a generation with previews is evaluated too: its estimate is the one-step
    // segmentation of the generated image.
    EXPECT_TRUE(r.hasVelocity);
    ASSERT_EQ(r.items.size(), 2u);
    for (const StepPreview& item : r.items) {
      EXPECT_EQ(item.yHat.width, map.width);
      EXPECT_EQ(item.yHat.height, map.height);
      double coverage = 0.0;
      for (double c : item.classCoverage) coverage += c;
      EXPECT_NEAR(coverage, 1.0, 1e-9);
      EXPECT_GT(item.vxNorm, 0.0);
    }
  }
  for (int v = 0; v < 2; ++v) {
    const StepPreview& start = reports.front().items[static_cast<std::size_t>(v)];
    EXPECT_EQ(start.y, map);
    EXPECT_EQ(start.yHat, map) << "y0 = y_t - 0 * v_y at t = 0";
    EXPECT_EQ(reports.back().items[static_cast<std::size_t>(v)].x, (*images)[static_cast<std::size_t>(v)]);
  }
  EXPECT_FALSE(reports.front().items[0].x == reports.front().items[1].x) << "each variation starts from its own noise";
}

TEST_F(EngineTest, SegmentationEndsOnItsResultWithoutAnotherEvaluation) {
  std::vector<StepReport> reports;
  CallControl cc;
  cc.previews = true;
  cc.progress = [&](const StepReport& r) { reports.push_back(r); };
  SegmentParams p;
  p.steps = 2;
  p.draws = 1;
  p.seed = 3;
  auto seg = m_engine.segment(photo(), p, cc);
  ASSERT_TRUE(seg.ok()) << seg.error();
  ASSERT_EQ(reports.size(), 3u);
  const StepReport& end = reports.back();
  EXPECT_EQ(end.t, 0.0);
  EXPECT_FALSE(end.hasVelocity) << "nothing is evaluated at t = 0";
  ASSERT_EQ(end.items.size(), 1u);
  EXPECT_EQ(end.items[0].y, seg->labels);
  EXPECT_EQ(end.items[0].yHat, seg->labels) << "y0 = y_t - 0 * v_y: the estimate at the end is the result";
  EXPECT_FALSE(end.items[0].classCoverage.empty());
}

TEST_F(EngineTest, EditLeavesPixelsOutsideTheChangedRegionIdentical) {
  RunParams p;
  p.steps = 4;
  p.seed = 9;
  auto inv = m_engine.invert(photo(), p);
  ASSERT_TRUE(inv.ok()) << inv.error();
  EXPECT_EQ(inv->steps(), 4);
  // Unchanged map: the photo comes back byte for byte.
  EditParams ep;
  auto same = m_engine.edit(*inv, inv->labels(), ep);
  ASSERT_TRUE(same.ok()) << same.error();
  EXPECT_EQ(*same, photo());
  // Change a block in the top-left corner: far pixels (bottom-right) are identical.
  LabelMap edited = inv->labels();
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) edited.at(x, y) = static_cast<uint8_t>((edited.at(x, y) + 1) % 3);
  ep.dilate = 1;
  ep.feather = 2.0f;
  auto out = m_engine.edit(*inv, edited, ep);
  ASSERT_TRUE(out.ok()) << out.error();
  const auto orig = photo();
  int changedInside = 0;
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 24; ++x) {
      const bool far = x >= 4 + 1 + 3 || y >= 4 + 1 + 3;
      for (int k = 0; k < 3; ++k) {
        if (far)
          ASSERT_EQ(out->at(x, y)[k], orig.at(x, y)[k]) << x << "," << y;
        else if (x < 4 && y < 4)
          changedInside += out->at(x, y)[k] != orig.at(x, y)[k];
      }
    }
  EXPECT_GT(changedInside, 0);
}

// CUDA variant: skips on machines without a GPU (CI, the Debian CPU build).
TEST_F(EngineTest, CudaGivesTheSameImagesAsTheCpu) {
  if (!cudaAvailable()) GTEST_SKIP() << "no CUDA device: CUDA variant skipped";
  auto gpu = Engine::load(m_dir.path("m.safetensors"), DeviceKind::Cuda, Precision::Fp32);
  ASSERT_TRUE(gpu.ok()) << gpu.error();
  EXPECT_TRUE(gpu->onCuda());
  RunParams p;
  p.steps = 3;
  p.seed = 2;
  LabelMap map(24, 16, 1);
  auto a = m_engine.generate(map, p), b = gpu->generate(map, p);
  ASSERT_TRUE(a.ok() && b.ok());
  int maxDiff = 0;
  for (size_t i = 0; i < (*a)[0].pixels.size(); ++i)
    maxDiff = std::max(maxDiff, std::abs(int((*a)[0].pixels[i]) - int((*b)[0].pixels[i])));
  EXPECT_LE(maxDiff, 2);  // the same noise (core/noise.h), fp32 on both devices
  auto seg = gpu->segment(photo(), {});
  ASSERT_TRUE(seg.ok()) << seg.error();
}

// Without a progress callback a generation is one captured graph of all its steps
// (CudaGraphCache::integrateWhole): the step-by-step result, and the same again on replay.
TEST_F(EngineTest, CudaRunsAWholeGenerationAsOneGraphWithTheStepByStepResult) {
  if (!cudaAvailable()) GTEST_SKIP() << "no CUDA device: CUDA variant skipped";
  auto gpu = Engine::load(m_dir.path("m.safetensors"), DeviceKind::Cuda, Precision::Fp32);
  ASSERT_TRUE(gpu.ok()) << gpu.error();
  if (!gpu->cudaGraphStats().active) GTEST_SKIP() << "this build has no CUDA graphs";
  RunParams p;
  p.steps = 3;
  p.seed = 2;
  p.solver = Solver::Heun;
  LabelMap map(24, 16, 1);
  CallControl stepwise;
  int reports = 0;
  stepwise.progress = [&](const StepReport&) { ++reports; };
  auto a = gpu->generate(map, p, stepwise);
  auto b = gpu->generate(map, p);
  auto c = gpu->generate(map, p);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(reports, 4);  // the points of 3 steps, start and end included
  EXPECT_EQ(gpu->cudaGraphStats().wholeRuns, 2) << gpu->cudaGraphStats().error;
  int maxDiff = 0;
  for (size_t i = 0; i < (*a)[0].pixels.size(); ++i)
    maxDiff = std::max(maxDiff, std::abs(int((*a)[0].pixels[i]) - int((*b)[0].pixels[i])));
  EXPECT_LE(maxDiff, 1);
  EXPECT_EQ((*b)[0].pixels, (*c)[0].pixels);
  auto seg = gpu->segment(photo(), {});
  ASSERT_TRUE(seg.ok()) << seg.error();
  EXPECT_EQ(gpu->cudaGraphStats().wholeRuns, 3);
}

// Injected device faults (engine.h): the run fails with the CUDA out-of-memory message
// through the real error path, the engine stays usable, and only `count` runs fail.
TEST_F(EngineTest, InjectedOutOfMemoryFailsTheNextRunsOnlyAndIsReportedAsSuch) {
  RunParams p;
  p.steps = 2;
  const LabelMap map(24, 16, 1);
  const auto before = m_engine.generate(map, p);
  ASSERT_TRUE(before.ok()) << before.error();
  injectDeviceFaultsForTests(2);
  auto failedGenerate = m_engine.generate(map, p);
  ASSERT_FALSE(failedGenerate.ok());
  EXPECT_EQ(failedGenerate.error(), "generation ran out of GPU memory; try fewer variations or the CPU");
  auto failedSegment = m_engine.segment(photo(), {});
  ASSERT_FALSE(failedSegment.ok());
  EXPECT_EQ(failedSegment.error(), "segmentation ran out of GPU memory; try fewer variations or the CPU");
  EXPECT_EQ(pendingDeviceFaultsForTests(), 0);
  const auto after = m_engine.generate(map, p);
  ASSERT_TRUE(after.ok()) << after.error();
  EXPECT_EQ((*after)[0].pixels, (*before)[0].pixels);  // nothing was left half-changed
  injectDeviceFaultsForTests(1);
  injectDeviceFaultsForTests(0);  // disarms
  EXPECT_TRUE(m_engine.generate(map, p).ok());
}
