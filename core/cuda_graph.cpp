// SPDX-License-Identifier: MIT
#include "core/cuda_graph.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iterator>
#include <map>
#include <tuple>
#include <vector>

#include "core/error_text.h"
#include "core/unet.h"

#ifdef SYMMFLOW_HAVE_CUDA_GRAPHS
#include <cuda.h>  // driver types: the names of the kernels cuDNN and cuBLAS load
#include <cuda_runtime_api.h>
#include <cxxabi.h>

#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace symmflow {

namespace {
// x shape, y shape, x dtype, y dtype, device
using Key = std::tuple<std::vector<int64_t>, std::vector<int64_t>, int, int, int>;

#ifdef SYMMFLOW_HAVE_CUDA_GRAPHS
// LibTorch's CUDAGraph frees its cudaGraph_t (a protected member) once instantiated, unless
// debug mode is on; this gives read access to it for CudaGraphCache::anatomy().
struct InspectableGraph : at::cuda::CUDAGraph {
  cudaGraph_t raw() const { return graph_; }
};

// enable_debug_mode() where this LibTorch has it (not in 1.13): true when the graph is kept.
template <class G>
auto keepGraph(G& g, int) -> decltype(g.enable_debug_mode(), bool()) {
  g.enable_debug_mode();
  return true;
}
template <class G>
bool keepGraph(G&, long) {
  return false;
}

struct Captured {
  InspectableGraph graph;
  torch::Tensor x, y, t, vx, vy;  // static input and output buffers of the graph
};

// A captured integration: the start state's buffers in, the final state's out.
struct CapturedRun {
  at::cuda::CUDAGraph graph;
  torch::Tensor x, y, outX, outY;
};

// Captures what `body` launches on the current stream into `graph`. Should `body` throw, the
// capture is ended before the exception goes on: a stream left capturing would make every later
// allocation and synchronisation fail (LibTorch's CUDAGraph does not end it), so the eager
// fallback of the caller could not run.
template <class G, class F>
void captureInto(G& graph, F&& body) {
  graph.capture_begin();
  try {
    body();
  } catch (...) {
    try {
      graph.capture_end();
    } catch (...) {
      // An invalidated capture: end it on the stream directly; its graph is discarded.
      const cudaStream_t stream = c10::cuda::getCurrentCUDAStream().stream();
      cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
      if (cudaStreamIsCapturing(stream, &status) == cudaSuccess && status != cudaStreamCaptureStatusNone) {
        cudaGraph_t discarded = nullptr;
        if (cudaStreamEndCapture(stream, &discarded) == cudaSuccess && discarded) cudaGraphDestroy(discarded);
      }
    }
    (void)cudaGetLastError();
    throw;
  }
  graph.capture_end();
}

// A driver function looked up through the runtime, so that nothing links libcuda itself
// (nullptr when this driver lacks it).
template <class F>
F driverFunction(const char* symbol) {
  void* fn = nullptr;
#if CUDART_VERSION >= 12050
  cudaDriverEntryPointQueryResult found{};
  if (cudaGetDriverEntryPointByVersion(symbol, &fn, 12030, cudaEnableDefault, &found) != cudaSuccess ||
      found != cudaDriverEntryPointSuccess)
    fn = nullptr;
#else
  (void)symbol;
#endif
  (void)cudaGetLastError();
  return reinterpret_cast<F>(fn);
}

// A name without its arguments, template arguments and anonymous namespaces.
std::string readableKernelName(const char* raw) {
  std::string out = raw;
  int status = 0;
  if (char* d = abi::__cxa_demangle(raw, nullptr, nullptr, &status)) {
    if (status == 0) out = d;
    std::free(d);
  }
  if (out.rfind("void ", 0) == 0) out = out.substr(5);
  const std::string anonymous = "(anonymous namespace)::";
  for (auto at = out.find(anonymous); at != std::string::npos; at = out.find(anonymous, at))
    out.erase(at, anonymous.size());
  out = out.substr(0, std::min({out.find('<'), out.find('('), size_t{96}}));
  return out.empty() ? "?" : out;
}

// A kernel node as the anatomy counts it. The runtime describes the kernels registered by this
// program and LibTorch; those that cuDNN and cuBLAS load as modules only the driver can
// (the runtime's cudaGraphKernelNodeGetParams fails on them).
struct KernelNode {
  std::string name = "?";
  long blocks = -1;                      // -1: unknown
  const char* unnamedBecause = nullptr;  // why name is "?"
};

KernelNode describeKernel(cudaGraphNode_t node) {
  KernelNode k;
  const char* name = nullptr;
  cudaKernelNodeParams p{};
  if (cudaGraphKernelNodeGetParams(node, &p) == cudaSuccess) {
    k.blocks = static_cast<long>(p.gridDim.x) * p.gridDim.y * p.gridDim.z;
#if CUDART_VERSION >= 12030
    if (p.func && cudaFuncGetName(&name, p.func) != cudaSuccess) name = nullptr;
#endif
  }
  (void)cudaGetLastError();
#if CUDART_VERSION >= 12050
  if (!name) {
    using GetParams = CUresult (*)(CUgraphNode, CUDA_KERNEL_NODE_PARAMS*);
    using FuncName = CUresult (*)(const char**, CUfunction);
    using KernelName = CUresult (*)(const char**, CUkernel);
    static const auto getParams = driverFunction<GetParams>("cuGraphKernelNodeGetParams");
    static const auto funcName = driverFunction<FuncName>("cuFuncGetName");
    static const auto kernName = driverFunction<KernelName>("cuKernelGetName");
    CUDA_KERNEL_NODE_PARAMS d{};
    if (!getParams) {
      k.unnamedBecause = "the driver has no cuGraphKernelNodeGetParams";
    } else if (getParams(reinterpret_cast<CUgraphNode>(node), &d) != CUDA_SUCCESS) {
      k.unnamedBecause = "cuGraphKernelNodeGetParams failed";
    } else {
      if (k.blocks < 0) k.blocks = static_cast<long>(d.gridDimX) * d.gridDimY * d.gridDimZ;
      if (d.func && funcName && funcName(&name, d.func) != CUDA_SUCCESS) name = nullptr;
      if (!name && d.kern && kernName && kernName(&name, d.kern) != CUDA_SUCCESS) name = nullptr;
      if (!name) k.unnamedBecause = "the driver gives no name";
    }
  }
#else
  if (!name) k.unnamedBecause = "this CUDA runtime (before 12.5) cannot ask the driver";
#endif
  if (name) k.name = readableKernelName(name);
  return k;
}

CudaGraphCache::Anatomy inspect(cudaGraph_t graph) {
  CudaGraphCache::Anatomy a;
  size_t n = 0;
  if (cudaGraphGetNodes(graph, nullptr, &n) != cudaSuccess) {
    (void)cudaGetLastError();
    a.note = "cudaGraphGetNodes failed";
    return a;
  }
  std::vector<cudaGraphNode_t> nodes(n);
  (void)cudaGraphGetNodes(graph, nodes.data(), &n);
  const long sms = at::cuda::getCurrentDeviceProperties()->multiProcessorCount;
  std::map<std::string, long> byName, unnamed;
  for (size_t i = 0; i < n; ++i) {
    cudaGraphNodeType type{};
    if (cudaGraphNodeGetType(nodes[i], &type) != cudaSuccess) {
      ++a.others;
      continue;
    }
    if (type == cudaGraphNodeTypeKernel) {
      ++a.kernels;
      const auto k = describeKernel(nodes[i]);
      if (k.blocks >= 0 && k.blocks < sms) ++a.smallGridKernels;
      ++byName[k.name];
      if (k.unnamedBecause) ++unnamed[k.unnamedBecause];
    } else if (type == cudaGraphNodeTypeMemcpy) {
      ++a.copies;
    } else if (type == cudaGraphNodeTypeMemset) {
      ++a.sets;
    } else {
      ++a.others;
    }
  }
  (void)cudaGetLastError();  // a name lookup that failed must not surface at the next launch check
  for (const auto& [why, count] : unnamed)
    a.note += (a.note.empty() ? "unnamed kernels: " : "; ") + std::to_string(count) + " because " + why;
  a.kernelsByName.assign(byName.begin(), byName.end());
  std::stable_sort(a.kernelsByName.begin(), a.kernelsByName.end(),
                   [](const auto& l, const auto& r) { return l.second > r.second; });
  a.available = true;
  return a;
}
#else
struct Captured {};
struct CapturedRun {};
#endif

// Key of an integration: the evaluation's key, the solver and the time grid.
using RunKey = std::tuple<Key, int, std::vector<double>>;
}  // namespace

struct CudaGraphCache::Impl {
  std::map<Key, std::unique_ptr<Captured>> graphs;
  std::vector<std::pair<RunKey, std::unique_ptr<CapturedRun>>> runs;  // oldest first
  long wholeRuns = 0;
  bool runsDisabled = false;  // a whole run failed to capture; evaluations may still replay
  bool disabled = false;
  bool inspectable = false;
  long replays = 0;
  std::string error;
  Anatomy anatomy;
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

void CudaGraphCache::reset() {
  m_impl->graphs.clear();
  m_impl->runs.clear();
}
int CudaGraphCache::graphs() const { return static_cast<int>(m_impl->graphs.size() + m_impl->runs.size()); }
long CudaGraphCache::replays() const { return m_impl->replays; }
long CudaGraphCache::wholeRuns() const { return m_impl->wholeRuns; }
std::string CudaGraphCache::lastError() const { return m_impl->error; }
void CudaGraphCache::setInspectable(bool on) { m_impl->inspectable = on; }

CudaGraphCache::Anatomy CudaGraphCache::anatomy() const {
  Anatomy a = m_impl->anatomy;
  if (!a.available && a.note.empty()) {
    a.note = !compiled()            ? "CUDA graphs are not compiled in"
             : !m_impl->inspectable ? "setInspectable(true) was not called before the capture"
                                    : "no graph captured";
  }
  return a;
}

double CudaGraphCache::trivialKernelMicros(int n) {
#ifdef SYMMFLOW_HAVE_CUDA_GRAPHS
  if (n < 1 || !torch::cuda::is_available()) return -1.0;
  torch::NoGradGuard noGrad;
  auto a = torch::zeros({1}, torch::TensorOptions().device(torch::kCUDA));
  at::cuda::CUDAGraph graph;
  auto side = c10::cuda::getStreamFromPool();
  c10::cuda::getCurrentCUDAStream().synchronize();
  {
    c10::cuda::CUDAStreamGuard streamGuard(side);
    a.add_(1);
    side.synchronize();
    graph.capture_begin();
    for (int i = 0; i < n; ++i) a.add_(1);
    graph.capture_end();
    side.synchronize();
  }
  auto stream = c10::cuda::getCurrentCUDAStream();
  std::vector<double> us;
  for (int rep = 0; rep < 12; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    graph.replay();
    stream.synchronize();
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(us.begin() + 2, us.end());  // the first two replays warm up
  return us[2 + (us.size() - 2) / 2] / n;
#else
  (void)n;
  return -1.0;
#endif
}

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
        const bool kept = d.inspectable && keepGraph(c->graph, 0);
        captureInto(c->graph, [&] { std::tie(c->vx, c->vy) = net.forwardConverting(c->x, c->y, c->t); });
        if (d.inspectable) {
          d.anatomy = kept && c->graph.raw() ? inspect(c->graph.raw()) : Anatomy{};
          if (!kept) d.anatomy.note = "this LibTorch's CUDAGraph has no debug mode to keep the graph";
        }
      }
      side.synchronize();
      it = d.graphs.emplace(key, std::move(c)).first;
    } catch (const std::exception& e) {
      d.disabled = true;
      d.graphs.clear();
      d.error = "CUDA graph capture failed, evaluating eagerly: " + errorText(e);
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

std::optional<FlowState> CudaGraphCache::integrateWhole(SymmFlowUNetImpl& net, const FlowState& start,
                                                        const std::vector<double>& grid, Solver solver) {
#ifdef SYMMFLOW_HAVE_CUDA_GRAPHS
  auto& d = *m_impl;
  const auto& x = start.x;
  const auto& y = start.y;
  static const bool off = [] {
    const char* env = std::getenv("SYMMFLOW_WHOLE_RUN_GRAPHS");
    return env && std::string(env) == "0";
  }();
  const auto evaluations = static_cast<long>(grid.size() - 1) * (solver == Solver::Heun ? 2 : 1);
  if (off || d.disabled || d.runsDisabled || !x.is_cuda() || torch::GradMode::is_enabled() || grid.size() < 2 ||
      evaluations > kMaxWholeRunEvaluations)
    return std::nullopt;
  const RunKey key{Key{x.sizes().vec(), y.sizes().vec(), static_cast<int>(x.scalar_type()),
                       static_cast<int>(y.scalar_type()), static_cast<int>(x.get_device())},
                   static_cast<int>(solver), grid};
  auto it = std::find_if(d.runs.begin(), d.runs.end(), [&](const auto& r) { return r.first == key; });
  if (it == d.runs.end()) {
    try {
      auto c = std::make_unique<CapturedRun>();
      c->x = x.clone();
      c->y = y.clone();
      // The network evaluated eagerly inside the capture (a graph cannot be replayed while
      // another is captured); the same operations as a replayed evaluation.
      const VelocityFn eager = [&net](const torch::Tensor& xs, const torch::Tensor& ys, double t) {
        return net.forwardConverting(xs, ys, torch::full({xs.size(0)}, t, xs.options().dtype(torch::kFloat)));
      };
      c10::cuda::CUDAGuard deviceGuard(x.device());
      auto side = c10::cuda::getStreamFromPool();
      side.synchronize();
      c10::cuda::getCurrentCUDAStream().synchronize();
      {
        c10::cuda::CUDAStreamGuard streamGuard(side);
        (void)eager(c->x, c->y, grid.front());  // cuDNN's autotuning happens here, not in the graph
        side.synchronize();
        captureInto(c->graph, [&] {
          auto r = integrate(eager, FlowState{c->x, c->y}, grid, solver);
          c->outX = r.state.x;
          c->outY = r.state.y;
        });
      }
      side.synchronize();
      if (static_cast<int>(d.runs.size()) >= kMaxWholeRuns) d.runs.erase(d.runs.begin());
      d.runs.emplace_back(key, std::move(c));
      it = std::prev(d.runs.end());
    } catch (const std::exception& e) {
      d.runsDisabled = true;
      d.runs.clear();
      d.error = "CUDA graph capture of a whole run failed, integrating step by step: " + errorText(e);
      return std::nullopt;
    }
  }
  auto& c = *it->second;
  c.x.copy_(x);
  c.y.copy_(y);
  c.graph.replay();
  ++d.wholeRuns;
  return FlowState{c.outX.clone(), c.outY.clone()};
#else
  (void)net;
  (void)start;
  (void)grid;
  (void)solver;
  return std::nullopt;
#endif
}

}  // namespace symmflow
