// SPDX-License-Identifier: MIT
#include "core/cpu/noise.h"

#include <algorithm>
#include <cstdint>

#include <ATen/Parallel.h>

#include "core/counter_rng.h"
#include "core/cpu/vector_clones.h"

namespace symmflow::cpu {
namespace {

constexpr std::int64_t kChunk = 256;  // Philox blocks computed together (vectorized), then transformed

// Values of blocks [first, first + count) of stream `key` into dst (dst[0] = value 4 * first),
// at most `limit` values.
SYMMFLOW_VECTOR_CLONES void fillBlocks(float* dst, std::uint64_t key, std::int64_t first, std::int64_t count,
                                       std::int64_t limit) {
  alignas(64) std::uint32_t w[4][kChunk];
  const auto k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
#pragma omp simd
  for (std::int64_t j = 0; j < count; ++j) {
    const auto q = static_cast<std::uint64_t>(first + j);
    const rng::Quad r = rng::philox4x32_10(
        rng::Quad{{static_cast<std::uint32_t>(q), static_cast<std::uint32_t>(q >> 32), 0u, 0u}}, k0, k1);
    w[0][j] = r.w[0];
    w[1][j] = r.w[1];
    w[2][j] = r.w[2];
    w[3][j] = r.w[3];
  }
  alignas(64) float z[4][kChunk];
#pragma omp simd
  for (std::int64_t j = 0; j < count; ++j) {
    const rng::Normals n = rng::normalQuad(rng::Quad{{w[0][j], w[1][j], w[2][j], w[3][j]}});
    z[0][j] = n.z[0];
    z[1][j] = n.z[1];
    z[2][j] = n.z[2];
    z[3][j] = n.z[3];
  }
  const std::int64_t values = std::min(4 * count, limit);
  for (std::int64_t i = 0; i < values; ++i) dst[i] = z[i % 4][i / 4];
}

}  // namespace

void normalNoise(float* out, std::int64_t items, std::int64_t perItem, std::uint64_t seed) {
  if (items <= 0 || perItem <= 0) return;
  const std::int64_t blocksPerItem = (perItem + 3) / 4;
  // A task is a run of 4 chunks (4096 values) of one item.
  constexpr std::int64_t kRun = 4 * kChunk;
  const std::int64_t runsPerItem = (blocksPerItem + kRun - 1) / kRun;
  at::parallel_for(0, items * runsPerItem, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t task = begin; task < end; ++task) {
      const std::int64_t item = task / runsPerItem, runEnd = std::min(task % runsPerItem * kRun + kRun, blocksPerItem);
      const std::uint64_t key = seed + static_cast<std::uint64_t>(item);
      for (std::int64_t q = task % runsPerItem * kRun; q < runEnd; q += kChunk) {
        const std::int64_t count = std::min(kChunk, runEnd - q);
        fillBlocks(out + item * perItem + 4 * q, key, q, count, perItem - 4 * q);
      }
    }
  });
}

}  // namespace symmflow::cpu
