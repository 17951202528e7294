// SPDX-License-Identifier: MIT
#include "core/evaluate.h"

#include "core/inference.h"
#include "core/label_space.h"

namespace symmflow {

ConfusionMatrix evaluateShard(SymmFlowUNet net, const Shard& shard, const EvalOptions& o,
                              const std::function<void(int64_t, int64_t)>& progress, const std::atomic<bool>* cancel) {
  torch::InferenceMode guard;
  const auto& cfg = net->config();
  const int K = cfg.numClasses;
  ConfusionMatrix cm(K, shard.classes().ignoreIndex);
  const int64_t total = o.limit > 0 ? std::min<int64_t>(o.limit, shard.size()) : shard.size();
  for (int64_t start = 0; start < total; start += o.batch) {
    if (cancel && cancel->load()) break;
    auto b = shard.slice(start, std::min<int64_t>(o.batch, total - start), cfg.labelDownsample);
    auto y0 = segmentImages(net, b.x, b.ids.size(1), b.ids.size(2), o.steps, o.solver,
                            o.seed + static_cast<std::uint64_t>(start), o.draws, o.mirror);
    if (!y0.defined()) break;
    auto pred = decodeLabels(y0).to(torch::kByte).cpu().contiguous();
    auto truth = b.ids.clamp(0, 255).to(torch::kByte).cpu().contiguous();
    cm.add(truth.data_ptr<std::uint8_t>(), pred.data_ptr<std::uint8_t>(), static_cast<size_t>(truth.numel()));
    if (progress) progress(std::min(total, start + o.batch), total);
  }
  return cm;
}

}  // namespace symmflow
