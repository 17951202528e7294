// SPDX-License-Identifier: MIT
#include "core/flow.h"

#include <sstream>

#include "core/label_space.h"

namespace symmflow {
namespace F = torch::nn::functional;

std::string TimeSampling::toString() const {
  std::ostringstream s;
  if (kind == Kind::Uniform)
    s << "uniform";
  else
    s << "logit_normal:" << mean << ":" << std;
  s << "+end:" << pEnd;
  return s.str();
}

Result<TimeSampling> TimeSampling::parse(const std::string& text) {
  TimeSampling ts;
  std::string head = text, tail;
  if (auto p = text.find("+end:"); p != std::string::npos) {
    head = text.substr(0, p);
    tail = text.substr(p + 5);
  }
  try {
    if (head == "uniform")
      ts.kind = Kind::Uniform;
    else if (head.rfind("logit_normal", 0) == 0) {
      ts.kind = Kind::LogitNormal;
      auto a = head.find(':');
      if (a != std::string::npos) {
        auto b = head.find(':', a + 1);
        ts.mean = std::stod(head.substr(a + 1, b - a - 1));
        if (b != std::string::npos) ts.std = std::stod(head.substr(b + 1));
      }
    } else {
      return Error{"unknown time sampling '" + text + "' (use uniform or logit_normal:MEAN:STD, optionally +end:P)"};
    }
    ts.pEnd = tail.empty() ? (text.find("+end:") == std::string::npos ? ts.pEnd : 0.0) : std::stod(tail);
  } catch (const std::exception&) {
    return Error{"cannot read the numbers in time sampling '" + text + "'"};
  }
  if (ts.pEnd < 0 || ts.pEnd > 1 || ts.std <= 0) return Error{"time sampling '" + text + "' is out of range"};
  return ts;
}

FlowPaths makePaths(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& xiX, const torch::Tensor& xiY,
                    const torch::Tensor& t) {
  auto tv = t.view({-1, 1, 1, 1}).to(x.scalar_type());
  FlowPaths p;
  p.xt = (1 - tv) * xiX + tv * x;
  p.vx = x - xiX;
  p.yt = (1 - tv) * y + tv * xiY;
  p.vy = xiY - y;
  return p;
}

torch::Tensor oneStepLabels(const torch::Tensor& yt, const torch::Tensor& vy, const torch::Tensor& t) {
  return yt - t.view({-1, 1, 1, 1}).to(yt.scalar_type()) * vy;
}

torch::Tensor sampleTimes(int64_t batch, const TimeSampling& s, const torch::Device& device) {
  auto opts = torch::TensorOptions().device(device).dtype(torch::kFloat);
  torch::Tensor t = s.kind == TimeSampling::Kind::Uniform
                        ? torch::rand({batch}, opts)
                        : torch::sigmoid(torch::randn({batch}, opts) * s.std + s.mean);
  if (s.pEnd > 0) t = torch::where(torch::rand({batch}, opts) < s.pEnd, torch::ones_like(t), t);
  return t;
}

FlowLoss symmflowLoss(SymmFlowUNet& net, const torch::Tensor& x, const torch::Tensor& ids, const FlowLossOptions& o) {
  const int K = net->config().numClasses;
  const auto B = x.size(0);
  auto y = encodeLabels(ids, K);
  if (o.beta > 0) y = y + (torch::rand_like(y) - 0.5) * o.beta;
  auto t = sampleTimes(B, o.time, x.device());
  auto paths = makePaths(x, y, torch::randn_like(x), torch::randn_like(y), t);
  auto [vxHat, vyHat] = net->forward(paths.xt, paths.yt, t);
  vxHat = vxHat.to(torch::kFloat);
  vyHat = vyHat.to(torch::kFloat);

  auto valid = (ids >= 0) & (ids < K);
  if (o.ignoreIndex >= 0) valid = valid & (ids != o.ignoreIndex);
  auto validF = valid.to(torch::kFloat).unsqueeze(1);
  const auto nValid = validF.sum().clamp_min(1.0);

  auto lx = (vxHat - paths.vx).pow(2).mean();
  auto ly = ((vyHat - paths.vy).pow(2) * validF).sum() / (nValid * K);
  torch::Tensor lsem = torch::zeros({}, x.options().dtype(torch::kFloat));
  if (o.mu > 0) {
    auto logits = oneStepLabels(paths.yt, vyHat, t) * o.tau;
    auto target = torch::where(valid, ids, torch::full_like(ids, -100)).to(torch::kLong);
    auto opts = F::CrossEntropyFuncOptions().ignore_index(-100).reduction(torch::kNone);
    torch::Tensor w = o.classWeights.defined() ? o.classWeights.to(x.device()).to(torch::kFloat)
                                               : torch::ones({K}, x.options().dtype(torch::kFloat));
    opts = opts.weight(w);
    // Sum over valid pixels divided by their total weight; no host sync when none is valid.
    auto perPixel = F::cross_entropy(logits.to(torch::kFloat), target, opts);
    auto denom =
        (w.index_select(0, torch::where(valid, ids, torch::zeros_like(ids)).to(torch::kLong).flatten()).view_as(ids) *
         valid.to(torch::kFloat))
            .sum();
    lsem = perPixel.sum() / denom.clamp_min(1e-6);
  }
  FlowLoss out;
  out.total = o.lambda * lx + (1 - o.lambda) * ly + o.mu * lsem;
  out.lx = lx.detach();
  out.ly = ly.detach();
  out.lsem = lsem.detach();
  return out;
}

}  // namespace symmflow
