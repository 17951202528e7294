// SPDX-License-Identifier: MIT
// The facade: value types in, value types out; every LibTorch exception is caught here
// and turned into a message a user can act on.
#include "core/engine.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <tuple>

#include <torch/torch.h>
#include <torch/version.h>

#include "core/cuda_graph.h"
#include "core/error_text.h"
#include "core/inference.h"
#include "core/label_space.h"
#include "core/model_io.h"
#include "core/trainer.h"

namespace symmflow {

const char* solverName(Solver s) { return s == Solver::Heun ? "heun" : "euler"; }

static std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Result<Solver> parseSolver(const std::string& name) {
  const auto n = lower(name);
  if (n == "euler") return Solver::Euler;
  if (n == "heun") return Solver::Heun;
  return Error{"unknown solver '" + name + "' (use euler or heun)"};
}

Result<DeviceKind> parseDevice(const std::string& name) {
  const auto n = lower(name);
  if (n == "auto") return DeviceKind::Auto;
  if (n == "cpu") return DeviceKind::Cpu;
  if (n == "cuda" || n == "gpu") return DeviceKind::Cuda;
  return Error{"unknown device '" + name + "' (use auto, cpu or cuda)"};
}

Result<Precision> parsePrecision(const std::string& name) {
  const auto n = lower(name);
  if (n == "fp32" || n == "float32") return Precision::Fp32;
  if (n == "fp16" || n == "float16" || n == "half") return Precision::Fp16;
  if (n == "bf16" || n == "bfloat16") return Precision::Bf16;
  if (n == "auto") return Precision::Auto;
  return Error{"unknown precision '" + name + "' (use auto, fp32, fp16 or bf16)"};
}

const char* precisionName(Precision p) {
  switch (p) {
    case Precision::Fp16: return "fp16";
    case Precision::Bf16: return "bf16";
    case Precision::Auto: return "auto";
    case Precision::Fp32: break;
  }
  return "fp32";
}

std::string engineVersion() { return SYMMFLOW_VERSION; }
std::string torchVersion() { return TORCH_VERSION; }
bool cudaAvailable() {
  try {
    return torch::cuda::is_available();
  } catch (...) {
    return false;
  }
}

// ---------------------------------------------------------------------------
struct Inversion::Data {
  RgbImage image;
  LabelMap labels;
  std::vector<FlowState> trajectory;  // t = 1 -> 0, on the engine's device at inversion time
  int steps = 0;
};

Inversion::Inversion() = default;
Inversion::~Inversion() = default;
Inversion::Inversion(const Inversion&) = default;
Inversion& Inversion::operator=(const Inversion&) = default;
Inversion::Inversion(std::shared_ptr<const Data> d) : m_d(std::move(d)) {}
bool Inversion::valid() const { return m_d != nullptr; }
const RgbImage& Inversion::image() const {
  static const RgbImage empty;
  return m_d ? m_d->image : empty;
}
const LabelMap& Inversion::labels() const {
  static const LabelMap empty;
  return m_d ? m_d->labels : empty;
}
int Inversion::steps() const { return m_d ? m_d->steps : 0; }

namespace {
// Memory format of the network: channels-last, faster on both devices -- on the CPU oneDNN's
// convolutions and the kernels of core/fused_ops.h (docs/PERFORMANCE.md, "Channels-last on the
// CPU"), on the H100 cuDNN's (camvid, graph per evaluation: fp32 1.02 against 1.23 ms, fp16
// 0.77-0.80 against 1.17 ms). SYMMFLOW_CHANNELS_LAST=0 or 1 decides.
bool channelsLastOn() {
  static const int forced = [] {
    const char* env = std::getenv("SYMMFLOW_CHANNELS_LAST");
    return env && (std::strcmp(env, "0") == 0 || std::strcmp(env, "1") == 0) ? env[0] - '0' : -1;
  }();
  return forced != 0;
}

// Relative L2 error of the network's velocities in `half` against fp32 at one probe input
// (seeded noise for the photo and the label map, t = 0.5). Leaves the network in `half`, its
// weights rounded: the caller restores them (Engine::Impl::restoreWeights). The conversions run
// outside InferenceMode: a parameter converted inside it would become an inference tensor.
double halfPrecisionError(SymmFlowUNet& net, const torch::Device& device, torch::ScalarType half) {
  torch::NoGradGuard noGrad;
  const auto& c = net->config();
  auto x = seededNoise({1, 3, c.imageHeight, c.imageWidth}, 1, device).clamp(-1, 1);
  auto y = seededNoise({1, c.numClasses, c.labelHeight(), c.labelWidth()}, 2, device);
  auto t = torch::full({1}, 0.5, x.options());
  const auto velocities = [&] {
    torch::InferenceMode guard;
    auto [vx, vy] = net->forwardConverting(x, y, t);
    return std::make_pair(vx.to(torch::kFloat), vy.to(torch::kFloat));
  };
  net->to(device, torch::kFloat);
  const auto [x32, y32] = velocities();
  net->to(device, half);
  const auto [xh, yh] = velocities();
  const double diff = std::sqrt((xh - x32).pow(2).sum().item<double>() + (yh - y32).pow(2).sum().item<double>());
  const double norm = std::sqrt(x32.pow(2).sum().item<double>() + y32.pow(2).sum().item<double>());
  return diff / std::max(norm, 1e-30);
}
}  // namespace

// ---------------------------------------------------------------------------
struct Engine::Impl {
  ModelInfo info;
  SymmFlowUNet net{nullptr};
  torch::Device device{torch::kCPU};
  std::string deviceLabel = "cpu";
  std::mutex mutex;
  std::string warning;
  Precision requested = Precision::Auto;  // what the caller asked for
  Precision precision = Precision::Fp32;  // what runs (fp32 on the CPU; never Auto)
  double probeError = -1.0;               // Auto on CUDA: fp16 against fp32

  static torch::ScalarType scalarTypeOf(Precision p) {
    return p == Precision::Fp16 ? torch::kHalf : p == Precision::Bf16 ? torch::kBFloat16 : torch::kFloat;
  }

  // The file's weights in fp32 on the host, as loaded: every placement starts from them, so a
  // model that ran in half precision on CUDA and moves (to the CPU after a device failure, or
  // back) runs its own weights rather than their rounding.
  std::vector<torch::Tensor> masterWeights;

  void keepMasterWeights() {
    torch::NoGradGuard noGrad;
    masterWeights.clear();
    for (const auto& p : net->parameters()) masterWeights.push_back(p.detach().to(torch::kCPU, torch::kFloat).clone());
  }

  // The network on `device` in `type`, with the master weights.
  void restoreWeights(torch::ScalarType type) {
    torch::NoGradGuard noGrad;
    net->to(device, torch::kFloat);
    auto params = net->parameters();
    for (size_t i = 0; i < params.size() && i < masterWeights.size(); ++i) params[i].copy_(masterWeights[i]);
    if (type != torch::kFloat) net->to(device, type);
  }

  Status place(DeviceKind kind) {
    const bool cuda = kind == DeviceKind::Cuda || (kind == DeviceKind::Auto && cudaAvailable());
    if (kind == DeviceKind::Cuda && !cudaAvailable())
      return Error{"CUDA was asked for but no CUDA device is available; use the CPU"};
    try {
      device = cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
      net->setGraphCache(nullptr);  // the probe runs eagerly
      if (cuda) at::globalContext().setBenchmarkCuDNN(true);
      precision = cuda && requested != Precision::Auto ? requested : Precision::Fp32;
      probeError = -1.0;
      if (cuda && requested == Precision::Auto) {
        try {
          restoreWeights(torch::kFloat);
          net->setChannelsLast(channelsLastOn());
          probeError = halfPrecisionError(net, device, torch::kHalf);
          if (probeError <= kAutoHalfTolerance) precision = Precision::Fp16;
        } catch (const std::exception& e) {
          probeError = -1.0;
          warning = "the half-precision check failed (" + errorText(e) + "); running in fp32";
        }
      }
      restoreWeights(scalarTypeOf(precision));
      net->setChannelsLast(channelsLastOn());
      deviceLabel = cuda ? std::string("cuda:0 (") + precisionName(precision) + ")" : "cpu";
      net->setGraphCache(cuda && CudaGraphCache::enabled() ? std::make_shared<CudaGraphCache>() : nullptr);
      if (!cuda && requested != Precision::Fp32 && requested != Precision::Auto)
        warning = std::string(precisionName(requested)) + " runs on CUDA only; the CPU uses fp32";
      return {};
    } catch (const std::exception& e) {
      device = torch::kCPU;
      precision = Precision::Fp32;
      net->setGraphCache(nullptr);
      restoreWeights(torch::kFloat);
      net->setChannelsLast(channelsLastOn());
      deviceLabel = "cpu";
      return Error{"could not move the model to CUDA: " + errorText(e)};
    }
  }

  // (1,3,H,W) in [-1,1] on the device: the bytes travel (a quarter of the floats) and are
  // converted there.
  torch::Tensor imageTensor(const RgbImage& img) const {
    auto t =
        torch::from_blob(const_cast<std::uint8_t*>(img.pixels.data()), {1, img.height, img.width, 3}, torch::kByte);
    return t.to(device).permute({0, 3, 1, 2}).contiguous().to(torch::kFloat).div_(127.5).sub_(1.0);
  }

  Result<torch::Tensor> labelTensor(const LabelMap& map) const {
    const auto& c = info.config;
    const int K = c.numClasses;
    const bool atLabelRes = map.width == c.labelWidth() && map.height == c.labelHeight();
    const bool atImageRes = map.width == c.imageWidth && map.height == c.imageHeight;
    if (!atLabelRes && !atImageRes)
      return Error{"the label map is " + std::to_string(map.width) + "x" + std::to_string(map.height) +
                   " but this model expects " + std::to_string(c.labelWidth()) + "x" + std::to_string(c.labelHeight()) +
                   (c.imageLevel() ? ""
                                   : " (or the image size " + std::to_string(c.imageWidth) + "x" +
                                         std::to_string(c.imageHeight) + ")")};
    std::int64_t bad = 0;
    int firstBad = -1;
    std::vector<std::uint8_t> ids(map.ids);
    for (auto& v : ids) {
      if (v == LabelMap::kIgnoreId && info.classes.ignoreIndex >= 0)
        v = static_cast<std::uint8_t>(info.classes.ignoreIndex);
      else if (v >= K) {
        ++bad;
        if (firstBad < 0) firstBad = v;
      }
    }
    if (bad > 0)
      return Error{std::to_string(bad) + " pixels of the label map hold id " + std::to_string(firstBad) +
                   " or others outside this model's " + std::to_string(K) + " classes (0.." + std::to_string(K - 1) +
                   "); snap or repaint them first"};
    auto t = torch::from_blob(ids.data(), {1, map.height, map.width}, torch::kByte).to(torch::kLong).clone();
    if (!atLabelRes) t = downsampleIds(t, c.labelDownsample, K, info.classes.ignoreIndex);
    return t.to(device);
  }

  Status checkImage(const RgbImage& img) const {
    if (img.width != info.config.imageWidth || img.height != info.config.imageHeight)
      return Error{"the image is " + std::to_string(img.width) + "x" + std::to_string(img.height) +
                   " but this model works at " + std::to_string(info.config.imageWidth) + "x" +
                   std::to_string(info.config.imageHeight) +
                   "; resize it first (the studio and the CLI do this for photos)"};
    if (img.pixels.size() != static_cast<size_t>(img.width) * img.height * 3)
      return Error{"the image buffer has the wrong size"};
    return {};
  }

  LabelMap toLabelMap(const torch::Tensor& ids2d) const {
    auto c = ids2d.to(torch::kByte).cpu().contiguous();
    LabelMap m(static_cast<int>(c.size(1)), static_cast<int>(c.size(0)));
    std::memcpy(m.ids.data(), c.data_ptr(), m.ids.size());
    return m;
  }

  RgbImage toImage(const torch::Tensor& xChw) const {
    auto bytes = imagesToBytes(xChw.unsqueeze(0));
    RgbImage img(static_cast<int>(bytes.size(2)), static_cast<int>(bytes.size(1)));
    std::memcpy(img.pixels.data(), bytes.data_ptr(), img.pixels.size());
    return img;
  }

  // The report of grid point `step` at time t, state s and the velocity evaluated there
  // (undefined at the end of the run).
  StepReport pointReport(const CallControl& control, int step, int total, int completed, double t, const FlowState& s,
                         const torch::Tensor& vx, const torch::Tensor& vy) const {
    StepReport r;
    r.step = step;
    r.totalSteps = total;
    r.completed = completed;
    r.t = t;
    r.hasVelocity = vx.defined() && vy.defined();
    if (r.hasVelocity) {
      r.vxNorm = vx.pow(2).mean().sqrt().item<double>();
      r.vyNorm = vy.pow(2).mean().sqrt().item<double>();
    }
    if (!control.previews) return r;
    const int K = info.config.numClasses;
    const auto batch = s.x.size(0);
    // The one-step estimate y0 = y_t - t*v_y; at t = 0 it is y itself, velocity or not.
    torch::Tensor yHat;
    if (r.hasVelocity)
      yHat = oneStepLabels(s.y, vy, torch::full({1}, t, vy.options()));
    else if (t == 0.0)
      yHat = s.y;
    torch::Tensor hatIds, confidence, vxItem, vyItem;
    if (yHat.defined()) {
      hatIds = classIndices(yHat, 1).cpu();
      confidence = torch::softmax(yHat.to(torch::kFloat) * 4.0, 1).amax(1).mean({1, 2}).to(torch::kDouble).cpu();
    }
    if (r.hasVelocity) {
      vxItem = vx.to(torch::kFloat).pow(2).mean({1, 2, 3}).sqrt().to(torch::kDouble).cpu();
      vyItem = vy.to(torch::kFloat).pow(2).mean({1, 2, 3}).sqrt().to(torch::kDouble).cpu();
    }
    for (int64_t i = 0; i < batch; ++i) {
      StepPreview p;
      p.x = toImage(s.x[i]);
      p.y = toLabelMap(classIndices(s.y[i], 0));
      if (yHat.defined()) {
        p.yHat = toLabelMap(hatIds[i]);
        auto counts = torch::bincount(hatIds[i].flatten(), {}, K).to(torch::kDouble);
        counts = counts / std::max<double>(1.0, static_cast<double>(hatIds[i].numel()));
        p.classCoverage.assign(counts.data_ptr<double>(), counts.data_ptr<double>() + K);
        p.meanConfidence = confidence[i].item<double>();
      }
      if (r.hasVelocity) {
        p.vxNorm = vxItem[i].item<double>();
        p.vyNorm = vyItem[i].item<double>();
      }
      r.items.push_back(std::move(p));
    }
    return r;
  }

  // Step k's event reports the point it started from (with the velocity evaluated there);
  // the last step's event also reports the end.
  StepCallback stepCallback(const CallControl& control) const {
    if (!control.progress) return {};
    return [this, &control](const StepEvent& e) {
      control.progress(pointReport(control, e.step - 1, e.total, e.step, e.tFrom, e.start, e.vx, e.vy));
      if (e.step != e.total) return;
      // A run that ends on the clean image (generate, edit) is evaluated once more there when
      // previews are asked for: its estimate is the one-step segmentation of the result.
      torch::Tensor vx, vy;
      if (control.previews && e.tTo == 1.0) std::tie(vx, vy) = velocityOf(net)(e.state.x, e.state.y, e.tTo);
      control.progress(pointReport(control, e.step, e.total, e.step, e.tTo, e.state, vx, vy));
    };
  }
};

namespace {
template <class F>
auto guarded(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    if (msg.find("out of memory") != std::string::npos)
      return Error{std::string(what) + " ran out of GPU memory; try fewer variations or the CPU"};
    return Error{std::string(what) + " failed: " + msg.substr(0, 400)};
  } catch (const std::bad_alloc&) {
    return Error{std::string(what) + " ran out of memory"};
  } catch (const std::exception& e) {
    return Error{std::string(what) + " failed: " + e.what()};
  }
}
const Error kCancelled{"cancelled"};

// Fault injection (engine.h): armed model runs throw what CUDA's allocator throws.
std::atomic<int> g_injectedFaults{0};

void armFaultsFromEnvironment() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* v = std::getenv("SYMMFLOW_FAULT_INJECT");
    if (!v || !*v) return;
    const std::string spec(v), kind = "cuda_oom";
    const bool withCount = spec.rfind(kind + ":", 0) == 0;
    const int count = withCount ? std::atoi(spec.c_str() + kind.size() + 1) : 1;
    if ((spec != kind && !withCount) || count < 1) {
      std::fprintf(stderr, "SYMMFLOW_FAULT_INJECT=%s not understood (use cuda_oom[:COUNT])\n", v);
      return;
    }
    g_injectedFaults = count;
  });
}

void throwInjectedFault() {
  int n = g_injectedFaults.load();
  while (n > 0 && !g_injectedFaults.compare_exchange_weak(n, n - 1)) {
  }
  if (n > 0)
    TORCH_CHECK_WITH(OutOfMemoryError, false,
                     "CUDA out of memory. Tried to allocate 2.00 GiB "
                     "(injected by SYMMFLOW_FAULT_INJECT / injectDeviceFaultsForTests)");
}

// guarded() for a model run: the place an injected fault fires.
template <class F>
auto guardedRun(const char* what, F&& f) -> decltype(f()) {
  return guarded(what, [&] {
    throwInjectedFault();
    return f();
  });
}
}  // namespace

void injectDeviceFaultsForTests(int count) { g_injectedFaults = std::max(0, count); }
int pendingDeviceFaultsForTests() { return g_injectedFaults.load(); }

Engine::Engine() = default;
Engine::~Engine() = default;
Engine::Engine(const Engine&) = default;
Engine& Engine::operator=(const Engine&) = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
Engine::Engine(std::shared_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Result<Engine> Engine::load(const std::string& path, DeviceKind device, Precision precision) {
  armFaultsFromEnvironment();
  return guarded("loading the model", [&]() -> Result<Engine> {
    configureThreads(0);
    auto loaded = loadModel(path);
    if (!loaded) return Error{loaded.error()};
    auto impl = std::make_shared<Impl>();
    impl->info = loaded->info;
    impl->net = loaded->net;
    impl->net->eval();
    impl->keepMasterWeights();
    impl->requested = precision;
    if (auto s = impl->place(device); !s) {
      if (device == DeviceKind::Cuda) return Error{s.error()};
      impl->warning = s.error() + "; using the CPU";
    }
    return Engine(impl);
  });
}

bool Engine::loaded() const { return m_impl != nullptr; }
const ModelInfo& Engine::info() const {
  static const ModelInfo empty;
  return m_impl ? m_impl->info : empty;
}
std::string Engine::deviceName() const { return m_impl ? m_impl->deviceLabel : "none"; }
bool Engine::onCuda() const { return m_impl && m_impl->device.is_cuda(); }
Precision Engine::precision() const { return m_impl ? m_impl->precision : Precision::Fp32; }
double Engine::halfPrecisionProbeError() const { return m_impl ? m_impl->probeError : -1.0; }
std::string Engine::lastWarning() const { return m_impl ? m_impl->warning : std::string(); }

Engine::GraphStats Engine::cudaGraphStats() const {
  GraphStats s;
  if (!m_impl || !m_impl->net) return s;
  std::lock_guard<std::mutex> lock(m_impl->mutex);
  if (const auto& cache = m_impl->net->graphCache()) {
    s.active = true;
    s.graphs = cache->graphs();
    s.replays = cache->replays();
    s.wholeRuns = cache->wholeRuns();
    s.error = cache->lastError();
  }
  return s;
}

bool Engine::channelsLast() const { return m_impl && m_impl->net && m_impl->net->channelsLast(); }

Status Engine::moveTo(DeviceKind device) {
  if (!m_impl) return Error{"no model is loaded"};
  std::lock_guard<std::mutex> lock(m_impl->mutex);
  return m_impl->place(device);
}

Result<std::vector<RgbImage>> Engine::generate(const LabelMap& labels, const RunParams& p,
                                               const CallControl& control) const {
  if (!m_impl) return Error{"no model is loaded"};
  if (p.steps < 1 || p.steps > 1000) return Error{"steps must be between 1 and 1000"};
  if (p.count < 1 || p.count > 64) return Error{"variations must be between 1 and 64"};
  auto& d = *m_impl;
  std::lock_guard<std::mutex> lock(d.mutex);
  return guardedRun("generation", [&]() -> Result<std::vector<RgbImage>> {
    torch::InferenceMode guard;
    auto ids = d.labelTensor(labels);
    if (!ids) return Error{ids.error()};
    auto batch = ids->expand({p.count, ids->size(1), ids->size(2)}).contiguous();
    auto r = generateImages(d.net, batch, p.steps, p.solver, p.seed, d.stepCallback(control), control.cancel);
    if (r.cancelled) return kCancelled;
    std::vector<RgbImage> out;
    for (int i = 0; i < p.count; ++i) out.push_back(d.toImage(r.state.x[i]));
    return out;
  });
}

Result<SegmentResult> Engine::segment(const RgbImage& image, const SegmentParams& p, const CallControl& control) const {
  if (!m_impl) return Error{"no model is loaded"};
  if (p.steps < 1 || p.steps > 1000) return Error{"steps must be between 1 and 1000"};
  auto& d = *m_impl;
  if (auto s = d.checkImage(image); !s) return Error{s.error()};
  std::lock_guard<std::mutex> lock(d.mutex);
  return guardedRun("segmentation", [&]() -> Result<SegmentResult> {
    torch::InferenceMode guard;
    const auto& c = d.info.config;
    int draws = std::clamp(p.draws, 1, 32);
    bool mirror = p.mirror;
    if (!mirror && p.mirrorWhenFlipTrained && d.info.trainedWithFlips && draws % 2 == 0) {
      draws /= 2;
      mirror = true;
    }
    auto y0 = segmentImages(d.net, d.imageTensor(image), c.labelHeight(), c.labelWidth(), p.steps, p.solver, p.seed,
                            draws, mirror, d.stepCallback(control), control.cancel);
    if (!y0.defined()) return kCancelled;
    const int K = c.numClasses;
    // Probabilities, normalised entropy and the most likely class computed where the estimate
    // is, then one download (on CUDA: one synchronisation instead of three).
    auto logits = y0[0].to(torch::kFloat) * 4.0;
    if (d.info.classes.ignoreIndex >= 0)  // the ignore class is never a prediction
      logits.select(0, d.info.classes.ignoreIndex).fill_(-std::numeric_limits<float>::infinity());
    auto logp = torch::log_softmax(logits, 0);
    auto probs = logp.exp();
    // -sum p log p; the ignore class (p = 0, log p = -inf) adds 0.
    auto entropy = -(probs * logp.clamp_min(std::numeric_limits<float>::lowest())).sum(0, true) /
                   std::log(static_cast<double>(std::max(2, K)));
    auto packed = torch::cat({probs, entropy, classIndices(logits, 0).unsqueeze(0).to(torch::kFloat)});
    torch::Tensor host = packed;
    if (packed.is_cuda()) {  // into page-locked memory: a DMA copy, not a staged one (1.5 MB for camvid)
      host = torch::empty(packed.sizes(), packed.options().device(torch::kCPU).pinned_memory(true));
      host.copy_(packed);
    }
    host = host.contiguous();
    const int64_t h = host.size(1), w = host.size(2), plane = h * w;
    const float* data = host.data_ptr<float>();
    SegmentResult out;
    out.probabilities.channels = K;
    out.probabilities.height = static_cast<int>(h);
    out.probabilities.width = static_cast<int>(w);
    out.probabilities.data.assign(data, data + K * plane);
    out.entropy.assign(data + K * plane, data + (K + 1) * plane);
    out.labels = LabelMap(static_cast<int>(w), static_cast<int>(h));
    std::transform(data + (K + 1) * plane, data + (K + 2) * plane, out.labels.ids.begin(),
                   [](float id) { return static_cast<std::uint8_t>(id); });
    return out;
  });
}

Result<ClassifyResult> Engine::classify(const RgbImage& image, const SegmentParams& p,
                                        const CallControl& control) const {
  auto seg = segment(image, p, control);
  if (!seg) return Error{seg.error()};
  const auto& pr = seg->probabilities;
  ClassifyResult out;
  out.probabilities.assign(pr.channels, 0.0f);
  const size_t plane = static_cast<size_t>(pr.width) * pr.height;
  for (int c = 0; c < pr.channels; ++c) {
    double s = 0;
    for (size_t i = 0; i < plane; ++i) s += pr.data[c * plane + i];
    out.probabilities[c] = static_cast<float>(s / std::max<size_t>(1, plane));
  }
  out.top = static_cast<int>(std::max_element(out.probabilities.begin(), out.probabilities.end()) -
                             out.probabilities.begin());
  return out;
}

Result<Inversion> Engine::invert(const RgbImage& image, const RunParams& p, const CallControl& control) const {
  if (!m_impl) return Error{"no model is loaded"};
  if (p.steps < 1 || p.steps > 1000) return Error{"steps must be between 1 and 1000"};
  auto& d = *m_impl;
  if (auto s = d.checkImage(image); !s) return Error{s.error()};
  std::lock_guard<std::mutex> lock(d.mutex);
  return guardedRun("inversion", [&]() -> Result<Inversion> {
    torch::InferenceMode guard;
    const auto& c = d.info.config;
    auto r = invertImages(d.net, d.imageTensor(image), c.labelHeight(), c.labelWidth(), p.steps, p.solver, p.seed,
                          d.stepCallback(control), control.cancel);
    if (r.cancelled) return kCancelled;
    auto data = std::make_shared<Inversion::Data>();
    data->image = image;
    auto y0 = r.state.y[0].clone();
    if (d.info.classes.ignoreIndex >= 0) y0.select(0, d.info.classes.ignoreIndex).fill_(-1e4);
    data->labels = d.toLabelMap(classIndices(y0, 0));
    data->trajectory = std::move(r.trajectory);
    data->steps = p.steps;
    return Inversion(data);
  });
}

Result<RgbImage> Engine::edit(const Inversion& inversion, const LabelMap& edited, const EditParams& p,
                              const CallControl& control) const {
  if (!m_impl) return Error{"no model is loaded"};
  if (!inversion.valid()) return Error{"there is no inversion to edit: open and invert a photo first"};
  auto& d = *m_impl;
  const auto* inv = inversion.data();
  std::lock_guard<std::mutex> lock(d.mutex);
  return guardedRun("editing", [&]() -> Result<RgbImage> {
    torch::InferenceMode guard;
    const auto& c = d.info.config;
    auto ids = d.labelTensor(edited);
    if (!ids) return Error{ids.error()};
    // Changed pixels: where the edited map differs from the inversion's labels.
    auto before = torch::from_blob(const_cast<std::uint8_t*>(inv->labels.ids.data()),
                                   {1, inv->labels.height, inv->labels.width}, torch::kByte)
                      .to(torch::kLong)
                      .to(d.device);
    auto changedLab = (*ids != before).to(torch::kFloat).unsqueeze(1);
    auto changed = upsampleLabels(changedLab, c.imageHeight, c.imageWidth);
    auto mask = editMask(changed, p.dilate, p.feather);
    std::vector<FlowState> traj;
    for (const auto& s : inv->trajectory) traj.push_back({s.x.to(d.device), s.y.to(d.device)});
    torch::Tensor fresh;
    if (p.rerollChanged) fresh = seededNoise({1, 3, c.imageHeight, c.imageWidth}, p.seed, d.device);
    auto r = editImages(d.net, traj, *ids, mask, p.solver, fresh, d.stepCallback(control), control.cancel);
    if (r.cancelled) return kCancelled;
    return d.toImage(r.state.x[0]);
  });
}

}  // namespace symmflow
