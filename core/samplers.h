// SPDX-License-Identifier: MIT
#pragma once
// ODE samplers over a velocity callable (DESIGN.md §2; Caetano et al. 2026, eq. for the
// joint flow d(x, y)/dt = f(x_t, y_t, t)). Free functions, independent of the network,
// tested against analytic fields. LibTorch header: not for ui/.
#include <atomic>
#include <functional>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "core/types.h"

namespace symmflow {

struct FlowState {
  torch::Tensor x;  // image part
  torch::Tensor y;  // label part
};

// The joint velocity at (x, y, t): returns (v_x, v_y) shaped like (x, y).
using VelocityFn =
    std::function<std::pair<torch::Tensor, torch::Tensor>(const torch::Tensor&, const torch::Tensor&, double)>;

// Called after each step with the state reached and the velocity evaluated at the step's start.
struct StepEvent {
  int step;  // 1-based
  int total;
  double tFrom;
  double tTo;
  const FlowState& state;
  const torch::Tensor& vx;
  const torch::Tensor& vy;
  const FlowState& start;  // state at tFrom
};
using StepCallback = std::function<void(const StepEvent&)>;

// `steps` equal intervals from t0 to t1 inclusive (steps + 1 points).
std::vector<double> timeGrid(double t0, double t1, int steps);

// Optional constraint applied after every step k (state now at grid[k]).
using StepConstraint = std::function<void(int k, FlowState& state)>;

struct IntegrateResult {
  FlowState state;
  bool cancelled = false;
  std::vector<FlowState> trajectory;  // state at every grid point, when requested
  int evaluations = 0;
};

// Integrates from grid.front() to grid.back() (either direction).
// Euler: s += h f(s, t). Heun: predictor s~ = s + h f(s,t), s += h/2 (f(s,t) + f(s~, t+h)).
// The cancel flag is read before every evaluation.
IntegrateResult integrate(const VelocityFn& f, FlowState start, const std::vector<double>& grid, Solver solver,
                          const StepCallback& onStep = {}, const std::atomic<bool>* cancel = nullptr,
                          bool recordTrajectory = false, const StepConstraint& constraint = {});

// Soft edit mask from a boolean "changed" map (B,1,H,W): dilated by `dilate` pixels,
// then feathered over `feather` pixels outward; 1 inside, 0 exactly beyond the feather.
torch::Tensor editMask(const torch::Tensor& changed, int dilate, float feather);

}  // namespace symmflow
