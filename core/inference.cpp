// SPDX-License-Identifier: MIT
#include "core/inference.h"

#include "core/cuda_graph.h"
#include "core/label_space.h"

namespace symmflow {

namespace {
// integrate(), or its whole-run CUDA graph when nothing needs the steps one by one (no
// callback) and the network has a graph cache that can capture it.
IntegrateResult integrateNet(SymmFlowUNet& net, FlowState start, const std::vector<double>& grid, Solver solver,
                             const StepCallback& onStep, const std::atomic<bool>* cancel) {
  const auto& graphs = net->graphCache();
  if (graphs && !onStep) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      IntegrateResult r;
      r.cancelled = true;
      return r;
    }
    if (auto end = graphs->integrateWhole(*net, start, grid, solver)) {
      IntegrateResult r;
      r.state = std::move(*end);
      r.evaluations = (static_cast<int>(grid.size()) - 1) * (solver == Solver::Heun ? 2 : 1);
      return r;
    }
  }
  return integrate(velocityOf(net), std::move(start), grid, solver, onStep, cancel);
}
}  // namespace

VelocityFn velocityOf(SymmFlowUNet net) {
  return [net](const torch::Tensor& x, const torch::Tensor& y, double t) mutable {
    auto tt = torch::full({x.size(0)}, t, x.options().dtype(torch::kFloat));
    // The graph cache converts to the network's dtype and back inside the graph.
    const auto& graphs = net->graphCache();
    return graphs ? graphs->evaluate(*net, x, y, tt) : net->forwardConverting(x, y, tt);
  };
}

IntegrateResult generateImages(SymmFlowUNet net, const torch::Tensor& ids, int steps, Solver solver, std::uint64_t seed,
                               const StepCallback& onStep, const std::atomic<bool>* cancel) {
  const auto& cfg = net->config();
  const auto dev = ids.device();
  const int64_t B = ids.size(0);
  auto y = encodeLabels(ids, cfg.numClasses);
  auto x = perItemNoise(B, {3, cfg.imageHeight, cfg.imageWidth}, seed, dev);
  return integrateNet(net, FlowState{x, y}, timeGrid(0.0, 1.0, steps), solver, onStep, cancel);
}

torch::Tensor segmentImages(SymmFlowUNet net, const torch::Tensor& x, int64_t labelH, int64_t labelW, int steps,
                            Solver solver, std::uint64_t seed, int draws, bool mirror, const StepCallback& onStep,
                            const std::atomic<bool>* cancel) {
  const int K = net->config().numClasses;
  const int64_t B = x.size(0);
  draws = std::max(1, draws);
  auto views = mirror ? torch::cat({x, x.flip({3})}) : x;  // (B or 2B, 3, H, W)
  const int64_t n = views.size(0);
  auto xs = views.repeat({draws, 1, 1, 1});
  auto xi = perItemNoise(n * draws, {K, labelH, labelW}, seed, x.device()).to(x.scalar_type());
  auto r = integrateNet(net, FlowState{xs, xi}, timeGrid(1.0, 0.0, steps), solver, onStep, cancel);
  if (r.cancelled) return {};
  auto y = r.state.y.view({draws, n, K, labelH, labelW}).mean(0);
  if (mirror) y = (y.narrow(0, 0, B) + y.narrow(0, B, B).flip({3})) * 0.5;
  return y;
}

IntegrateResult invertImages(SymmFlowUNet net, const torch::Tensor& x, int64_t labelH, int64_t labelW, int steps,
                             Solver solver, std::uint64_t seed, const StepCallback& onStep,
                             const std::atomic<bool>* cancel) {
  const int K = net->config().numClasses;
  auto xi = perItemNoise(x.size(0), {K, labelH, labelW}, seed, x.device()).to(x.scalar_type());
  return integrate(velocityOf(net), FlowState{x, xi}, timeGrid(1.0, 0.0, steps), solver, onStep, cancel,
                   /*recordTrajectory=*/true);
}

IntegrateResult editImages(SymmFlowUNet net, const std::vector<FlowState>& inv, const torch::Tensor& editedIds,
                           const torch::Tensor& mask, Solver solver, const torch::Tensor& freshNoise,
                           const StepCallback& onStep, const std::atomic<bool>* cancel) {
  TORCH_CHECK(inv.size() >= 2, "the inversion has no trajectory");
  const int K = net->config().numClasses;
  const int steps = static_cast<int>(inv.size()) - 1;
  // Recorded states run t = 1 -> 0; forward integration visits them in reverse.
  std::vector<FlowState> ref(inv.rbegin(), inv.rend());
  const auto& y0 = ref.front().y;
  auto mImg = mask.to(ref.front().x.scalar_type());
  auto mLab = poolLabels(mImg, y0.size(2), y0.size(3));
  auto x0 = ref.front().x;
  if (freshNoise.defined()) x0 = mImg * freshNoise + (1 - mImg) * x0;
  FlowState start{x0, mLab * encodeLabels(editedIds, K).to(y0.scalar_type()) + (1 - mLab) * y0};
  auto constraint = [&](int k, FlowState& s) {
    s.x = mImg * s.x + (1 - mImg) * ref[k].x;
    s.y = mLab * s.y + (1 - mLab) * ref[k].y;
  };
  return integrate(velocityOf(net), start, timeGrid(0.0, 1.0, steps), solver, onStep, cancel, false, constraint);
}

torch::Tensor imagesToBytes(const torch::Tensor& x) {
  return x.detach()
      .to(torch::kFloat)
      .add(1.0)
      .mul(127.5)
      .round()
      .clamp(0, 255)
      .to(torch::kByte)
      .permute({0, 2, 3, 1})
      .contiguous()
      .cpu();
}

}  // namespace symmflow
