// SPDX-License-Identifier: MIT
#pragma once
// The SymmFlow velocity network: a UNet over the image concatenated with the label
// upsampled to image resolution (flexible conditioning, DESIGN.md §2). It predicts the
// image velocity and a full-resolution label velocity, which is average-pooled back to
// the label's own resolution. LibTorch header: not for ui/.
#include <memory>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "core/model_info.h"

namespace symmflow {

class CudaGraphCache;

// Residual block with GroupNorm/SiLU and scale-shift conditioning on the time embedding.
class ResBlockImpl : public torch::nn::Module {
 public:
  ResBlockImpl(int in, int out, int embDim, float dropout);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& emb);
  // The same in inference form (fused operators, core/fused_ops.h): scale = 1 + and shift =
  // the two halves of embedding()'s output on SiLU(emb), computed by the caller for all blocks
  // at once; (B, out) each, channels dense. Dropout is not applied.
  torch::Tensor forwardFused(const torch::Tensor& x, const torch::Tensor& scale, const torch::Tensor& shift);
  const torch::nn::Linear& embedding() const { return m_emb; }
  int outChannels() const { return static_cast<int>(m_conv1->weight.size(0)); }

 private:
  torch::nn::GroupNorm m_norm1{nullptr}, m_norm2{nullptr};
  torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_skip{nullptr};
  torch::nn::Linear m_emb{nullptr};
  torch::nn::Dropout m_dropout{nullptr};
};
TORCH_MODULE(ResBlock);

// Multi-head self-attention over spatial positions, residual.
class AttentionBlockImpl : public torch::nn::Module {
 public:
  AttentionBlockImpl(int channels, int heads);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor forwardFused(const torch::Tensor& x);  // inference form, as ResBlock's

 private:
  torch::Tensor attend(const torch::Tensor& normed);  // heads' outputs as (B,C,H,W)
  int m_heads;
  torch::nn::GroupNorm m_norm{nullptr};
  torch::nn::Conv2d m_qkv{nullptr}, m_proj{nullptr};
};
TORCH_MODULE(AttentionBlock);

class SymmFlowUNetImpl : public torch::nn::Module {
 public:
  explicit SymmFlowUNetImpl(const ModelConfig& config);
  // x: (B,3,H,W); y: (B,K,h,w) with h,w dividing H,W (1x1 allowed); t: (B) in [0,1].
  // Returns (v_x (B,3,H,W), v_y (B,K,h,w)). In eval mode the blocks run in their inference
  // form (fused operators; the same function up to float rounding, fewer GPU launches).
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x, const torch::Tensor& y,
                                                  const torch::Tensor& t);
  // forward() with x and y in any floating dtype: converted to the parameters' dtype, the
  // velocities converted back to x's and y's (an fp32 sampler state, an fp16 network).
  std::pair<torch::Tensor, torch::Tensor> forwardConverting(const torch::Tensor& x, const torch::Tensor& y,
                                                            const torch::Tensor& t);
  const ModelConfig& config() const { return m_config; }
  // Channels-last memory format for weights and activations (faster convolutions on
  // CPUs with oneDNN); call after moving the module to its device.
  void setChannelsLast(bool on);
  bool channelsLast() const { return m_channelsLast; }
  // Captured CUDA graphs used by velocityOf() for inference on CUDA (core/cuda_graph.h);
  // null (the default) evaluates eagerly.
  void setGraphCache(std::shared_ptr<CudaGraphCache> cache) { m_graphs = std::move(cache); }
  const std::shared_ptr<CudaGraphCache>& graphCache() const { return m_graphs; }
  int64_t parameterCount() const;
  // Multiply-accumulate count x2 of one evaluation at the model's resolution (convs, linears, attention).
  double gflops() const;
  // The same at another image size (a training crop): height and width divisible by 2^(levels-1).
  double gflops(int height, int width) const;

 private:
  // Every ResBlock's (scale, shift) from one matrix product (inference form).
  std::vector<std::pair<torch::Tensor, torch::Tensor>> blockModulations(const torch::Tensor& emb);

  ModelConfig m_config;
  bool m_channelsLast = false;
  torch::Tensor m_modulationOffset;  // 1 on the scale halves, 0 on the shifts (blockModulations)
  std::shared_ptr<CudaGraphCache> m_graphs;
  torch::nn::Sequential m_timeMlp{nullptr};
  torch::nn::Conv2d m_in{nullptr}, m_out{nullptr};
  torch::nn::GroupNorm m_outNorm{nullptr};
  std::vector<ResBlock> m_downBlocks, m_upBlocks;
  std::vector<AttentionBlock> m_downAttn, m_upAttn;  // null holders where a level has none
  std::vector<torch::nn::Conv2d> m_downsample, m_upsample;
  ResBlock m_mid1{nullptr}, m_mid2{nullptr};
  AttentionBlock m_midAttn{nullptr};
};
TORCH_MODULE(SymmFlowUNet);

// Sinusoidal embedding of t in [0,1] (scaled by 1000), (B) -> (B,dim).
torch::Tensor timestepEmbedding(const torch::Tensor& t, int dim);

}  // namespace symmflow
