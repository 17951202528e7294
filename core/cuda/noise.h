// SPDX-License-Identifier: MIT
#pragma once
// CUDA kernel behind core/noise.h: the same values as core/cpu/noise.h (the same integer
// stream, core/counter_rng.h; logf/sinf/cosf of the device, a few ulp from the host's).
// Plain C++ interface, no LibTorch and no CUDA headers.
//
// Contract: launches on the given stream (a cudaStream_t as void*, so graph capture works)
// and returns the CUDA error code of the launch (0 = success) without synchronizing.
#include <cstdint>

namespace symmflow::cuda {

// out: device memory for items * perItem floats, item-major; item b from stream seed + b.
int launchNormalNoise(float* out, std::int64_t items, std::int64_t perItem, std::uint64_t seed, void* stream);

}  // namespace symmflow::cuda
