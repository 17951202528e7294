// SPDX-License-Identifier: MIT
#pragma once
// The label space of SymmFlow (DESIGN.md §2): K classes encoded as y = 2*onehot - 1,
// dense at (H/s)x(W/s) or image-level (1x1). LibTorch header: not for ui/.
#include <torch/torch.h>

namespace symmflow {

// ids: (B,h,w) integer tensor -> (B,K,h,w) float in {-1,+1}. Ids outside [0,K) (e.g. an
// ignore id that is not a class) encode as all -1.
torch::Tensor encodeLabels(const torch::Tensor& ids, int numClasses);
// The index of the largest score along `dim` (int64, that dimension removed), the first
// one on ties: argmax. Computed as torch::max's indices, which LibTorch 1.13's CPU kernels
// find 4-17x faster than argmax() when `dim` is not the innermost (classes over pixels).
torch::Tensor classIndices(const torch::Tensor& scores, int64_t dim);
// (B,K,h,w) -> (B,h,w) int64 argmax over classes.
torch::Tensor decodeLabels(const torch::Tensor& y);
// Nearest upsampling of a label tensor (B,K,h,w) to (H,W); h,w must divide H,W (1x1 broadcasts).
torch::Tensor upsampleLabels(const torch::Tensor& y, int64_t height, int64_t width);
// Average pooling of a full-resolution label velocity (B,K,H,W) back to (h,w).
torch::Tensor poolLabels(const torch::Tensor& yFull, int64_t height, int64_t width);
// Mode (majority) downsampling of ids (B,H,W) by factor s; s = 0 -> per-image majority (B,1,1).
torch::Tensor downsampleIds(const torch::Tensor& ids, int s, int numClasses, int ignoreIndex);

}  // namespace symmflow
