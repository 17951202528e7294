// SPDX-License-Identifier: MIT
// Samplers against analytic velocity fields.
#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/samplers.h"

using namespace symmflow;

namespace {
// dx/dt = c (constant): Euler is exact for any step count.
VelocityFn constantField(double cx, double cy) {
  return [=](const torch::Tensor& x, const torch::Tensor& y, double) {
    return std::make_pair(torch::full_like(x, cx), torch::full_like(y, cy));
  };
}
// dx/dt = x: x(1) = x(0) e.
VelocityFn exponentialField() {
  return [](const torch::Tensor& x, const torch::Tensor& y, double) { return std::make_pair(x.clone(), -y); };
}
double errorAt(Solver s, int steps) {
  auto x0 = torch::ones({1, 1, 1, 1}, torch::kDouble), y0 = torch::ones({1, 1, 1, 1}, torch::kDouble);
  auto r = integrate(exponentialField(), {x0, y0}, timeGrid(0.0, 1.0, steps), s);
  return std::abs(r.state.x.item<double>() - std::exp(1.0));
}
}  // namespace

TEST(Samplers, TimeGridEndsExactly) {
  auto g = timeGrid(1.0, 0.0, 3);
  ASSERT_EQ(g.size(), 4u);
  EXPECT_DOUBLE_EQ(g.front(), 1.0);
  EXPECT_DOUBLE_EQ(g.back(), 0.0);
  EXPECT_NEAR(g[1], 2.0 / 3.0, 1e-15);
}

TEST(Samplers, EulerIsExactOnConstantField) {
  for (int steps : {1, 3, 25}) {
    auto x0 = torch::zeros({2, 3, 4, 4}, torch::kDouble), y0 = torch::ones({2, 5, 4, 4}, torch::kDouble);
    auto r = integrate(constantField(0.5, -2.0), {x0, y0}, timeGrid(0.0, 1.0, steps), Solver::Euler);
    EXPECT_TRUE(torch::allclose(r.state.x, torch::full_like(x0, 0.5), 0, 1e-12)) << steps;
    EXPECT_TRUE(torch::allclose(r.state.y, torch::full_like(y0, -1.0), 0, 1e-12)) << steps;
    EXPECT_EQ(r.evaluations, steps);
  }
}

TEST(Samplers, BackwardIntegrationOneStepIsTheSegmentationFormula) {
  // One Euler step from t=1 to 0: y0 = y1 - v(y1, 1).
  auto x = torch::randn({1, 3, 2, 2}), y1 = torch::randn({1, 4, 2, 2});
  auto v = torch::randn({1, 4, 2, 2});
  VelocityFn f = [&](const torch::Tensor& xx, const torch::Tensor&, double t) {
    EXPECT_DOUBLE_EQ(t, 1.0);
    return std::make_pair(torch::zeros_like(xx), v);
  };
  auto r = integrate(f, {x, y1}, timeGrid(1.0, 0.0, 1), Solver::Euler);
  EXPECT_TRUE(torch::allclose(r.state.y, y1 - v));
}

TEST(Samplers, EulerIsFirstOrderAndHeunSecondOrder) {
  const double e1 = errorAt(Solver::Euler, 16), e2 = errorAt(Solver::Euler, 32);
  const double h1 = errorAt(Solver::Heun, 16), h2 = errorAt(Solver::Heun, 32);
  EXPECT_NEAR(e1 / e2, 2.0, 0.15);
  EXPECT_NEAR(h1 / h2, 4.0, 0.3);
  EXPECT_LT(h2, e2 / 50);
  auto r = integrate(exponentialField(), {torch::ones({1}, torch::kDouble), torch::ones({1}, torch::kDouble)},
                     timeGrid(0.0, 1.0, 16), Solver::Heun);
  EXPECT_EQ(r.evaluations, 32);
}

TEST(Samplers, CancelStopsBeforeTheNextEvaluation) {
  std::atomic<bool> cancel{false};
  int calls = 0;
  VelocityFn f = [&](const torch::Tensor& x, const torch::Tensor& y, double) {
    if (++calls == 3) cancel = true;
    return std::make_pair(torch::zeros_like(x), torch::zeros_like(y));
  };
  auto r = integrate(f, {torch::zeros({1}), torch::zeros({1})}, timeGrid(0, 1, 10), Solver::Euler, {}, &cancel);
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(calls, 3);
}

TEST(Samplers, RecordsTrajectoryAndReportsEachStep) {
  std::vector<int> seen;
  auto r = integrate(
      constantField(1.0, 0.0), {torch::zeros({1}), torch::zeros({1})}, timeGrid(0, 1, 4), Solver::Euler,
      [&](const StepEvent& e) {
        seen.push_back(e.step);
        EXPECT_EQ(e.total, 4);
        EXPECT_NEAR(e.state.x.item<double>(), e.tTo, 1e-6);
      },
      nullptr, true);
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4}));
  ASSERT_EQ(r.trajectory.size(), 5u);
  EXPECT_NEAR(r.trajectory[2].x.item<double>(), 0.5, 1e-6);
}

TEST(Samplers, ConstraintReplacesStateAfterEveryStep) {
  // A constraint that pins the second element to a reference path: it must come out exactly.
  auto ref = [](int k) { return static_cast<double>(k) * 10.0; };
  auto r =
      integrate(constantField(1.0, 0.0), {torch::zeros({2}, torch::kDouble), torch::zeros({1}, torch::kDouble)},
                timeGrid(0, 1, 5), Solver::Heun, {}, nullptr, false, [&](int k, FlowState& s) { s.x[1] = ref(k); });
  EXPECT_DOUBLE_EQ(r.state.x[1].item<double>(), 50.0);
  EXPECT_NEAR(r.state.x[0].item<double>(), 1.0, 1e-12);
}

TEST(Samplers, EditMaskIsOneInsideAndExactlyZeroFarAway) {
  auto changed = torch::zeros({1, 1, 32, 32});
  changed.index_put_({0, 0, torch::indexing::Slice(14, 18), torch::indexing::Slice(14, 18)}, 1.0);
  auto m = editMask(changed, 2, 3.0f);
  EXPECT_FLOAT_EQ(m[0][0][15][15].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(m[0][0][12][15].item<float>(), 1.0f);  // within the dilation
  EXPECT_GT(m[0][0][10][15].item<float>(), 0.0f);        // in the feather band
  EXPECT_LT(m[0][0][10][15].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(m[0][0][2][2].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(m[0][0][15][5].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(m.max().item<float>(), 1.0f);
}
