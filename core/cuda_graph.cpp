// SPDX-License-Identifier: MIT
#include "core/cuda_graph.h"

#include <cstdlib>
#include <map>
#include <tuple>
#include <vector>

#include "core/unet.h"

#ifdef SYMMFLOW_HAVE_CUDA_GRAPHS
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace symmflow {

namespace {
// x shape, y shape, x dtype, y dtype, device
using Key = std::tuple<std::vector<int64_t>, std::vector<int64_t>, int, int, int>;

#ifdef SYMMFLOW_HAVE_CUDA_GRAPHS
struct Captured {
  at::cuda::CUDAGraph graph;
  torch::Tensor x, y, t, vx, vy;  // static input and output buffers of the graph
};
#else
struct Captured {};
#endif
}  // namespace

struct CudaGraphCache::Impl {
  std::map<Key, std::unique_ptr<Captured>> graphs;
  bool disabled = false;
  long replays = 0;
  std::string error;
};

CudaGraphCache::CudaGraphCache() : m_impl(std::make_unique<Impl>()) {}
CudaGraphCache::~CudaGraphCache() = default;

bool CudaGraphCache::compiled() {
#ifdef SYMMFLOW_HAVE_CUDA_GRAPHS
  return true;
#else
  return false;
#endif
}

bool CudaGraphCache::enabled() {
  const char* env = std::getenv("SYMMFLOW_CUDA_GRAPHS");
  return compiled() && !(env && std::string(env) == "0");
}

void CudaGraphCache::reset() { m_impl->graphs.clear(); }
int CudaGraphCache::graphs() const { return static_cast<int>(m_impl->graphs.size()); }
long CudaGraphCache::replays() const { return m_impl->replays; }
std::string CudaGraphCache::lastError() const { return m_impl->error; }

std::pair<torch::Tensor, torch::Tensor> CudaGraphCache::evaluate(SymmFlowUNetImpl& net, const torch::Tensor& x,
                                                                 const torch::Tensor& y, const torch::Tensor& t) {
#ifdef SYMMFLOW_HAVE_CUDA_GRAPHS
  auto& d = *m_impl;
  const bool eligible = !d.disabled && x.is_cuda() && !torch::GradMode::is_enabled();
  if (!eligible) return net.forwardConverting(x, y, t);
  const Key key{x.sizes().vec(), y.sizes().vec(), static_cast<int>(x.scalar_type()), static_cast<int>(y.scalar_type()),
                static_cast<int>(x.get_device())};
  auto it = d.graphs.find(key);
  if (it == d.graphs.end()) {
    try {
      auto c = std::make_unique<Captured>();
      c->x = x.clone();
      c->y = y.clone();
      c->t = t.clone();
      c10::cuda::CUDAGuard deviceGuard(x.device());
      auto side = c10::cuda::getStreamFromPool();
      side.synchronize();
      c10::cuda::getCurrentCUDAStream().synchronize();
      {
        c10::cuda::CUDAStreamGuard streamGuard(side);
        for (int i = 0; i < 2; ++i) (void)net.forwardConverting(c->x, c->y, c->t);  // autotuning happens here
        side.synchronize();
        c->graph.capture_begin();
        std::tie(c->vx, c->vy) = net.forwardConverting(c->x, c->y, c->t);
        c->graph.capture_end();
      }
      side.synchronize();
      it = d.graphs.emplace(key, std::move(c)).first;
    } catch (const c10::Error& e) {
      d.disabled = true;
      d.graphs.clear();
      d.error = std::string("CUDA graph capture failed, evaluating eagerly: ") + e.what_without_backtrace();
      return net.forwardConverting(x, y, t);
    }
  }
  auto& c = *it->second;
  c.x.copy_(x);
  c.y.copy_(y);
  c.t.copy_(t);
  c.graph.replay();
  ++d.replays;
  return {c.vx.clone(), c.vy.clone()};
#else
  return net.forwardConverting(x, y, t);
#endif
}

}  // namespace symmflow
