// SPDX-License-Identifier: MIT
#include "core/unet.h"

#include <algorithm>
#include <cmath>

#include "core/fused_ops.h"
#include "core/label_space.h"

namespace symmflow {
namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace {
int groupsFor(int channels) {
  for (int g : {32, 16, 8, 4, 2})
    if (channels % g == 0 && channels / g >= 4) return g;
  return 1;
}
nn::Conv2d conv(int in, int out, int k, int stride = 1) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2));
}
// The convolution without its bias (a fused operator adds it).
torch::Tensor convNoBias(const nn::Conv2d& c, const torch::Tensor& x) {
  const auto k = c->weight.size(2);
  return torch::conv2d(x, c->weight, {}, c->options.stride(), k / 2);
}
torch::Tensor normAct(const nn::GroupNorm& n, const torch::Tensor& x, bool silu, const torch::Tensor& bias = {},
                      const torch::Tensor& scale = {}, const torch::Tensor& shift = {}) {
  return groupNormAct(x, static_cast<int>(n->options.num_groups()), n->weight, n->bias, n->options.eps(), bias, scale,
                      shift, silu);
}
void zeroInit(nn::Conv2d& c) {
  torch::NoGradGuard g;
  c->weight.zero_();
  if (c->bias.defined()) c->bias.zero_();
}
}  // namespace

torch::Tensor timestepEmbedding(const torch::Tensor& t, int dim) {
  const int half = dim / 2;
  auto freqs = torch::exp(-std::log(10000.0) * torch::arange(half, t.options().dtype(torch::kFloat)) / half);
  auto args = (t.to(torch::kFloat) * 1000.0).unsqueeze(1) * freqs.unsqueeze(0);
  return torch::cat({torch::cos(args), torch::sin(args)}, 1);
}

ResBlockImpl::ResBlockImpl(int in, int out, int embDim, float dropout) {
  m_norm1 = register_module("norm1", nn::GroupNorm(groupsFor(in), in));
  m_conv1 = register_module("conv1", conv(in, out, 3));
  m_emb = register_module("emb", nn::Linear(embDim, 2 * out));
  m_norm2 = register_module("norm2", nn::GroupNorm(groupsFor(out), out));
  m_dropout = register_module("dropout", nn::Dropout(dropout));
  m_conv2 = register_module("conv2", conv(out, out, 3));
  zeroInit(m_conv2);
  if (in != out) m_skip = register_module("skip", conv(in, out, 1));
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& emb) {
  auto h = m_conv1(F::silu(m_norm1(x)));
  auto ss = m_emb(F::silu(emb)).unsqueeze(-1).unsqueeze(-1).chunk(2, 1);
  h = m_norm2(h) * (1 + ss[0]) + ss[1];
  h = m_conv2(m_dropout(F::silu(h)));
  return (m_skip ? m_skip(x) : x) + h;
}

torch::Tensor ResBlockImpl::forwardFused(const torch::Tensor& x, const torch::Tensor& scale,
                                         const torch::Tensor& shift) {
  auto h = convNoBias(m_conv1, normAct(m_norm1, x, true));
  h = convNoBias(m_conv2, normAct(m_norm2, h, true, m_conv1->bias, scale, shift));
  if (m_skip) return addWithBias(convNoBias(m_skip, x), h, m_skip->bias, m_conv2->bias);
  return addWithBias(x, h, m_conv2->bias);
}

AttentionBlockImpl::AttentionBlockImpl(int channels, int heads) : m_heads(heads) {
  while (channels % m_heads != 0) --m_heads;
  m_norm = register_module("norm", nn::GroupNorm(groupsFor(channels), channels));
  m_qkv = register_module("qkv", conv(channels, 3 * channels, 1));
  m_proj = register_module("proj", conv(channels, channels, 1));
  zeroInit(m_proj);
}

torch::Tensor AttentionBlockImpl::forward(const torch::Tensor& x) { return x + m_proj(attend(m_norm(x))); }

torch::Tensor AttentionBlockImpl::forwardFused(const torch::Tensor& x) {
  return addWithBias(x, convNoBias(m_proj, attend(normAct(m_norm, x, false))), m_proj->bias);
}

torch::Tensor AttentionBlockImpl::attend(const torch::Tensor& normed) {
  const auto B = normed.size(0), C = normed.size(1), H = normed.size(2), W = normed.size(3);
  const auto d = C / m_heads;
  auto qkv = m_qkv->forward(normed).reshape({B, 3, m_heads, d, H * W});
  auto q = qkv.select(1, 0).transpose(-1, -2);  // B,h,N,d
  auto k = qkv.select(1, 1).transpose(-1, -2);
  auto v = qkv.select(1, 2).transpose(-1, -2);
#if defined(TORCH_VERSION_MAJOR) && TORCH_VERSION_MAJOR >= 2
  auto o = at::scaled_dot_product_attention(q, k, v);
#else
  // Scaling q (N x d) instead of the scores (N x N): one small multiplication. The scores are
  // computed for a block of queries at a time, about 2^20 of them (4 MB, in cache), since a
  // softmax over all N x N scores is bound by memory: at 36x48 positions, 4 heads, 48 MB of
  // scores took 50 ms of a 117 ms evaluation on a 2-core Xeon. Row blocks give the same result.
  q = q * (1.0 / std::sqrt(static_cast<double>(d)));
  const auto kt = k.transpose(-1, -2);
  const int64_t N = H * W, rows = std::max<int64_t>(64, (int64_t{1} << 20) / std::max<int64_t>(1, B * m_heads * N));
  std::vector<torch::Tensor> blocks;
  for (int64_t r0 = 0; r0 < N; r0 += rows) {
    const auto qb = q.narrow(2, r0, std::min(rows, N - r0));
    blocks.push_back(torch::matmul(torch::softmax(torch::matmul(qb, kt), -1), v));
  }
  auto o = blocks.size() == 1 ? blocks.front() : torch::cat(blocks, 2);
#endif
  return o.transpose(-1, -2).reshape({B, C, H, W});
}

SymmFlowUNetImpl::SymmFlowUNetImpl(const ModelConfig& config) : m_config(config) {
  const int K = config.numClasses;
  const int base = config.baseChannels;
  const int emb = base * 4;
  const int L = config.levels();
  auto hasAttn = [&](int level) {
    return std::find(config.attentionLevels.begin(), config.attentionLevels.end(), level) !=
           config.attentionLevels.end();
  };
  m_timeMlp = register_module("time_mlp", nn::Sequential(nn::Linear(base, emb), nn::SiLU(), nn::Linear(emb, emb)));
  m_in = register_module("conv_in", conv(3 + K, base, 3));

  // Skip connections: every encoder block's output, and (unless lean) conv_in's and every
  // downsampling's (ModelConfig::leanDecoder).
  const bool lean = config.leanDecoder;
  std::vector<int> skipChannels;
  if (!lean) skipChannels.push_back(base);
  int ch = base;
  for (int l = 0; l < L; ++l) {
    const int out = base * config.channelMult[l];
    for (int b = 0; b < config.numResBlocks; ++b) {
      const std::string id = std::to_string(l) + "_" + std::to_string(b);
      m_downBlocks.push_back(register_module("down" + id, ResBlock(ch, out, emb, config.dropout)));
      m_downAttn.push_back(hasAttn(l) ? register_module("down_attn" + id, AttentionBlock(out, config.attentionHeads))
                                      : AttentionBlock(nullptr));
      ch = out;
      skipChannels.push_back(ch);
    }
    if (l + 1 < L) {
      m_downsample.push_back(register_module("downsample" + std::to_string(l), conv(ch, ch, 3, 2)));
      if (!lean) skipChannels.push_back(ch);
    }
  }
  m_mid1 = register_module("mid1", ResBlock(ch, ch, emb, config.dropout));
  m_midAttn = register_module("mid_attn", AttentionBlock(ch, config.attentionHeads));
  m_mid2 = register_module("mid2", ResBlock(ch, ch, emb, config.dropout));

  for (int l = L - 1; l >= 0; --l) {
    const int out = base * config.channelMult[l];
    for (int b = 0; b < config.decoderBlocks(); ++b) {
      const std::string id = std::to_string(l) + "_" + std::to_string(b);
      const int skip = skipChannels.back();
      skipChannels.pop_back();
      m_upBlocks.push_back(register_module("up" + id, ResBlock(ch + skip, out, emb, config.dropout)));
      m_upAttn.push_back(hasAttn(l) ? register_module("up_attn" + id, AttentionBlock(out, config.attentionHeads))
                                    : AttentionBlock(nullptr));
      ch = out;
    }
    if (l > 0) m_upsample.push_back(register_module("upsample" + std::to_string(l), conv(ch, ch, 3)));
  }
  m_outNorm = register_module("norm_out", nn::GroupNorm(groupsFor(ch), ch));
  m_out = register_module("conv_out", conv(ch, 3 + K, 3));
  zeroInit(m_out);
}

std::vector<std::pair<torch::Tensor, torch::Tensor>> SymmFlowUNetImpl::blockModulations(const torch::Tensor& emb) {
  std::vector<const ResBlockImpl*> blocks;
  for (const auto& b : m_downBlocks) blocks.push_back(b.get());
  blocks.push_back(m_mid1.get());
  blocks.push_back(m_mid2.get());
  for (const auto& b : m_upBlocks) blocks.push_back(b.get());
  std::vector<torch::Tensor> weights, biases;
  std::vector<int64_t> offsets;
  int64_t total = 0;
  for (const auto* b : blocks) {
    weights.push_back(b->embedding()->weight);
    biases.push_back(b->embedding()->bias);
    offsets.push_back(total);
    total += 2 * b->outChannels();
  }
  const auto& bias0 = biases.front();
  if (!m_modulationOffset.defined() || m_modulationOffset.device() != bias0.device() ||
      m_modulationOffset.scalar_type() != bias0.scalar_type()) {
    const c10::InferenceMode normalTensor(false);  // usable in and out of inference mode
    const torch::NoGradGuard noGrad;
    auto offset = torch::zeros({total}, bias0.options().requires_grad(false));
    for (size_t i = 0; i < blocks.size(); ++i) offset.narrow(0, offsets[i], blocks[i]->outChannels()).fill_(1.0);
    m_modulationOffset = offset;
  }
  // One product for all blocks: (B, sum of 2*out), the scale halves already 1 + scale.
  auto all = torch::addmm(torch::cat(biases) + m_modulationOffset, F::silu(emb), torch::cat(weights).t());
  std::vector<std::pair<torch::Tensor, torch::Tensor>> out;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const int c = blocks[i]->outChannels();
    out.emplace_back(all.narrow(1, offsets[i], c), all.narrow(1, offsets[i] + c, c));
  }
  return out;
}

std::pair<torch::Tensor, torch::Tensor> SymmFlowUNetImpl::forward(const torch::Tensor& x, const torch::Tensor& y,
                                                                  const torch::Tensor& t) {
  const auto H = x.size(2), W = x.size(3);
  const auto h = y.size(2), w = y.size(3);
  const int L = m_config.levels();
  auto emb = m_timeMlp->forward(timestepEmbedding(t, m_config.baseChannels).to(x.scalar_type()));
  // Inference form in eval mode: every block's modulation at once, fused operators.
  const bool fused = !is_training();
  const auto modulations = fused ? blockModulations(emb) : std::vector<std::pair<torch::Tensor, torch::Tensor>>{};
  size_t mi = 0;
  auto res = [&](ResBlock& block, const torch::Tensor& in) {
    if (!fused) return block(in, emb);
    const auto& m = modulations.at(mi++);
    return block->forwardFused(in, m.first, m.second);
  };
  auto attn = [&](AttentionBlock& block, const torch::Tensor& in) {
    return fused ? block->forwardFused(in) : block(in);
  };
  auto input = torch::cat({x, upsampleLabels(y, H, W).to(x.scalar_type())}, 1);
  if (m_channelsLast) input = input.contiguous(torch::MemoryFormat::ChannelsLast);
  auto hcur = m_in(input);
  const bool lean = m_config.leanDecoder;
  std::vector<torch::Tensor> skips;
  if (!lean) skips.push_back(hcur);
  size_t bi = 0, di = 0;
  for (int l = 0; l < L; ++l) {
    for (int b = 0; b < m_config.numResBlocks; ++b, ++bi) {
      hcur = res(m_downBlocks[bi], hcur);
      if (m_downAttn[bi]) hcur = attn(m_downAttn[bi], hcur);
      skips.push_back(hcur);
    }
    if (l + 1 < L) {
      hcur = m_downsample[di++](hcur);
      if (!lean) skips.push_back(hcur);
    }
  }
  hcur = res(m_mid1, hcur);
  hcur = res(m_mid2, attn(m_midAttn, hcur));
  size_t ui = 0, usi = 0;
  for (int l = L - 1; l >= 0; --l) {
    for (int b = 0; b < m_config.decoderBlocks(); ++b, ++ui) {
      hcur = res(m_upBlocks[ui], torch::cat({hcur, skips.back()}, 1));
      skips.pop_back();
      if (m_upAttn[ui]) hcur = attn(m_upAttn[ui], hcur);
    }
    if (l > 0) {
      hcur = F::interpolate(
          hcur, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest));
      hcur = m_upsample[usi++](hcur);
    }
  }
  auto out = m_out(fused ? normAct(m_outNorm, hcur, true) : F::silu(m_outNorm(hcur)));
  auto vx = out.narrow(1, 0, 3);
  auto vy = poolLabels(out.narrow(1, 3, m_config.numClasses), h, w);
  return {vx, vy};
}

std::pair<torch::Tensor, torch::Tensor> SymmFlowUNetImpl::forwardConverting(const torch::Tensor& x,
                                                                            const torch::Tensor& y,
                                                                            const torch::Tensor& t) {
  const auto weights = m_in->weight.scalar_type();
  auto [vx, vy] = forward(x.to(weights), y.to(weights), t);
  return {vx.to(x.scalar_type()), vy.to(y.scalar_type())};
}

void SymmFlowUNetImpl::setChannelsLast(bool on) {
  torch::NoGradGuard g;
  const auto fmt = on ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
  for (auto& p : parameters())
    if (p.dim() == 4) p.set_data(p.contiguous(fmt));
  m_channelsLast = on;
}

int64_t SymmFlowUNetImpl::parameterCount() const {
  int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

double SymmFlowUNetImpl::gflops() const { return gflops(m_config.imageHeight, m_config.imageWidth); }

double SymmFlowUNetImpl::gflops(int height, int width) const {
  // Count by running shapes through the network's convolutions analytically.
  const auto& c = m_config;
  const int K = c.numClasses, base = c.baseChannels, L = c.levels();
  double macs = 0;
  auto convMacs = [&](int in, int out, int k, double pixels) {
    macs += static_cast<double>(in) * out * k * k * pixels;
  };
  auto resMacs = [&](int in, int out, double px) {
    convMacs(in, out, 3, px);
    convMacs(out, out, 3, px);
    if (in != out) convMacs(in, out, 1, px);
  };
  auto attnMacs = [&](int ch, double px) {
    convMacs(ch, 3 * ch, 1, px);
    convMacs(ch, ch, 1, px);
    macs += 2.0 * px * px * ch;
  };
  auto hasAttn = [&](int l) {
    return std::find(c.attentionLevels.begin(), c.attentionLevels.end(), l) != c.attentionLevels.end();
  };
  double px = static_cast<double>(height) * width;
  convMacs(3 + K, base, 3, px);
  std::vector<int> skips;
  if (!c.leanDecoder) skips.push_back(base);
  int ch = base;
  for (int l = 0; l < L; ++l) {
    const double p = px / std::pow(4.0, l);
    const int out = base * c.channelMult[l];
    for (int b = 0; b < c.numResBlocks; ++b) {
      resMacs(ch, out, p);
      if (hasAttn(l)) attnMacs(out, p);
      ch = out;
      skips.push_back(ch);
    }
    if (l + 1 < L) {
      convMacs(ch, ch, 3, p / 4);
      if (!c.leanDecoder) skips.push_back(ch);
    }
  }
  const double pMid = px / std::pow(4.0, L - 1);
  resMacs(ch, ch, pMid);
  attnMacs(ch, pMid);
  resMacs(ch, ch, pMid);
  for (int l = L - 1; l >= 0; --l) {
    const double p = px / std::pow(4.0, l);
    const int out = base * c.channelMult[l];
    for (int b = 0; b < c.decoderBlocks(); ++b) {
      resMacs(ch + skips.back(), out, p);
      skips.pop_back();
      if (hasAttn(l)) attnMacs(out, p);
      ch = out;
    }
    if (l > 0) convMacs(ch, ch, 3, px / std::pow(4.0, l - 1));
  }
  convMacs(ch, 3 + K, 3, px);
  return 2.0 * macs / 1e9;
}

}  // namespace symmflow
