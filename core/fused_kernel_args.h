// SPDX-License-Identifier: MIT
#pragma once
// The arguments of the fused kernels behind core/fused_ops.h, shared by the CPU kernels
// (core/cpu/fused_kernels.h) and the CUDA kernels (core/cuda/fused_kernels.h). Plain C++:
// no LibTorch, no CUDA headers.
//
// Layout contract
// - Tensors are dense, in one of two layouts of (N, C, HW): NCHW (channels outermost) or
//   NHWC (channels-last, channels innermost); all tensors of one call share the layout.
// - dtype: 0 = float32, 1 = float16, 2 = bfloat16 for activations. The per-channel and
//   per-sample parameters (gamma, beta, bias, scale, shift; nullptr where absent) are all
//   float32, or all of the activations' dtype when paramsInDtype is set (a half-precision
//   network's own parameters, read without a conversion launch); statistics and arithmetic
//   in float32/float64.
#include <cstdint>

namespace symmflow::kernels {

// y = act((GroupNorm(x + channelBias) * gamma + beta) * scale + shift), act = SiLU or identity.
struct GroupNormActArgs {
  const void* x = nullptr;                   // (N, C, HW) input
  void* y = nullptr;                         // output, same layout and dtype
  double* partials = nullptr;                // CUDA workspace: N * groups * splits * 2 doubles
  const void* channelBias = nullptr;         // (C) added to x before the statistics
  const void* gamma = nullptr;               // (C)
  const void* beta = nullptr;                // (C)
  const void* scale = nullptr;               // (N, C): y = (norm * gamma + beta) * scale + shift
  const void* shift = nullptr;               // (N, C)
  int64_t scaleStride = 0, shiftStride = 0;  // between samples' rows (channels are dense)
  int64_t n = 0, c = 0, hw = 0;
  int groups = 1;
  int splits = 1;  // CUDA blocks per group (cuda::groupNormSplits())
  bool channelsLast = false;
  bool silu = false;
  float eps = 1e-5f;
  int dtype = 0;
  bool paramsInDtype = false;  // parameters in dtype (else float32)
};

// out = a + b + bias1[c] + bias2[c]
struct AddBiasArgs {
  const void* a = nullptr;
  const void* b = nullptr;
  void* out = nullptr;
  const void* bias1 = nullptr;  // (C) or nullptr
  const void* bias2 = nullptr;  // (C) or nullptr
  int64_t n = 0, c = 0, hw = 0;
  bool channelsLast = false;
  int dtype = 0;
  bool paramsInDtype = false;  // biases in dtype (else float32)
};

}  // namespace symmflow::kernels
