// SPDX-License-Identifier: MIT
#pragma once
// Evaluation of a network on a data shard: one- or few-step segmentation mIoU / pixel
// accuracy (dense models) or top-1 accuracy (image-level models), at the model's resolution.
// LibTorch header: not for ui/.
#include <atomic>
#include <functional>

#include "core/metrics.h"
#include "core/shard.h"
#include "core/types.h"
#include "core/unet.h"

namespace symmflow {

struct EvalOptions {
  int steps = 1;
  Solver solver = Solver::Euler;
  int draws = 1;
  bool mirror = false;  // also average the estimate of the mirrored image (2x work)
  int batch = 8;
  std::uint64_t seed = 0;
  int limit = 0;  // 0: all items
};

// The shard must be on the network's device. Predictions are compared at the label
// resolution; ignore pixels excluded. Returns the confusion matrix (K x K).
ConfusionMatrix evaluateShard(SymmFlowUNet net, const Shard& shard, const EvalOptions& options,
                              const std::function<void(int64_t done, int64_t total)>& progress = {},
                              const std::atomic<bool>* cancel = nullptr);

}  // namespace symmflow
