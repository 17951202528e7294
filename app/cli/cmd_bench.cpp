// SPDX-License-Identifier: MIT
// symmflow bench: timings of one network evaluation, one-step segmentation and N-step
// generation, each a median over repetitions after warm-up, with the spread.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/cli/commands.h"
#include "core/engine.h"
#include "core/inference.h"
#include "core/model_io.h"
#include "core/trainer.h"

namespace symmflow::cli {
namespace {
using Clock = std::chrono::steady_clock;

nlohmann::json stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto q = [&](double p) { return ms[static_cast<size_t>(p * (ms.size() - 1) + 0.5)]; };
  return {{"median", q(0.5)}, {"p10", q(0.1)}, {"p90", q(0.9)}, {"min", ms.front()}, {"max", ms.back()}, {"reps", ms.size()}};
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
}  // namespace

void registerBench(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("bench", "Time network evaluation, segmentation and generation");
  static std::string model, device = "auto";
  static int steps = 4, batch = 1, reps = 10, warmup = 2, threads = 0;
  static bool json = false, channelsLast = false;
  cmd->add_option("-m,--model", model, "model file or name")->required();
  cmd->add_option("--steps", steps, "generation steps")->check(CLI::Range(1, 1000));
  cmd->add_option("--batch", batch, "batch of the eval_ms measurement")->check(CLI::Range(1, 256));
  cmd->add_option("--reps", reps, "timed repetitions")->check(CLI::Range(1, 10000));
  cmd->add_option("--warmup", warmup, "untimed warm-up runs")->check(CLI::Range(0, 1000));
  cmd->add_option("--device", device, "auto | cpu | cuda");
  cmd->add_option("--threads", threads, "CPU threads (0: all cores)");
  cmd->add_flag("--json", json, "print one JSON object");
  cmd->add_flag("--channels-last", channelsLast, "eval_ms with channels-last weights and activations");
  cmd->callback([&exitCode] {
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
    auto engine = Engine::load(path, *kind);
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
      const torch::Device dev = cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
      net->to(dev);
      net->eval();
      net->setChannelsLast(channelsLast);
      const auto& c = info.config;
      auto x = torch::randn({batch, 3, c.imageHeight, c.imageWidth}, torch::TensorOptions().device(dev));
      auto y = torch::randn({batch, c.numClasses, c.labelHeight(), c.labelWidth()}, torch::TensorOptions().device(dev));
      auto t = torch::full({batch}, 0.5, torch::TensorOptions().device(dev));
      auto evalMs = timeIt(warmup, reps, cuda, [&] {
        torch::InferenceMode g;
        auto r = net->forward(x, y, t);
        (void)r;
      });

      // One-step segmentation of one image through the facade (pre/post-processing included).
      RgbImage img(c.imageWidth, c.imageHeight);
      for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<std::uint8_t>((i * 37) % 251);
      SegmentParams sp;
      sp.steps = 1;
      sp.draws = 1;
      auto segMs = timeIt(warmup, reps, false, [&] { (void)engine->segment(img, sp); });
      LabelMap labels(c.labelWidth(), c.labelHeight(), 0);
      RunParams rp;
      rp.steps = steps;
      rp.solver = Solver::Euler;
      auto genMs = timeIt(std::min(warmup, 1), std::max(1, reps / 2), false, [&] { (void)engine->generate(labels, rp); });

      const double gflops = net->gflops();
      nlohmann::json j = {{"model", path},
                          {"device", cuda ? "cuda" : "cpu"},
                          {"device_name", engine->deviceName()},
                          {"threads", torch::get_num_threads()},
                          {"torch", torchVersion()},
                          {"image_size", {c.imageHeight, c.imageWidth}},
                          {"batch", batch},
                          {"channels_last", channelsLast},
                          {"steps", steps},
                          {"gflops_per_eval", gflops},
                          {"eval_ms", stats(evalMs)},
                          {"segment_ms", stats(segMs)},
                          {"generate_ms", stats(genMs)}};
      const double med = j["eval_ms"]["median"].get<double>();
      j["achieved_tflops"] = gflops * batch / med;  // GFLOP/ms = TFLOP/s
      if (json) std::cout << j.dump() << std::endl;
      else std::cout << j.dump(2) << std::endl;
    } catch (const c10::Error& e) {
      exitCode = fail(std::string("benchmark failed: ") + e.what_without_backtrace());
    }
  });
}

}  // namespace symmflow::cli
