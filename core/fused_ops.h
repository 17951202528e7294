// SPDX-License-Identifier: MIT
#pragma once
// Fused inference operators of the velocity network (issue 6). At batch 1 a GPU spends an
// evaluation launching kernels, not computing; these operators do in one or two launches
// what LibTorch does in five to seven (GroupNorm is three kernels, then scale, shift, SiLU;
// a convolution's bias is a kernel of its own, the residual add another). On a CPU the same
// fusion saves passes over memory.
//
// Contract
// - Each function is defined by its reference formula below, which is what it computes on
//   autograd-tracked tensors (gradient mode on and an input that requires grad), for other
//   dtypes and strided views. Otherwise, for activations in NCHW or channels-last, kernels run
//   instead: core/cpu/fused_kernels.h for float32 on the CPU, and core/cuda/fused_kernels.cu
//   for float32/float16/bfloat16 on CUDA (outside gradient mode, in a build with them:
//   fusedKernelsCompiled()) -- the same values up to float rounding (statistics in float64),
//   the output in the input's memory format. SYMMFLOW_FUSED_KERNELS=0 in the environment
//   turns all kernels off (to compare).
// - Optional tensors are undefined torch::Tensor()s. Shapes are checked (std::invalid_argument).
// LibTorch header: not for ui/.
#include <torch/torch.h>

namespace symmflow {

// y = act((GroupNorm(x + bias) * gamma + beta) * scale + shift), act = SiLU or identity.
// x: (N,C,H,W); bias, gamma, beta: (C); scale, shift: (N,C); groups divides C.
torch::Tensor groupNormAct(const torch::Tensor& x, int groups, const torch::Tensor& gamma, const torch::Tensor& beta,
                           double eps, const torch::Tensor& bias, const torch::Tensor& scale,
                           const torch::Tensor& shift, bool silu);

// a + b + bias1 + bias2 with a, b: (N,C,H,W) and the biases (C) broadcast over channels.
torch::Tensor addWithBias(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& bias1,
                          const torch::Tensor& bias2 = {});

// The CUDA kernels are in this build (the CPU kernels always are).
bool fusedKernelsCompiled();
// The kernels are used where they apply: true unless SYMMFLOW_FUSED_KERNELS=0.
bool fusedKernelsEnabled();
// Host calls that ran a kernel (CPU or CUDA) since the program started (a check that they are
// used); replays of a captured CUDA graph run them again without a call and are not counted.
long fusedKernelCalls();

}  // namespace symmflow
