// SPDX-License-Identifier: MIT
#include "core/label_space.h"

namespace symmflow {
namespace F = torch::nn::functional;

torch::Tensor encodeLabels(const torch::Tensor& ids, int numClasses) {
  auto valid = (ids >= 0) & (ids < numClasses);
  auto safe = torch::where(valid, ids, torch::zeros_like(ids)).to(torch::kLong);
  auto onehot = F::one_hot(safe, numClasses).permute({0, 3, 1, 2}).to(torch::kFloat);
  onehot = onehot * valid.unsqueeze(1).to(torch::kFloat);
  return onehot * 2.0 - 1.0;
}

torch::Tensor classIndices(const torch::Tensor& scores, int64_t dim) { return std::get<1>(scores.max(dim)); }

torch::Tensor decodeLabels(const torch::Tensor& y) { return classIndices(y, 1); }

torch::Tensor upsampleLabels(const torch::Tensor& y, int64_t height, int64_t width) {
  const auto h = y.size(2), w = y.size(3);
  if (h == height && w == width) return y;
  if (h == 1 && w == 1) return y.expand({y.size(0), y.size(1), height, width});
  TORCH_CHECK(height % h == 0 && width % w == 0, "label size must divide the image size");
  return y.repeat_interleave(height / h, 2).repeat_interleave(width / w, 3);
}

torch::Tensor poolLabels(const torch::Tensor& yFull, int64_t height, int64_t width) {
  if (yFull.size(2) == height && yFull.size(3) == width) return yFull;
  if (height == 1 && width == 1) return yFull.mean({2, 3}, /*keepdim=*/true);
  return F::adaptive_avg_pool2d(yFull, F::AdaptiveAvgPool2dFuncOptions({height, width}));
}

torch::Tensor downsampleIds(const torch::Tensor& ids, int s, int numClasses, int ignoreIndex) {
  if (s == 1) return ids;
  // Count votes per class over each block; ignore pixels do not vote unless the block is all ignore.
  auto valid = (ids >= 0) & (ids < numClasses);
  if (ignoreIndex >= 0) valid = valid & (ids != ignoreIndex);
  auto safe = torch::where(valid, ids, torch::zeros_like(ids)).to(torch::kLong);
  auto votes =
      F::one_hot(safe, numClasses).permute({0, 3, 1, 2}).to(torch::kFloat) * valid.unsqueeze(1).to(torch::kFloat);
  torch::Tensor pooled = s == 0 ? votes.sum({2, 3}, true) : F::avg_pool2d(votes, F::AvgPool2dFuncOptions(s));
  auto best = classIndices(pooled, 1);
  auto any = pooled.sum(1) > 0;
  const int64_t fill = ignoreIndex >= 0 ? ignoreIndex : 255;
  return torch::where(any, best, torch::full_like(best, fill));
}

}  // namespace symmflow
