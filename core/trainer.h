// SPDX-License-Identifier: MIT
#pragma once
// The SymmFlow trainer: AdamW over one flat parameter buffer, linear warm-up then cosine
// decay (over steps or over the wall-clock budget, whichever ends first), gradient
// clipping, EMA weights, bf16 autocast on CUDA, periodic validation (one-step mIoU or
// accuracy), resumable checkpoints, a CSV log and progress lines with an ETA.
// LibTorch header: not for ui/.
#include <atomic>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>

#include "core/flow.h"
#include "core/model_info.h"
#include "core/result.h"
#include "core/safetensors.h"
#include "core/shard.h"
#include "core/types.h"

namespace symmflow {

struct TrainOptions {
  std::string trainShard;
  std::string valShard;  // optional
  std::string output;    // final model file (.safetensors, EMA weights)
  std::string runDir;    // checkpoint, log.csv, sample grids
  std::string initFrom;  // warm start from a model file (weights only)
  ModelConfig config;    // numClasses and image size are taken from the shard
  int batch = 8;
  int cropHeight = 0, cropWidth = 0;  // 0: full size
  Augment augment;                    // flips on; zoom and colour jitter off by default
  double lr = 5e-4;
  double weightDecay = 0.01;
  int warmupSteps = 200;
  double minLrFraction = 0.05;
  int64_t maxSteps = 1000000;
  double minutes = 0;  // wall-clock budget (0: none)
  double clipNorm = 1.0;
  double emaDecay = 0.999;
  FlowLossOptions loss;
  bool classBalance = true;  // median-frequency weights in the CE term
  int valEverySteps = 500;
  double valEveryMinutes = 0;  // also validate this often (0: steps only)
  int valImages = 0;           // 0: the whole validation shard
  int valDraws = 1;
  int logEvery = 25;
  int checkpointEverySteps = 500;
  std::string device = "auto";
  bool amp = true;  // bf16 autocast on CUDA
  int threads = 0;  // CPU threads (0: all cores)
  std::uint64_t seed = 0;
  DType saveDtype = DType::F16;
  std::string trainedOn;  // hardware description for the model card
  // Writes a PNG (sample grids); empty when the build has no image writer.
  std::function<void(const std::string& path, const RgbImage& image)> writeImage;
};

struct TrainSummary {
  int64_t steps = 0;
  double seconds = 0;
  double bestMetric = 0;  // mIoU (dense) or accuracy (image-level), one step
  std::string metricsJson;
  // Throughput over the logged training windows (validation excluded): images per second
  // and model TFLOP/s, counting 3 network evaluations (forward + backward) per image at the
  // crop size. 0 when fewer steps than one log window ran.
  double imagesPerSecond = 0;
  double modelTflops = 0;
};

// Runs training; progress lines go to `log`. Resumes from <runDir>/checkpoint.safetensors
// when it exists. Stops at maxSteps, the budget, or when *cancel becomes true, and then
// writes the EMA model to `output` with metadata (config, classes, recipe, metrics, trained).
Result<TrainSummary> train(const TrainOptions& options, std::ostream& log, const std::atomic<bool>* cancel = nullptr);

// Chooses the torch device for a name "auto" | "cpu" | "cuda" | "cuda:N"; sets CPU threads.
Result<std::string> resolveDevice(const std::string& name);
void configureThreads(int threads);

}  // namespace symmflow
