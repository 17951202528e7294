// SPDX-License-Identifier: MIT
#pragma once
// CPU kernels behind core/fused_ops.h (issue 6): GroupNorm + per-channel bias + scale-shift
// + SiLU in two passes over the data (per-channel statistics, then one normalize-and-activate
// pass), and the residual "a + b + bias" in one. LibTorch composes the same from five to
// seven operators, each a pass over memory with its own allocation.
//
// Contract
// - Arguments and layouts: core/fused_kernel_args.h; float32 only (dtype 0, parameters in
//   float32); partials and splits are not used.
// - Statistics are shifted by each channel's first value and summed in float over short runs,
//   then in float64 (no cancellation when the mean is far from zero). SiLU uses an exp
//   accurate to a few float ulps. With GCC on x86-64 the loops are compiled for AVX-512, AVX2
//   and baseline x86-64 (chosen at load time); they run on ATen's intra-op threads when the
//   build found OpenMP (core/CMakeLists.txt), else on the calling thread.
// - Throws std::invalid_argument for arguments the kernels do not take.
#include "core/fused_kernel_args.h"

namespace symmflow::cpu {

void groupNormAct(const kernels::GroupNormActArgs& args);
void addBias(const kernels::AddBiasArgs& args);

}  // namespace symmflow::cpu
