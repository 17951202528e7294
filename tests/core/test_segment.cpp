// SPDX-License-Identifier: MIT
// Segmentation's averaging of estimates: noise draws and left-right mirroring, on an
// untrained network whose velocities depend on the input.
#include <gtest/gtest.h>

#include "core/inference.h"
#include "tests/core/test_helpers.h"

using namespace symmflow;

namespace {
torch::Tensor photos() { return seededNoise({2, 3, 16, 24}, 5, torch::kCPU).clamp(-1, 1); }
double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }
}  // namespace

// With `mirror`, the batch is the photos followed by their mirror images (noise seeds
// continue after the photos'), and the mirrored estimates are mirrored back and averaged.
TEST(Segment, MirrorAveragesTheMirroredPhotosEstimateMirroredBack) {
  auto net = symmflow::testing::randomNet();
  torch::InferenceMode guard;
  const auto x = photos();
  const std::uint64_t seed = 40;
  auto plain = segmentImages(net, x, 16, 24, 1, Solver::Euler, seed, 1);
  auto mirrored = segmentImages(net, x.flip({3}), 16, 24, 1, Solver::Euler, seed + 2, 1);
  auto both = segmentImages(net, x, 16, 24, 1, Solver::Euler, seed, 1, /*mirror=*/true);
  ASSERT_EQ(both.sizes(), plain.sizes());
  EXPECT_LT(maxDiff(both, 0.5 * (plain + mirrored.flip({3}))), 1e-5);
  // Not a no-op: the mirrored estimate differs from the plain one.
  EXPECT_GT(maxDiff(both, plain), 1e-3);

  // Two steps, two draws: the same identity with the draws' seeds laid out draw-major.
  auto p2 = segmentImages(net, x, 16, 24, 2, Solver::Heun, seed, 2, true);
  auto xs = torch::cat({x, x.flip({3})});
  auto all = segmentImages(net, xs, 16, 24, 2, Solver::Heun, seed, 2);  // (4,K,h,w)
  auto expect = 0.5 * (all.narrow(0, 0, 2) + all.narrow(0, 2, 2).flip({3}));
  EXPECT_LT(maxDiff(p2, expect), 1e-5);
}
