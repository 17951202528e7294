// SPDX-License-Identifier: MIT
// CUDA kernel of core/cuda/noise.h: one thread per block of four values.
#include <algorithm>
#include <cuda_runtime.h>

#include "core/counter_rng.h"
#include "core/cuda/noise.h"

namespace symmflow::cuda {
namespace {

constexpr int kThreads = 256;

__global__ void normalNoiseKernel(float* out, std::int64_t items, std::int64_t perItem, std::uint64_t seed) {
  const std::int64_t blocksPerItem = (perItem + 3) / 4, total = items * blocksPerItem;
  for (std::int64_t t = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; t < total;
       t += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t item = t / blocksPerItem, q = t % blocksPerItem;
    const rng::Normals z = rng::normalBlock(seed + static_cast<std::uint64_t>(item), static_cast<std::uint64_t>(q));
    float* dst = out + item * perItem + 4 * q;
    const std::int64_t n = perItem - 4 * q < 4 ? perItem - 4 * q : 4;
    for (int k = 0; k < n; ++k) dst[k] = z.z[k];
  }
}

}  // namespace

int launchNormalNoise(float* out, std::int64_t items, std::int64_t perItem, std::uint64_t seed, void* stream) {
  if (items <= 0 || perItem <= 0) return 0;
  const std::int64_t threads = items * ((perItem + 3) / 4);
  const std::int64_t blocks = std::clamp<std::int64_t>((threads + kThreads - 1) / kThreads, 1, 8192);
  normalNoiseKernel<<<static_cast<unsigned>(blocks), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(out, items,
                                                                                                       perItem, seed);
  return static_cast<int>(cudaGetLastError());
}

}  // namespace symmflow::cuda
