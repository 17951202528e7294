// SPDX-License-Identifier: MIT
#pragma once
// The SymmFlow objective (Caetano et al., AAAI 2026, arXiv 2506.10634; DESIGN.md §2).
//   x_t = (1 - t) xi_x + t x        v_x = x - xi_x
//   y_t = (1 - t) y    + t xi_y     v_y = xi_y - y
// loss = lambda |v^_x - v_x|^2 + (1 - lambda) |v^_y - v_y|^2 + mu CE(tau * (y_t - t v^_y), c)
// with y = 2 onehot(c) - 1 + U(-beta/2, beta/2); ignore pixels excluded from the label terms.
// LibTorch header: not for ui/.
#include <string>

#include <torch/torch.h>

#include "core/result.h"
#include "core/unet.h"

namespace symmflow {

struct TimeSampling {
  enum class Kind { Uniform, LogitNormal } kind = Kind::Uniform;
  double mean = 0.0;  // logit-normal location
  double std = 1.0;   // logit-normal scale
  double pEnd = 0.1;  // probability of t = 1 exactly (one-step segmentation from the clean image)
  std::string toString() const;
  static Result<TimeSampling> parse(const std::string& text);  // "uniform", "logit_normal:0:1", "+end:0.1"
};

struct FlowLossOptions {
  double lambda = 0.7;
  double mu = 0.1;
  double beta = 0.1;
  double tau = 4.0;  // temperature of the one-step estimate's logits in the CE term
  TimeSampling time;
  int ignoreIndex = -1;
  torch::Tensor classWeights;  // (K) weights of the CE term, or undefined
};

// The interpolants and targets for given noise and times (t: (B)).
struct FlowPaths {
  torch::Tensor xt, yt, vx, vy;
};
FlowPaths makePaths(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& xiX, const torch::Tensor& xiY,
                    const torch::Tensor& t);

// One-step label estimate y0 = y_t - t v_y (t broadcast per batch item).
torch::Tensor oneStepLabels(const torch::Tensor& yt, const torch::Tensor& vy, const torch::Tensor& t);

struct FlowLoss {
  torch::Tensor total;
  torch::Tensor lx, ly, lsem;  // detached scalars
};

// x: (B,3,H,W) in [-1,1]; ids: (B,h,w) int64 class ids at the label resolution.
FlowLoss symmflowLoss(SymmFlowUNet& net, const torch::Tensor& x, const torch::Tensor& ids,
                      const FlowLossOptions& options);

// Samples t according to the options, (B) on the given device.
torch::Tensor sampleTimes(int64_t batch, const TimeSampling& s, const torch::Device& device);

}  // namespace symmflow
