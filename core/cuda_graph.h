// SPDX-License-Identifier: MIT
#pragma once
// CUDA Graph capture of one network evaluation (issue 6): at batch 1 a GPU spends most of
// an evaluation launching ~1 000 small kernels (camvid: 1 257 leaf operators); a captured
// graph replays them as one launch (H100: 10.3 -> 3.6 ms, docs/PERFORMANCE.md).
//
// Contract
// - A CudaGraphCache belongs to one network (SymmFlowUNetImpl::setGraphCache). For each
//   input shape and dtype it captures the forward pass once (after two warm-up runs on a
//   side stream, so cuDNN autotuning is not captured) and later replays it: inputs are
//   copied into static buffers, outputs are cloned out of the graph's buffers, so callers
//   may hold them across further evaluations (Heun does).
// - Only under torch::InferenceMode / no grad and only for CUDA tensors; anything else, or
//   a capture that fails, evaluates eagerly. A failed capture switches the cache off for
//   good and records why in lastError().
// - Compiled only when CMake found CUDA graphs in the LibTorch build (a CUDA LibTorch that
//   ships ATen/cuda/CUDAGraph.h; it defines SYMMFLOW_HAVE_CUDA_GRAPHS); elsewhere (the
//   Debian CPU build) compiled() is false and evaluate() is plain forward().
// - Weights must not change while a graph exists (reset() after moving or converting
//   the network). Not thread-safe: one caller at a time (the Engine serializes calls).
// LibTorch header: not for ui/.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "core/samplers.h"

namespace symmflow {

class SymmFlowUNetImpl;

class CudaGraphCache {
 public:
  CudaGraphCache();
  ~CudaGraphCache();
  CudaGraphCache(const CudaGraphCache&) = delete;
  CudaGraphCache& operator=(const CudaGraphCache&) = delete;

  static bool compiled();
  // compiled(), unless the environment says SYMMFLOW_CUDA_GRAPHS=0 (to compare with eager).
  static bool enabled();
  // (v_x, v_y) of net at (x, y, t); replayed from a captured graph where possible. x and y
  // may be in another floating dtype than the network's parameters (an fp32 sampler state,
  // an fp16 network): the casts to the network's dtype and back to x's and y's are part of
  // the graph.
  std::pair<torch::Tensor, torch::Tensor> evaluate(SymmFlowUNetImpl& net, const torch::Tensor& x,
                                                   const torch::Tensor& y, const torch::Tensor& t);
  // A whole integration -- every step of `solver` over `grid` from `start`, as integrate()
  // computes it without callback or constraint -- captured once per shape, dtype, solver and
  // grid, then replayed as one graph: no launches from the host between steps (25 steps: about
  // 0.5 ms of the H100's 20 ms). The final state, or nothing where evaluate() would not replay
  // (then the caller integrates step by step). A run cannot be cancelled half-way; callers
  // check their cancel flag before. At most kMaxWholeRuns such graphs are kept (the oldest
  // goes first), since each holds a whole run's buffers; runs of more than
  // kMaxWholeRunEvaluations network evaluations are not captured (their graph would take longer
  // to build than the launches it saves). SYMMFLOW_WHOLE_RUN_GRAPHS=0 in the environment
  // switches whole runs off (to compare).
  static constexpr int kMaxWholeRuns = 4;
  static constexpr int kMaxWholeRunEvaluations = 100;
  std::optional<FlowState> integrateWhole(SymmFlowUNetImpl& net, const FlowState& start,
                                          const std::vector<double>& grid, Solver solver);
  void reset();
  int graphs() const;             // captured graphs held (evaluations and whole runs)
  long replays() const;           // evaluations served by a replay
  long wholeRuns() const;         // integrations served by integrateWhole
  std::string lastError() const;  // why capture was switched off, if it was

  // What a captured evaluation consists of, for benchmarks (issue 6: is an evaluation bound by
  // kernel launches or by the kernels?). Call setInspectable(true) before the capture; the
  // next capture keeps its node list (LibTorch's CUDAGraph debug mode, LibTorch >= 1.14) and
  // anatomy() describes it. Elsewhere available is false and note says why; where it is
  // available, note says why kernels are unnamed, if any are.
  struct Anatomy {
    bool available = false;
    std::string note;
    long kernels = 0, copies = 0, sets = 0, others = 0;  // graph nodes by kind
    long smallGridKernels = 0;                           // kernels of fewer blocks than the GPU has multiprocessors
    std::vector<std::pair<std::string, long>> kernelsByName;  // most frequent first ("?" when unnamed)
  };
  void setInspectable(bool on);
  Anatomy anatomy() const;  // of the latest capture
  // Microseconds per kernel when a graph of n trivial kernels (one-element adds) is replayed
  // on the current GPU: the cost of a launch alone, to compare with an evaluation's time per
  // kernel. Negative without CUDA graphs or a GPU.
  static double trivialKernelMicros(int n);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace symmflow
