// SPDX-License-Identifier: MIT
#include <csignal>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/cli/commands.h"
#include "app/cli/output_paths.h"
#include "core/trainer.h"
#ifdef SYMMFLOW_HAVE_IMAGING
#include "core/imaging/image_io.h"
#endif

namespace symmflow::cli {
namespace {
std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop = true; }

bool parseSize(const std::string& text, int& h, int& w) {
  auto x = text.find('x');
  if (x == std::string::npos) return false;
  try {
    h = std::stoi(text.substr(0, x));
    w = std::stoi(text.substr(x + 1));
  } catch (...) {
    return false;
  }
  return h > 0 && w > 0;
}
}  // namespace

void registerTrain(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("train", "Train a SymmFlow model on data shards (resumable; Ctrl+C stops and saves)");
  static TrainOptions o;
  static std::string mult = "1,2,2,4", attn = "3", crop, timeDist = "uniform+end:0.1", dtype = "f16";
  static bool noBalance = false, noFlip = false;
  static std::string amp = "on";
  cmd->add_option("--train", o.trainShard, "training shard (symmflow pack)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--val", o.valShard, "validation shard")->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", o.output, "model file to write (.safetensors)")->required();
  cmd->add_option("--run-dir", o.runDir, "folder for checkpoint.safetensors, log.csv and sample grids");
  cmd->add_option("--init", o.initFrom, "warm start from this model file (same architecture)");
  cmd->add_option("--minutes", o.minutes, "wall-clock budget in minutes (0: none)");
  cmd->add_option("--steps", o.maxSteps, "maximum optimizer steps");
  cmd->add_option("--batch", o.batch, "batch size")->check(CLI::Range(1, 4096));
  cmd->add_option("--crop", crop, "random crop HxW (multiple of 2^(levels-1)); default: full size");
  cmd->add_flag("--no-flip", noFlip, "no horizontal flips");
  cmd->add_option("--zoom", o.augment.zoomMax,
                  "random zoom up to this factor: a smaller window resized to the crop (1: off; e.g. 1.5)")
      ->check(CLI::Range(1.0, 4.0));
  cmd->add_option("--color-jitter", o.augment.colorJitter,
                  "brightness, contrast and saturation scaled by U(1-j, 1+j) (0: off; e.g. 0.1)")
      ->check(CLI::Range(0.0, 0.5));
  cmd->add_option("--lr", o.lr, "peak learning rate");
  cmd->add_option("--weight-decay", o.weightDecay, "AdamW weight decay");
  cmd->add_option("--warmup", o.warmupSteps, "warm-up steps");
  cmd->add_option("--ema", o.emaDecay, "EMA decay");
  cmd->add_option("--clip", o.clipNorm, "gradient norm clip (0: off)");
  cmd->add_option("--channels", o.config.baseChannels, "base channels");
  cmd->add_option("--mult", mult, "channel multipliers per level, e.g. 1,2,2,4");
  cmd->add_option("--res-blocks", o.config.numResBlocks, "residual blocks per level");
  cmd->add_flag("--lean-decoder", o.config.leanDecoder,
                "decoder with --res-blocks blocks a level fed by the encoder blocks only (default: one more, "
                "also fed by conv_in and the downsamplings)");
  cmd->add_option("--attn", attn, "levels with self-attention, e.g. 3 or 2,3 (empty: none)");
  cmd->add_option("--heads", o.config.attentionHeads, "attention heads");
  cmd->add_option("--dropout", o.config.dropout, "dropout in residual blocks");
  cmd->add_option("--label-downsample", o.config.labelDownsample, "label resolution factor s (0: image-level)");
  cmd->add_option("--lambda", o.loss.lambda, "weight of the image velocity loss");
  cmd->add_option("--mu", o.loss.mu, "weight of the semantic-retention cross-entropy");
  cmd->add_option("--beta", o.loss.beta, "label dequantization noise width");
  cmd->add_option("--tau", o.loss.tau, "temperature of the one-step estimate logits");
  cmd->add_option("--time", timeDist, "t distribution: uniform | logit_normal:M:S, with +end:P for P(t=1)");
  cmd->add_flag("--no-class-balance", noBalance, "no median-frequency class weights");
  cmd->add_option("--val-every", o.valEverySteps, "validate every N steps");
  cmd->add_option("--val-minutes", o.valEveryMinutes, "also validate every M minutes");
  cmd->add_option("--val-images", o.valImages, "validation items (0: all)");
  cmd->add_option("--val-draws", o.valDraws, "noise draws averaged in validation");
  cmd->add_option("--log-every", o.logEvery, "progress line every N steps");
  cmd->add_option("--checkpoint-every", o.checkpointEverySteps, "checkpoint every N steps");
  cmd->add_option("--device", o.device, "auto | cpu | cuda");
  cmd->add_option("--amp", amp, "bf16 autocast on CUDA: on | off");
  cmd->add_option("--threads", o.threads, "CPU threads (0: all cores)");
  cmd->add_option("--seed", o.seed, "random seed");
  cmd->add_option("--dtype", dtype, "weights in the model file: f16 | bf16 | f32");
  cmd->add_option("--hardware", o.trainedOn, "hardware description recorded in the model file");
  cmd->callback([&exitCode] {
    if (auto s = checkOutputs(
            {{"--train", o.trainShard, "the training shard"}, {"--val", o.valShard, "the validation shard"}},
            {{"-o", o.output, ""}});
        !s) {
      exitCode = fail(s.error());
      return;
    }
    if (!parseIntList(mult, o.config.channelMult) || o.config.channelMult.empty()) {
      exitCode = fail("--mult must be a comma-separated list of integers, e.g. 1,2,2,4");
      return;
    }
    if (!parseIntList(attn, o.config.attentionLevels)) {
      exitCode = fail("--attn must be a comma-separated list of level indices");
      return;
    }
    if (!crop.empty() && !parseSize(crop, o.cropHeight, o.cropWidth)) {
      exitCode = fail("--crop must look like 96x128 (height x width)");
      return;
    }
    auto ts = TimeSampling::parse(timeDist);
    if (!ts) {
      exitCode = fail(ts.error());
      return;
    }
    o.loss.time = *ts;
    o.classBalance = !noBalance;
    o.augment.flip = !noFlip;
    o.amp = amp == "on";
    o.saveDtype = dtype == "f32" ? DType::F32 : dtype == "bf16" ? DType::BF16 : DType::F16;
#ifdef SYMMFLOW_HAVE_IMAGING
    // A sample sheet that cannot be written is said, and training goes on.
    o.writeImage = [](const std::string& path, const RgbImage& img) {
      if (auto s = imaging::savePng(img, path); !s) std::cerr << "symmflow: warning: " << s.error() << std::endl;
    };
#endif
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    auto r = train(o, std::cout, &g_stop);
    if (!r) {
      exitCode = fail(r.error());
      return;
    }
    std::cout << "done: " << r->steps << " steps in " << r->seconds << " s; model written to " << o.output << std::endl;
    if (r->imagesPerSecond > 0)
      std::cout << "throughput: " << std::fixed << std::setprecision(2) << r->imagesPerSecond << " images/s, "
                << std::setprecision(4) << r->modelTflops
                << " model TFLOP/s (3 evaluations per image at the crop size; validation excluded)" << std::endl;
  });
}

}  // namespace symmflow::cli
