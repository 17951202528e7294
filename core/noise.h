// SPDX-License-Identifier: MIT
#pragma once
// Seeded standard normal noise, the same on every device (issue 6). The values are a pure
// function of (seed, index) -- Philox4x32-10 and Box-Muller, core/counter_rng.h -- so CUDA
// computes them where they are used (no host draw, no upload; capturable in a CUDA graph) and
// the CPU gets the same numbers up to a few float ulps.
//
// Contract
// - seededNoise(shape, seed): one stream over the whole tensor in row-major order.
// - perItemNoise(batch, itemShape, seed): item b holds stream seed + b, so item b of a batch
//   equals seededNoise(itemShape, seed + b): variations batched into one pass give the images
//   the same seeds give one at a time.
// - float32, contiguous, on `device`. CUDA uses the kernel of core/cuda/noise.h when the build
//   has the CUDA kernels (SYMMFLOW_HAVE_FUSED_KERNELS), else computes on the CPU and uploads.
// - noiseStream() (core/engine.h) names this mapping from seeds to noise; provenance records
//   it, so a picture can be regenerated exactly. Versions before 0.2.0 drew noise with LibTorch's
//   CPU generator (mt19937): their seeds give other pictures now.
// LibTorch header: not for ui/.
#include <cstdint>

#include <torch/torch.h>

namespace symmflow {

torch::Tensor seededNoise(at::IntArrayRef shape, std::uint64_t seed, const torch::Device& device);
torch::Tensor perItemNoise(int64_t batch, at::IntArrayRef itemShape, std::uint64_t seed, const torch::Device& device);

}  // namespace symmflow
