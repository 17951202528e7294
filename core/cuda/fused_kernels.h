// SPDX-License-Identifier: MIT
#pragma once
// Hand-written CUDA kernels behind core/fused_ops.h (issue 6): one GroupNorm + per-channel
// bias + scale-shift + SiLU in two launches (partial statistics, then normalize), and one
// "a + b + bias" residual add. Plain C++ interface, no LibTorch and no CUDA headers, so the
// .cu file compiles with nvcc alone and the callers with the host compiler.
//
// Contract
// - Arguments and layouts: core/fused_kernel_args.h (float32, float16 or bfloat16).
// - Launches on the given stream (a cudaStream_t passed as void*, so graph capture works)
//   and returns the CUDA error code of the launch (0 = success) without synchronizing.
#include <cstdint>

#include "core/fused_kernel_args.h"

namespace symmflow::cuda {

using kernels::AddBiasArgs;
using kernels::GroupNormActArgs;

// Blocks per group that keep the GPU busy for this size (the workspace's third dimension).
int groupNormSplits(int64_t n, int groups, int64_t elementsPerGroup);
int launchGroupNormAct(const GroupNormActArgs& args, void* stream);
// out = a + b + bias1[c] + bias2[c]
int launchAddBias(const AddBiasArgs& args, void* stream);

}  // namespace symmflow::cuda
