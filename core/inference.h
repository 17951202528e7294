// SPDX-License-Identifier: MIT
#pragma once
// Tensor-level inference with a SymmFlow network: generate (t 0->1), segment (t 1->0),
// invert (recording the path) and edit (reusing it outside the changed region). Generate and
// segment without a step callback run as one captured CUDA graph where the network has a
// graph cache (CudaGraphCache::integrateWhole); the cancel flag is then read once, before.
// Used by the Engine facade, by evaluation and by the trainer's validation.
// Call inside torch::InferenceMode. LibTorch header: not for ui/.
#include <atomic>
#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "core/noise.h"
#include "core/samplers.h"
#include "core/unet.h"

namespace symmflow {

// The network as a velocity callable (batch-broadcast t). The state may be fp32 while the
// network runs in half precision: inputs are cast to the weights' type, velocities back.
VelocityFn velocityOf(SymmFlowUNet net);

// Generate: start (xi_x, y) at t=0, integrate the joint ODE to t=1, return the state (x in ~[-1,1]).
// ids: (B,h,w) int64 at the label resolution. Item b uses seed + b.
IntegrateResult generateImages(SymmFlowUNet net, const torch::Tensor& ids, int steps, Solver solver, std::uint64_t seed,
                               const StepCallback& onStep = {}, const std::atomic<bool>* cancel = nullptr);

// Segment: start (x, xi_y) at t=1, integrate to t=0; the label estimate is averaged over
// `draws` noise draws (batched). With `mirror`, each draw is also run on the left-right
// mirrored image and its estimate mirrored back before averaging (twice the work).
// Returns the averaged y0 (B,K,h,w); undefined if cancelled.
torch::Tensor segmentImages(SymmFlowUNet net, const torch::Tensor& x, int64_t labelH, int64_t labelW, int steps,
                            Solver solver, std::uint64_t seed, int draws, bool mirror = false,
                            const StepCallback& onStep = {}, const std::atomic<bool>* cancel = nullptr);

// Invert: segment with one draw, recording the state at every grid point (t from 1 down to 0).
IntegrateResult invertImages(SymmFlowUNet net, const torch::Tensor& x, int64_t labelH, int64_t labelW, int steps,
                             Solver solver, std::uint64_t seed, const StepCallback& onStep = {},
                             const std::atomic<bool>* cancel = nullptr);

// Edit: from the inversion's trajectory (states at t = 1 ... 0, as recorded by invertImages)
// integrate forward from (x_0 (or fresh noise inside the mask), y_edited); after every step
// both parts are blended with the recorded state: s = m s + (1 - m) s_ref, with m the soft
// image mask (B,1,H,W) and its pooled label-resolution version. Where m == 0 the result is
// the recorded state exactly, so the final image equals the inverted photo there.
IntegrateResult editImages(SymmFlowUNet net, const std::vector<FlowState>& inversionTrajectory,
                           const torch::Tensor& editedIds, const torch::Tensor& mask, Solver solver,
                           const torch::Tensor& freshNoise, const StepCallback& onStep = {},
                           const std::atomic<bool>* cancel = nullptr);

// x in [-1,1] (B,3,H,W) -> uint8 (B,H,W,3) on the CPU.
torch::Tensor imagesToBytes(const torch::Tensor& x);

}  // namespace symmflow
