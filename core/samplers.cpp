// SPDX-License-Identifier: MIT
#include "core/samplers.h"

#include <cmath>

namespace symmflow {
namespace F = torch::nn::functional;

std::vector<double> timeGrid(double t0, double t1, int steps) {
  std::vector<double> g(static_cast<size_t>(steps) + 1);
  for (int i = 0; i <= steps; ++i) g[i] = t0 + (t1 - t0) * static_cast<double>(i) / steps;
  g.back() = t1;
  return g;
}

IntegrateResult integrate(const VelocityFn& f, FlowState s, const std::vector<double>& grid, Solver solver,
                          const StepCallback& onStep, const std::atomic<bool>* cancel, bool record,
                          const StepConstraint& constraint) {
  IntegrateResult r;
  auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
  if (constraint) constraint(0, s);
  if (record) r.trajectory.push_back(s);
  const int total = static_cast<int>(grid.size()) - 1;
  for (int k = 0; k < total; ++k) {
    if (cancelled()) {
      r.cancelled = true;
      break;
    }
    const double t = grid[k], h = grid[k + 1] - grid[k];
    auto [vx, vy] = f(s.x, s.y, t);
    ++r.evaluations;
    FlowState next{s.x + h * vx, s.y + h * vy};
    if (solver == Solver::Heun) {
      if (cancelled()) {
        r.cancelled = true;
        break;
      }
      auto [vx2, vy2] = f(next.x, next.y, grid[k + 1]);
      ++r.evaluations;
      next = FlowState{s.x + 0.5 * h * (vx + vx2), s.y + 0.5 * h * (vy + vy2)};
    }
    if (constraint) constraint(k + 1, next);
    const FlowState start = s;
    s = std::move(next);
    if (record) r.trajectory.push_back(s);
    if (onStep) onStep(StepEvent{k + 1, total, t, grid[k + 1], s, vx, vy, start});
  }
  r.state = std::move(s);
  return r;
}

torch::Tensor editMask(const torch::Tensor& changed, int dilate, float feather) {
  auto m = changed.to(torch::kFloat);
  if (dilate > 0) m = F::max_pool2d(m, F::MaxPool2dFuncOptions(2 * dilate + 1).stride(1).padding(dilate));
  if (feather > 0) {
    // Box blurs of the dilated mask, widening it by `feather` with a linear-ish ramp.
    const int r = static_cast<int>(std::ceil(feather));
    auto grown = F::max_pool2d(m, F::MaxPool2dFuncOptions(2 * r + 1).stride(1).padding(r));
    auto soft = F::avg_pool2d(grown, F::AvgPool2dFuncOptions(2 * r + 1).stride(1).padding(r).count_include_pad(false));
    soft = soft * grown;  // exactly 0 beyond the feather band
    m = torch::max(m, soft);
  }
  return m.clamp(0.0, 1.0);
}

}  // namespace symmflow
