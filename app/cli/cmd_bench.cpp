// SPDX-License-Identifier: MIT
// symmflow bench: timings of one network evaluation, one-step segmentation and N-step
// generation, each a median over repetitions after warm-up, with the spread.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <thread>
#include <tuple>

#include <nlohmann/json.hpp>
#include <torch/torch.h>
#if __has_include(<torch/csrc/autograd/profiler_legacy.h>)
#include <torch/csrc/autograd/profiler_legacy.h>
#define SYMMFLOW_HAVE_LEGACY_PROFILER 1
#endif

#include "app/cli/commands.h"
#include "core/cuda_graph.h"
#include "core/engine.h"
#include "core/fused_ops.h"
#include "core/inference.h"
#include "core/memory_stats.h"
#include "core/model_io.h"
#include "core/safetensors.h"
#include "core/trainer.h"

namespace symmflow::cli {
namespace {
using Clock = std::chrono::steady_clock;

nlohmann::json stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto q = [&](double p) { return ms[static_cast<size_t>(p * (ms.size() - 1) + 0.5)]; };
  return {{"median", q(0.5)},  {"p10", q(0.1)},    {"p90", q(0.9)},
          {"min", ms.front()}, {"max", ms.back()}, {"reps", ms.size()}};
}

// Waits for queued device work: a device-to-host copy on the default stream follows it.
void syncDevice(bool cuda) {
  if (cuda) (void)torch::zeros({1}, torch::TensorOptions().device(torch::kCUDA)).cpu();
}

template <class F>
std::vector<double> timeIt(int warmup, int reps, bool cuda, F&& f) {
  for (int i = 0; i < warmup; ++i) f();
  syncDevice(cuda);
  std::vector<double> out;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = Clock::now();
    f();
    syncDevice(cuda);
    out.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  return out;
}
#ifdef SYMMFLOW_HAVE_LEGACY_PROFILER
// Profiles one call of f with the autograd profiler: operator count (all, and leaves, which
// is roughly the kernel count on a GPU) and the operators with the most self time.
template <class F>
nlohmann::json profileOnce(F&& f, int top, bool cuda) {
  namespace prof = torch::autograd::profiler;
  // On CUDA each operator is also bracketed by CUDA events: its device time (leaves only,
  // as a parent's includes its children's). Kernels launched outside operators (the fused
  // kernels of core/fused_ops.h) are in no operator: total device time minus leaf_gpu_ms.
  using State = torch::profiler::impl::ProfilerState;
  prof::enableProfilerLegacy(torch::profiler::impl::ProfilerConfig(cuda ? State::CUDA : State::CPU));
  f();
  const auto lists = prof::disableProfilerLegacy();
  struct Open {
    const prof::LegacyEvent* push;
    double childUs = 0;
    bool hasChild = false;
  };
  struct Agg {
    double selfUs = 0, gpuUs = 0;
    long calls = 0;
  };
  std::map<std::string, Agg> byName;
  long ops = 0, leaves = 0;
  double totalUs = 0, leafGpuUs = 0;
  for (const auto& list : lists) {
    std::vector<Open> stack;
    for (const auto& ev : list) {
      if (ev.kind() == prof::EventKind::PushRange) {
        if (!stack.empty()) stack.back().hasChild = true;
        stack.push_back({&ev});
      } else if (ev.kind() == prof::EventKind::PopRange && !stack.empty()) {
        const Open o = stack.back();
        stack.pop_back();
        const double us = o.push->cpuElapsedUs(ev);
        auto& a = byName[o.push->name()];
        a.selfUs += us - o.childUs;
        ++a.calls;
        ++ops;
        if (!o.hasChild) {
          ++leaves;
          if (cuda && o.push->hasCuda()) {
            const double gpu = o.push->cudaElapsedUs(ev);
            a.gpuUs += gpu;
            leafGpuUs += gpu;
          }
        }
        if (stack.empty())
          totalUs += us;
        else
          stack.back().childUs += us;
      }
    }
  }
  std::vector<std::pair<std::string, Agg>> sorted(byName.begin(), byName.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.second.selfUs > b.second.selfUs; });
  auto list = [&](size_t n) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < n && i < sorted.size(); ++i) {
      nlohmann::json e = {
          {"op", sorted[i].first}, {"calls", sorted[i].second.calls}, {"self_ms", sorted[i].second.selfUs / 1000.0}};
      if (cuda) e["gpu_ms"] = sorted[i].second.gpuUs / 1000.0;
      out.push_back(e);
    }
    return out;
  };
  nlohmann::json j = {{"ops", ops}, {"leaf_ops", leaves}, {"profiled_ms", totalUs / 1000.0}, {"top_self", list(top)}};
  if (cuda) {
    j["leaf_gpu_ms"] = leafGpuUs / 1000.0;
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.second.gpuUs > b.second.gpuUs; });
    j["top_gpu"] = list(top);
  }
  return j;
}
#endif
// The captured evaluation's nodes, and what its launches alone would cost: the kernel count
// times the time per kernel of a graph of trivial kernels (CudaGraphCache::trivialKernelMicros).
nlohmann::json anatomyJson(const CudaGraphCache::Anatomy& a, double evalMs) {
  if (!a.available) return {{"available", false}, {"note", a.note}};
  nlohmann::json names = nlohmann::json::array();
  for (size_t i = 0; i < a.kernelsByName.size() && i < 25; ++i)
    names.push_back({{"kernel", a.kernelsByName[i].first}, {"count", a.kernelsByName[i].second}});
  const double floorUs = CudaGraphCache::trivialKernelMicros(std::max<long>(a.kernels, 100));
  nlohmann::json j = {{"available", true},
                      {"kernels", a.kernels},
                      {"copies", a.copies},
                      {"sets", a.sets},
                      {"other_nodes", a.others},
                      {"small_grid_kernels", a.smallGridKernels},
                      {"us_per_kernel", a.kernels > 0 ? evalMs * 1000.0 / static_cast<double>(a.kernels) : 0.0},
                      {"trivial_kernel_us", floorUs},
                      {"kernels_by_name", names}};
  if (!a.note.empty()) j["note"] = a.note;  // e.g. why some kernels have no name
  if (floorUs > 0) j["launch_floor_ms"] = floorUs * static_cast<double>(a.kernels) / 1000.0;
  return j;
}
// Runs f and reports the memory it took: the resident set before, and the host peak and (on
// CUDA) the device peaks while it ran (core/memory_stats.h).
template <class F>
nlohmann::json withMemory(bool cuda, F&& f) {
  const double before = currentHostMiB();
  resetMemoryPeaks();
  f();
  const MemoryPeaks p = memoryPeaks();
  nlohmann::json j = {{"host_before_mib", before}, {"host_peak_mib", p.hostMiB}, {"host_peak_reset", hostPeakReset()}};
  if (cuda && p.deviceAllocatedMiB >= 0) {
    j["device_peak_allocated_mib"] = p.deviceAllocatedMiB;
    j["device_peak_reserved_mib"] = p.deviceReservedMiB;
  }
  return j;
}
}  // namespace

void registerBench(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("bench", "Time network evaluation, segmentation and generation");
  static std::string model, device = "auto", precisionArg = "auto", dumpPath;
  static int steps = 4, batch = 1, reps = 10, warmup = 2, threads = 0, draws = 1;
  static bool json = false, channelsLast = false, profile = false;
  cmd->add_option("-m,--model", model, "model file or name")->required();
  cmd->add_option("--steps", steps, "generation steps")->check(CLI::Range(1, 1000));
  cmd->add_option("--batch", batch, "batch of the eval_ms measurement")->check(CLI::Range(1, 256));
  cmd->add_option("--draws", draws,
                  "noise draws of the segment_ms measurement (1: one network evaluation; "
                  "'symmflow segment' and the studio spend 4)")
      ->check(CLI::Range(1, 32));
  cmd->add_option("--reps", reps, "timed repetitions")->check(CLI::Range(1, 10000));
  cmd->add_option("--warmup", warmup, "untimed warm-up runs")->check(CLI::Range(0, 1000));
  cmd->add_option("--device", device, "auto | cpu | cuda");
  cmd->add_option("--precision", precisionArg,
                  "auto | fp32 | fp16 | bf16 (half precision on CUDA only; auto: the engine's default)");
  cmd->add_option("--dump-velocity", dumpPath,
                  "write the fixed inputs x, y, t and this engine's velocities vx, vy (fp32) to a .safetensors file "
                  "(bench/reference.py compares against them)")
      ->check(OutputFolderExists);
  cmd->add_option("--threads", threads, "CPU threads (0: all cores)");
  cmd->add_flag("--json", json, "print one JSON object");
  cmd->add_flag("--channels-last", channelsLast,
                "eval_ms with channels-last weights and activations (default: the engine's format, "
                "channels-last unless SYMMFLOW_CHANNELS_LAST=0)");
  // Architecture sweep: the speed of a network does not depend on its weights, so candidate
  // architectures can be timed before anything is trained (issue 6: fewer, wider layers).
  static int archChannels = 0, archResBlocks = 0;
  static bool archLean = false;
  static std::string archMult, archAttn;
  cmd->add_option("--channels", archChannels,
                  "time randomly initialised weights of the model's architecture with this base width instead "
                  "(an architecture sweep; also --mult, --res-blocks, --attn; segmentation and generation are "
                  "then not timed)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--mult", archMult, "with random weights: channel multipliers per level, e.g. 1,2,4");
  cmd->add_option("--res-blocks", archResBlocks, "with random weights: residual blocks per level")
      ->check(CLI::Range(1, 16));
  auto* attnOpt =
      cmd->add_option("--attn", archAttn, "with random weights: levels with self-attention, e.g. 2 (empty: none)");
  cmd->add_flag("--lean-decoder", archLean, "with random weights: the lean decoder (symmflow train --lean-decoder)");
  cmd->add_flag("--profile", profile,
                "also profile one network evaluation: operator count and the slowest operators; on CUDA also "
                "the captured graph's kernels and what launching them alone costs");
  cmd->callback([&exitCode, attnOpt] {
    std::string err;
    const auto path = resolveModelPath(model, &err);
    if (path.empty()) {
      exitCode = fail(err);
      return;
    }
    auto kind = parseDevice(device);
    if (!kind) {
      exitCode = fail(kind.error());
      return;
    }
    auto precision = parsePrecision(precisionArg);
    if (!precision) {
      exitCode = fail(precision.error());
      return;
    }
    auto engine = Engine::load(path, *kind, *precision);
    if (!engine) {
      exitCode = fail(engine.error());
      return;
    }
    configureThreads(threads);
    const bool cuda = engine->onCuda();
    const auto& info = engine->info();
    try {
      auto loaded = loadModel(path);
      if (!loaded) {
        exitCode = fail(loaded.error());
        return;
      }
      auto net = loaded->net;
      // An architecture sweep times a randomly initialised network of another architecture.
      ModelConfig arch = info.config;
      const bool sweep = archChannels > 0 || !archMult.empty() || archResBlocks > 0 || attnOpt->count() > 0 || archLean;
      if (archLean) arch.leanDecoder = true;
      if (archChannels > 0) arch.baseChannels = archChannels;
      if (archResBlocks > 0) arch.numResBlocks = archResBlocks;
      if (!archMult.empty() && (!parseIntList(archMult, arch.channelMult) || arch.channelMult.empty())) {
        exitCode = fail("--mult must be a comma-separated list of integers, e.g. 1,2,4");
        return;
      }
      if (attnOpt->count() > 0 && !parseIntList(archAttn, arch.attentionLevels)) {
        exitCode = fail("--attn must be a comma-separated list of level indices, e.g. 2 (empty: none)");
        return;
      }
      if (sweep && !dumpPath.empty()) {
        exitCode =
            fail("--dump-velocity compares the file's weights; it cannot be combined with an architecture sweep");
        return;
      }
      if (sweep) {
        if (const auto bad = arch.validate(); !bad.empty()) {
          exitCode = fail("this architecture is not usable: " + bad);
          return;
        }
        torch::manual_seed(0);
        net = SymmFlowUNet(arch);
      }
      const torch::Device dev = cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
      net->to(dev);
      net->eval();
      const auto& c = info.config;
      // Fixed inputs from seeded CPU noise, so that another program can be given the same ones.
      auto x = seededNoise({batch, 3, c.imageHeight, c.imageWidth}, 1, dev);
      auto y = seededNoise({batch, c.numClasses, c.labelHeight(), c.labelWidth()}, 2, dev);
      auto t = torch::full({batch}, 0.5, torch::TensorOptions().device(dev));
      torch::Tensor vx32, vy32;
      {
        torch::InferenceMode g;
        std::tie(vx32, vy32) = net->forward(x, y, t);
      }
      if (!dumpPath.empty()) {
        std::vector<TensorBlob> blobs{toBlob("x", x, DType::F32), toBlob("y", y, DType::F32),
                                      toBlob("t", t, DType::F32), toBlob("vx", vx32, DType::F32),
                                      toBlob("vy", vy32, DType::F32)};
        if (auto s = writeSafetensors(dumpPath, blobs, {{"model", path}, {"torch", torchVersion()}}); !s) {
          exitCode = fail(s.error());
          return;
        }
      }
      // The timed network runs in the engine's precision; its error against fp32 is reported.
      const auto wt = engine->precision() == Precision::Fp16   ? torch::kHalf
                      : engine->precision() == Precision::Bf16 ? torch::kBFloat16
                                                               : torch::kFloat;
      net->to(dev, wt);
      net->setChannelsLast(channelsLast || engine->channelsLast());
      x = x.to(wt);
      y = y.to(wt);
      double relErr = 0.0;
      {
        torch::InferenceMode g;
        auto [vx, vy] = net->forward(x, y, t);
        auto num = (vx.to(torch::kFloat) - vx32).pow(2).sum() + (vy.to(torch::kFloat) - vy32).pow(2).sum();
        auto den = vx32.pow(2).sum() + vy32.pow(2).sum();
        relErr = (num / den).sqrt().item<double>();
      }
      std::vector<double> evalMs;
      nlohmann::json memory;
      memory["eval"] = withMemory(cuda, [&] {
        evalMs = timeIt(warmup, reps, cuda, [&] {
          torch::InferenceMode g;
          auto r = net->forward(x, y, t);
          (void)r;
        });
      });
      // The same evaluation replayed from a captured CUDA graph (what the engine's sampler
      // runs on CUDA), and its largest difference from the eager result.
      nlohmann::json graphJ = nullptr;
      if (cuda && CudaGraphCache::enabled()) {
        CudaGraphCache cache;
        cache.setInspectable(profile);
        double maxDiff = 0.0;
        {
          torch::InferenceMode g;
          auto [ex, ey] = net->forward(x, y, t);
          auto [gx, gy] = cache.evaluate(*net, x, y, t);
          auto [gx2, gy2] = cache.evaluate(*net, x, y, t);
          maxDiff = std::max((gx2 - ex).abs().max().item<double>(), (gy2 - ey).abs().max().item<double>());
        }
        auto graphMs = timeIt(warmup, reps, cuda, [&] {
          torch::InferenceMode g;
          (void)cache.evaluate(*net, x, y, t);
        });
        graphJ = {{"eval_ms", stats(std::move(graphMs))},
                  {"max_abs_diff_vs_eager", maxDiff},
                  {"replays", cache.replays()},
                  {"error", cache.lastError()}};
        if (profile) graphJ["anatomy"] = anatomyJson(cache.anatomy(), graphJ["eval_ms"]["median"].get<double>());
      }

      // One-step segmentation of one image through the facade (pre/post-processing included).
      RgbImage img(c.imageWidth, c.imageHeight);
      for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<std::uint8_t>((i * 37) % 251);
      SegmentParams sp;
      sp.steps = 1;
      sp.draws = draws;
      nlohmann::json segJ = nullptr, genJ = nullptr;  // the file's network only (not in a sweep)
      // The label noise of that segmentation, alone (core/noise.h: computed on the device).
      const auto noiseMs = timeIt(warmup, reps, cuda, [&] {
        (void)perItemNoise(draws, {c.numClasses, c.labelHeight(), c.labelWidth()}, 1, dev);
      });
      if (!sweep) {
        memory["segment"] = withMemory(
            cuda, [&] { segJ = stats(timeIt(warmup, reps, false, [&] { (void)engine->segment(img, sp); })); });
        LabelMap labels(c.labelWidth(), c.labelHeight(), 0);
        RunParams rp;
        rp.steps = steps;
        rp.solver = Solver::Euler;
        memory["generate"] = withMemory(cuda, [&] {
          genJ = stats(
              timeIt(std::min(warmup, 1), std::max(1, reps / 2), false, [&] { (void)engine->generate(labels, rp); }));
        });
      }

      const double gflops = net->gflops();
      nlohmann::json j = {{"model", path},
                          {"device", cuda ? "cuda" : "cpu"},
                          {"device_name", engine->deviceName()},
                          {"threads", torch::get_num_threads()},
                          {"torch", torchVersion()},
                          {"image_size", {c.imageHeight, c.imageWidth}},
                          {"batch", batch},
                          {"channels_last", channelsLast || engine->channelsLast()},
                          {"precision", precisionName(engine->precision())},
                          {"half_probe_error", engine->halfPrecisionProbeError()},  // -1: no probe
                          {"velocity_rel_error_vs_fp32", relErr},
                          {"steps", steps},
                          {"gflops_per_eval", gflops},
                          {"eval_ms", stats(evalMs)},
                          {"segment_draws", draws},
                          {"segment_ms", segJ},
                          {"segment_noise_ms", stats(noiseMs)},
                          {"generate_ms", genJ},
                          {"memory", memory}};
      if (sweep) {
        j["random_weights"] = true;
        j["architecture"] = nlohmann::json::parse(arch.toJson());
        j["parameters"] = net->parameterCount();
      }
      const auto gs = engine->cudaGraphStats();
      j["engine_cuda_graphs"] = {{"active", gs.active},
                                 {"graphs", gs.graphs},
                                 {"replays", gs.replays},
                                 {"whole_runs", gs.wholeRuns},
                                 {"error", gs.error}};
      j["fused_kernels"] = {
          {"compiled", fusedKernelsCompiled()}, {"enabled", fusedKernelsEnabled()}, {"calls", fusedKernelCalls()}};
      if (!graphJ.is_null()) {
        j["graph"] = graphJ;
        j["graph_achieved_tflops"] = gflops * batch / graphJ["eval_ms"]["median"].get<double>();
      }
      if (profile) {
#ifdef SYMMFLOW_HAVE_LEGACY_PROFILER
        j["profile"] = profileOnce(
            [&] {
              torch::InferenceMode g;
              (void)net->forward(x, y, t);
              syncDevice(cuda);
            },
            15, cuda);
#else
        j["profile"] = "not available in this LibTorch build";
#endif
      }
      const double med = j["eval_ms"]["median"].get<double>();
      j["achieved_tflops"] = gflops * batch / med;  // GFLOP/ms = TFLOP/s
      // The ceiling: this device's dense matrix-product rate in the same precision (square
      // matrices big enough to saturate it); achieved / ceiling = model FLOP utilisation.
      {
        const int64_t n = cuda ? 8192 : 1024;
        auto opts = torch::TensorOptions().device(dev).dtype(wt);
        auto a = torch::randn({n, n}, opts), b = torch::randn({n, n}, opts);
        auto mmMs = timeIt(2, cuda ? 20 : 5, cuda, [&] {
          torch::InferenceMode g;
          (void)torch::mm(a, b);
        });
        const auto mm = stats(std::move(mmMs));
        const double tflops = 2.0 * static_cast<double>(n) * n * n / (mm["median"].get<double>() * 1e9);
        j["matmul"] = {{"n", n}, {"ms", mm}, {"tflops", tflops}};
        j["mfu"] = j["achieved_tflops"].get<double>() / tflops;
      }
      if (json)
        std::cout << j.dump() << std::endl;
      else
        std::cout << j.dump(2) << std::endl;
    } catch (const c10::Error& e) {
      exitCode = fail(std::string("benchmark failed: ") + e.what_without_backtrace());
    }
  });
}

}  // namespace symmflow::cli
