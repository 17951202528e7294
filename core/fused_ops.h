// SPDX-License-Identifier: MIT
#pragma once
// Fused inference operators of the velocity network (issue 6). At batch 1 a GPU spends an
// evaluation launching kernels, not computing; these operators do in one or two launches
// what LibTorch does in five to seven (GroupNorm is three kernels, then scale, shift, SiLU;
// a convolution's bias is a kernel of its own, the residual add another).
//
// Contract
// - Each function is defined by its reference formula below, which is what it computes on
//   the CPU, on autograd-tracked tensors and wherever the CUDA kernels do not apply. On
//   CUDA tensors without autograd, in a build with the kernels (fusedKernelsCompiled()),
//   float32/float16/bfloat16 activations in NCHW or channels-last, it runs
//   core/cuda/fused_kernels.cu instead: the same values up to float rounding (statistics
//   in float64), the output in the input's memory format. SYMMFLOW_FUSED_KERNELS=0 in the
//   environment turns the kernels off (to compare).
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

bool fusedKernelsCompiled();
// compiled(), unless SYMMFLOW_FUSED_KERNELS=0.
bool fusedKernelsEnabled();
// Host calls that launched the CUDA kernels since the program started (a check that they are
// used); replays of a captured CUDA graph run them again without a call and are not counted.
long fusedKernelCalls();

}  // namespace symmflow
