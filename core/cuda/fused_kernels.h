// SPDX-License-Identifier: MIT
#pragma once
// Hand-written CUDA kernels behind core/fused_ops.h (issue 6): one GroupNorm + per-channel
// bias + scale-shift + SiLU in two launches (partial statistics, then normalize), and one
// "a + b + bias" residual add. Plain C++ interface, no LibTorch and no CUDA headers, so the
// .cu file compiles with nvcc alone and the callers with the host compiler.
//
// Contract
// - Tensors are dense, in one of two layouts of (N, C, HW): NCHW (channels outermost) or
//   NHWC (channels-last, channels innermost); all tensors of one call share the layout.
// - dtype: 0 = float32, 1 = float16, 2 = bfloat16 for activations. The per-channel and
//   per-sample parameters (gamma, beta, bias, scale, shift; nullptr where absent) are all
//   float32, or all of the activations' dtype when paramsInDtype is set (a half-precision
//   network's own parameters, read without a conversion launch); statistics and arithmetic
//   in float32/float64.
// - Launches on the given stream (a cudaStream_t passed as void*, so graph capture works)
//   and returns the CUDA error code of the launch (0 = success) without synchronizing.
#include <cstdint>

namespace symmflow::cuda {

struct GroupNormActArgs {
  const void* x = nullptr;                   // (N, C, HW) input
  void* y = nullptr;                         // output, same layout and dtype
  double* partials = nullptr;                // workspace: N * groups * splits * 2 doubles
  const void* channelBias = nullptr;         // (C) added to x before the statistics
  const void* gamma = nullptr;               // (C)
  const void* beta = nullptr;                // (C)
  const void* scale = nullptr;               // (N, C): y = (norm * gamma + beta) * scale + shift
  const void* shift = nullptr;               // (N, C)
  int64_t scaleStride = 0, shiftStride = 0;  // between samples' rows (channels are dense)
  int64_t n = 0, c = 0, hw = 0;
  int groups = 1;
  int splits = 1;  // blocks per group (groupNormSplits())
  bool channelsLast = false;
  bool silu = false;
  float eps = 1e-5f;
  int dtype = 0;
  bool paramsInDtype = false;  // parameters in dtype (else float32)
};

// Blocks per group that keep the GPU busy for this size (the workspace's third dimension).
int groupNormSplits(int64_t n, int groups, int64_t elementsPerGroup);
int launchGroupNormAct(const GroupNormActArgs& args, void* stream);

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
// out = a + b + bias1[c] + bias2[c]
int launchAddBias(const AddBiasArgs& args, void* stream);

}  // namespace symmflow::cuda
