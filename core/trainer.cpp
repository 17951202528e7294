// SPDX-License-Identifier: MIT
#include "core/trainer.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <thread>

#include <ATen/autocast_mode.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>
#include <torch/version.h>

#include "core/evaluate.h"
#include "core/inference.h"
#include "core/label_space.h"
#include "core/model_io.h"
#include "core/shard.h"
#include "core/unet.h"

// LibTorch >= 2.4 has per-device autocast setters; 1.13 has the CUDA-only ones.
// SYMMFLOW_NO_AUTOCAST (CMake option) builds without autocast at all.
#if !defined(SYMMFLOW_NO_AUTOCAST) && \
    (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4))
#define SYMMFLOW_DEVICE_AUTOCAST 1
#endif

namespace symmflow {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void configureThreads(int threads) {
  const int n = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(n);
}

Result<std::string> resolveDevice(const std::string& name) {
  if (name == "cpu") return std::string("cpu");
  const bool cuda = torch::cuda::is_available();
  if (name == "auto") return std::string(cuda ? "cuda" : "cpu");
  if (name.rfind("cuda", 0) == 0) {
    if (!cuda)
      return Error{
          "CUDA was asked for but no CUDA device is available (this build or machine has none); use --device cpu"};
    return name;
  }
  return Error{"unknown device '" + name + "' (use auto, cpu or cuda)"};
}

namespace {

// bf16 autocast for the forward pass on CUDA (thread-local state).
class AutocastScope {
 public:
  explicit AutocastScope(bool on) : m_on(on) {
#ifdef SYMMFLOW_NO_AUTOCAST
    m_on = false;
#endif
    if (!m_on) return;
#if defined(SYMMFLOW_DEVICE_AUTOCAST)
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
#elif !defined(SYMMFLOW_NO_AUTOCAST)
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
#endif
  }
  ~AutocastScope() {
    if (!m_on) return;
#if defined(SYMMFLOW_DEVICE_AUTOCAST)
    at::autocast::set_autocast_enabled(at::kCUDA, false);
    at::autocast::clear_cache();
#elif !defined(SYMMFLOW_NO_AUTOCAST)
    at::autocast::set_enabled(false);
    at::autocast::clear_cache();
#endif
  }

 private:
  bool m_on;
};

// All parameters live in one flat buffer so that the optimizer, clipping and EMA are a
// handful of kernels instead of several per tensor.
struct FlatParams {
  torch::Tensor params, grads;
  std::vector<torch::Tensor> views;
  void build(SymmFlowUNet& net) {
    int64_t total = 0;
    for (auto& p : net->parameters()) total += p.numel();
    auto opts = net->parameters().front().options();
    params = torch::empty({total}, opts);
    grads = torch::zeros({total}, opts);
    int64_t off = 0;
    torch::NoGradGuard g;
    for (auto& p : net->parameters()) {
      const auto n = p.numel();
      params.narrow(0, off, n).copy_(p.detach().flatten());
      p.set_data(params.narrow(0, off, n).view(p.sizes()));
      p.mutable_grad() = grads.narrow(0, off, n).view(p.sizes());
      off += n;
    }
  }
};

std::string fmtTime(double s) {
  const int t = static_cast<int>(s);
  std::ostringstream o;
  o << std::setfill('0');
  if (t >= 3600) o << t / 3600 << ":" << std::setw(2);
  o << (t % 3600) / 60 << ":" << std::setw(2) << t % 60;
  return o.str();
}

std::string nowUtc() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

RgbImage tensorToImage(const torch::Tensor& hwc) {
  auto c = hwc.to(torch::kByte).cpu().contiguous();
  RgbImage img(static_cast<int>(c.size(1)), static_cast<int>(c.size(0)));
  std::memcpy(img.pixels.data(), c.data_ptr(), img.pixels.size());
  return img;
}

// A grid: for each of up to 4 items, [label colours | generated (10 Euler steps) | real].
RgbImage sampleGrid(SymmFlowUNet net, const Shard& shard, const ClassList& classes) {
  torch::InferenceMode guard;
  const auto& cfg = net->config();
  const int64_t n = std::min<int64_t>(4, shard.size());
  // Items spread over the shard (neighbours in a video data set look alike).
  std::vector<torch::Tensor> xs, idList;
  for (int64_t i = 0; i < n; ++i) {
    auto one = shard.slice(i * shard.size() / n, 1, cfg.labelDownsample);
    xs.push_back(one.x);
    idList.push_back(one.ids);
  }
  Shard::Batch b{torch::cat(xs), torch::cat(idList)};
  auto gen = generateImages(net, b.ids, 10, Solver::Euler, 0);
  std::vector<uint8_t> pal;
  for (const auto& c : classes.classes) pal.insert(pal.end(), c.color.begin(), c.color.end());
  auto palette = torch::from_blob(pal.data(), {classes.size(), 3}, torch::kByte).clone().to(b.ids.device());
  auto ids = b.ids.clamp(0, classes.size() - 1);
  auto labelsUp = decodeLabels(upsampleLabels(encodeLabels(ids, classes.size()), cfg.imageHeight, cfg.imageWidth));
  auto colours = palette.index_select(0, labelsUp.flatten()).view({n, cfg.imageHeight, cfg.imageWidth, 3});
  auto genB = imagesToBytes(gen.state.x).to(b.ids.device());
  auto realB = imagesToBytes(b.x).to(b.ids.device());
  auto rows = torch::cat({colours, genB, realB}, 2);  // n,H,3W,3
  return tensorToImage(rows.reshape({n * cfg.imageHeight, 3 * cfg.imageWidth, 3}));
}

}  // namespace

Result<TrainSummary> train(const TrainOptions& o, std::ostream& log, const std::atomic<bool>* cancel) {
  try {
    configureThreads(o.threads);
    auto devName = resolveDevice(o.device);
    if (!devName) return Error{devName.error()};
    const torch::Device device(*devName);
    const bool cuda = device.is_cuda();
    if (cuda) {
      at::globalContext().setBenchmarkCuDNN(true);
    }
    torch::manual_seed(o.seed);

    auto train = Shard::load(o.trainShard);
    if (!train) return Error{train.error()};
    std::optional<Shard> val;
    if (!o.valShard.empty()) {
      auto v = Shard::load(o.valShard);
      if (!v) return Error{v.error()};
      val = std::move(*v);
    }
    const ClassList classes = train->classes();
    ModelConfig cfg = o.config;
    cfg.numClasses = classes.size();
    cfg.imageHeight = static_cast<int>(train->height());
    cfg.imageWidth = static_cast<int>(train->width());
    if (!train->hasMasks() && cfg.labelDownsample != 0) cfg.labelDownsample = 0;
    if (auto why = cfg.validate(); !why.empty()) return Error{"invalid model config: " + why};
    const int f = 1 << (cfg.levels() - 1);
    if ((o.cropHeight > 0 && o.cropHeight % f) || (o.cropWidth > 0 && o.cropWidth % f))
      return Error{"crop size must be divisible by " + std::to_string(f)};

    SymmFlowUNet net(cfg);
    if (!o.initFrom.empty()) {
      auto file = SafetensorsFile::read(o.initFrom);
      if (!file) return Error{file.error()};
      if (auto s = loadWeightsInto(*file, net); !s)
        return Error{"cannot warm-start from " + o.initFrom + ": " + s.error()};
      log << "warm start from " << o.initFrom << "\n";
    }
    net->to(device);
    FlatParams flat;
    flat.build(net);
    const int64_t P = flat.params.numel();
    auto m = torch::zeros_like(flat.params), v = torch::zeros_like(flat.params);
    auto ema = flat.params.detach().clone();

    train->to(device);
    if (val) val->to(device);

    FlowLossOptions lossOpts = o.loss;
    lossOpts.ignoreIndex = classes.ignoreIndex;
    if (o.classBalance) {
      auto w = train->medianFrequencyWeights();
      lossOpts.classWeights = torch::tensor(std::vector<float>(w.begin(), w.end()));
    }

    // Resume.
    int64_t step = 0;
    double elapsedBefore = 0;
    double best = -1;
    bool resumed = false;
    const std::string ckpt =
        o.runDir.empty() ? std::string() : (fs::path(o.runDir) / "checkpoint.safetensors").string();
    if (!o.runDir.empty()) fs::create_directories(o.runDir);
    if (!ckpt.empty() && fs::exists(ckpt)) {
      auto file = SafetensorsFile::read(ckpt);
      if (!file) return Error{"cannot resume: " + file.error()};
      if (file->metadataOr("config") != cfg.toJson())
        return Error{"cannot resume from " + ckpt +
                     ": it was made with another model config (delete it or use another --run-dir)"};
      for (auto [name, target] : {std::pair<const char*, torch::Tensor*>{"params", &flat.params},
                                  {"ema", &ema},
                                  {"adam_m", &m},
                                  {"adam_v", &v}}) {
        const auto* e = file->find(name);
        if (!e || e->dtype != DType::F32 || e->numel() != P)
          return Error{"cannot resume: checkpoint entry '" + std::string(name) + "' is missing or has the wrong size"};
        torch::NoGradGuard g;
        target->copy_(fromEntry(*file, *e)->to(device));
      }
      step = std::stoll(file->metadataOr("step", "0"));
      elapsedBefore = std::stod(file->metadataOr("seconds", "0"));
      best = std::stod(file->metadataOr("best", "-1"));
      resumed = true;
      log << "resumed from " << ckpt << " at step " << step << "\n";
    }

    auto saveCheckpoint = [&](double seconds) -> Status {
      if (ckpt.empty()) return {};
      return writeSafetensors(ckpt,
                              {toBlob("params", flat.params, DType::F32), toBlob("ema", ema, DType::F32),
                               toBlob("adam_m", m, DType::F32), toBlob("adam_v", v, DType::F32)},
                              {{"config", cfg.toJson()},
                               {"step", std::to_string(step)},
                               {"seconds", std::to_string(seconds)},
                               {"best", std::to_string(best)}});
    };

    nlohmann::json recipe = {{"trainer", "symmflow train"},
                             {"train_shard", fs::path(o.trainShard).filename().string()},
                             {"val_shard", o.valShard.empty() ? "" : fs::path(o.valShard).filename().string()},
                             {"batch", o.batch},
                             {"crop", {o.cropHeight, o.cropWidth}},
                             {"flip", o.augment.flip},
                             {"zoom_max", o.augment.zoomMax},
                             {"color_jitter", o.augment.colorJitter},
                             {"lr", o.lr},
                             {"weight_decay", o.weightDecay},
                             {"warmup_steps", o.warmupSteps},
                             {"min_lr_fraction", o.minLrFraction},
                             {"schedule", "linear warm-up, cosine decay over steps or wall-clock budget"},
                             {"clip_norm", o.clipNorm},
                             {"ema_decay", o.emaDecay},
                             {"lambda", lossOpts.lambda},
                             {"mu", lossOpts.mu},
                             {"beta", lossOpts.beta},
                             {"tau", lossOpts.tau},
                             {"time_sampling", lossOpts.time.toString()},
                             {"class_balance", o.classBalance},
                             {"amp", o.amp && cuda ? "bf16" : "off"},
                             {"seed", o.seed},
                             {"init_from", o.initFrom}};

    const bool imageLevel = cfg.imageLevel();
    auto validate = [&]() -> std::pair<double, double> {
      if (!val) return {-1, -1};
      torch::NoGradGuard g;
      auto backup = flat.params.detach().clone();
      flat.params.detach().copy_(ema);
      net->eval();
      EvalOptions eo;
      eo.steps = 1;
      eo.draws = o.valDraws;
      eo.batch = std::max(1, std::min(32, o.batch));
      eo.limit = o.valImages;
      auto cm = evaluateShard(net, *val, eo);
      if (o.writeImage && !o.runDir.empty()) {
        try {
          o.writeImage((fs::path(o.runDir) / ("samples_" + std::to_string(step) + ".png")).string(),
                       sampleGrid(net, *val, classes));
        } catch (const std::exception& e) {
          log << "(sample grid failed: " << e.what() << ")\n";
        }
      }
      flat.params.detach().copy_(backup);
      net->train();
      return {imageLevel ? cm.pixelAccuracy() : cm.meanIou(), cm.pixelAccuracy()};
    };

    auto saveOutput = [&](double metric, double pixAcc, double seconds) -> Status {
      if (o.output.empty()) return {};
      torch::NoGradGuard g;
      auto backup = flat.params.detach().clone();
      flat.params.detach().copy_(ema);
      nlohmann::json metrics = {{"val_steps", 1}};
      if (imageLevel)
        metrics["val_accuracy"] = metric;
      else {
        metrics["val_miou"] = metric;
        metrics["val_pixel_accuracy"] = pixAcc;
      }
      nlohmann::json trained = {{"device", cuda ? "cuda" : "cpu"},
                                {"hardware", o.trainedOn},
                                {"steps", step},
                                {"seconds", seconds},
                                {"finished", nowUtc()},
                                {"parameters", P},
                                {"torch", TORCH_VERSION}};
      auto s = saveModel(
          o.output, net, classes,
          {{meta::kRecipe, recipe.dump()}, {meta::kMetrics, metrics.dump()}, {meta::kTrained, trained.dump()}},
          o.saveDtype);
      flat.params.detach().copy_(backup);
      return s;
    };

    std::ofstream csv;
    if (!o.runDir.empty()) {
      const auto path = fs::path(o.runDir) / "log.csv";
      const bool fresh = !fs::exists(path);
      csv.open(path, std::ios::app);
      if (fresh) csv << "step,seconds,loss,loss_x,loss_y,loss_sem,lr,grad_norm,val_metric,val_pixel_accuracy\n";
    }

    log << "training " << P << " parameters (" << std::fixed << std::setprecision(2) << net->gflops()
        << " GFLOP/eval at " << cfg.imageHeight << "x" << cfg.imageWidth << ") on " << *devName << ", " << train->size()
        << " training items, batch " << o.batch << std::endl;
    // Model FLOPs of one training image: forward + backward (~2x forward) at the crop size.
    const double trainGflopPerImage = 3.0 * net->gflops(o.cropHeight > 0 ? o.cropHeight : cfg.imageHeight,
                                                        o.cropWidth > 0 ? o.cropWidth : cfg.imageWidth);
    double loggedSeconds = 0;
    int64_t loggedSteps = 0;

    // A warm start (not a resume) is validated before the first step: the output is the
    // best validated model with the starting weights included, so a fine-tune that only
    // makes things worse leaves the starting model (under this run's recipe) in `output`.
    if (!resumed && !o.initFrom.empty() && val) {
      auto [metric, pix] = validate();
      log << "validation of the warm start: " << (imageLevel ? "accuracy " : "one-step mIoU ") << std::setprecision(4)
          << metric << ", pixel accuracy " << pix << std::endl;
      best = metric;
      if (auto st = saveOutput(metric, pix, 0.0); !st) return Error{st.error()};
    }

    net->train();
    const auto t0 = Clock::now();
    auto lastVal = t0;
    auto seconds = [&] { return elapsedBefore + std::chrono::duration<double>(Clock::now() - t0).count(); };
    const double budget = o.minutes > 0 ? o.minutes * 60.0 : 0.0;
    auto sumLoss = torch::zeros({4}, flat.params.options());
    int64_t sinceLog = 0;
    auto lastLog = Clock::now();
    double lastMetric = -1, lastPix = -1;
    torch::Tensor gnorm = torch::zeros({}, flat.params.options());
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;

    while (step < o.maxSteps) {
      if (cancel && cancel->load()) break;
      const double elapsedRun = std::chrono::duration<double>(Clock::now() - t0).count();
      if (budget > 0 && elapsedBefore + elapsedRun >= budget) break;
      const double frac = std::max(static_cast<double>(step) / static_cast<double>(o.maxSteps),
                                   budget > 0 ? (elapsedBefore + elapsedRun) / budget : 0.0);
      double lr = o.lr * (step < o.warmupSteps ? static_cast<double>(step + 1) / o.warmupSteps
                                               : o.minLrFraction + (1 - o.minLrFraction) * 0.5 *
                                                                       (1 + std::cos(M_PI * std::min(1.0, frac))));

      auto batch = train->sample(o.batch, o.cropHeight, o.cropWidth, o.augment, cfg.labelDownsample);
      FlowLoss loss;
      {
        AutocastScope ac(cuda && o.amp);
        loss = symmflowLoss(net, batch.x, batch.ids, lossOpts);
      }
      flat.grads.zero_();
      loss.total.backward();
      {
        torch::NoGradGuard g;
        auto& gr = flat.grads;
        gnorm = gr.norm();
        if (o.clipNorm > 0) gr.mul_(torch::clamp_max(o.clipNorm / (gnorm + 1e-6), 1.0));
        gr.nan_to_num_(0.0, 0.0, 0.0);
        ++step;
        const double bc1 = 1 - std::pow(b1, static_cast<double>(step)),
                     bc2 = 1 - std::pow(b2, static_cast<double>(step));
        m.mul_(b1).add_(gr, 1 - b1);
        v.mul_(b2).addcmul_(gr, gr, 1 - b2);
        auto& p = flat.params;
        p.mul_(1 - lr * o.weightDecay);
        p.addcdiv_(m, v.sqrt().div_(std::sqrt(bc2)).add_(eps), -lr / bc1);
        const double decay = std::min(o.emaDecay, (1.0 + step) / (10.0 + step));
        ema.lerp_(p, 1 - decay);
        sumLoss += torch::stack({loss.total.detach(), loss.lx, loss.ly, loss.lsem}).to(sumLoss.scalar_type());
      }
      ++sinceLog;

      const bool timeForVal = (o.valEverySteps > 0 && step % o.valEverySteps == 0) ||
                              (o.valEveryMinutes > 0 &&
                               std::chrono::duration<double>(Clock::now() - lastVal).count() >= o.valEveryMinutes * 60);
      if (step % o.logEvery == 0 || timeForVal) {
        auto l = (sumLoss / static_cast<double>(sinceLog)).cpu();
        const double dt = std::chrono::duration<double>(Clock::now() - lastLog).count();
        const double ips = sinceLog / std::max(1e-9, dt);
        loggedSeconds += dt;
        loggedSteps += sinceLog;
        const double s = seconds();
        double eta = budget > 0 ? budget - s : (o.maxSteps - step) / std::max(ips, 1e-9);
        if (budget > 0) eta = std::min(eta, (o.maxSteps - step) / std::max(ips, 1e-9));
        log << "step " << step << " | " << std::setprecision(2) << ips << " it/s (" << std::setprecision(0)
            << ips * o.batch << " img/s, " << std::setprecision(3) << ips * o.batch * trainGflopPerImage / 1000.0
            << " TFLOP/s) | loss " << std::setprecision(4) << l[0].item<double>() << " (x " << l[1].item<double>()
            << ", y " << l[2].item<double>() << ", sem " << l[3].item<double>() << ") | lr " << std::scientific
            << std::setprecision(2) << lr << std::fixed << " | " << fmtTime(s) << " elapsed, eta "
            << fmtTime(std::max(0.0, eta)) << std::endl;
        if (csv) {
          csv << step << "," << s << "," << l[0].item<double>() << "," << l[1].item<double>() << ","
              << l[2].item<double>() << "," << l[3].item<double>() << "," << lr << "," << gnorm.item<double>();
          if (!timeForVal) csv << ",,\n";
        }
        sumLoss.zero_();
        sinceLog = 0;
        lastLog = Clock::now();
      }
      if (timeForVal) {
        auto [metric, pix] = validate();
        lastVal = Clock::now();
        lastMetric = metric;
        lastPix = pix;
        if (csv) csv << "," << metric << "," << pix << "\n" << std::flush;
        if (metric >= 0) {
          log << "validation at step " << step << ": " << (imageLevel ? "accuracy " : "one-step mIoU ")
              << std::setprecision(4) << metric << ", pixel accuracy " << pix << std::endl;
          if (metric > best) {
            best = metric;
            if (auto st = saveOutput(metric, pix, seconds()); !st) log << "warning: " << st.error() << "\n";
          }
        }
        lastLog = Clock::now();  // validation time is not training throughput
      }
      if (o.checkpointEverySteps > 0 && step % o.checkpointEverySteps == 0)
        if (auto st = saveCheckpoint(seconds()); !st) log << "warning: " << st.error() << "\n";
    }

    TrainSummary sum;
    sum.steps = step;
    sum.seconds = seconds();
    if (loggedSeconds > 0) {
      sum.imagesPerSecond = static_cast<double>(loggedSteps) * o.batch / loggedSeconds;
      sum.modelTflops = sum.imagesPerSecond * trainGflopPerImage / 1000.0;
    }
    auto [metric, pix] = validate();
    if (metric < 0) {
      // No validation shard: keep the last EMA weights.
      if (auto st = saveOutput(-1, -1, sum.seconds); !st) return Error{st.error()};
    } else {
      log << "final validation: " << (imageLevel ? "accuracy " : "one-step mIoU ") << std::setprecision(4) << metric
          << ", pixel accuracy " << pix << std::endl;
      if (metric >= best) {
        best = metric;
        if (auto st = saveOutput(metric, pix, sum.seconds); !st) return Error{st.error()};
      } else {
        log << "keeping the best model so far (" << best << ") in " << o.output << "\n";
      }
    }
    (void)lastMetric;
    (void)lastPix;
    if (auto st = saveCheckpoint(sum.seconds); !st) log << "warning: " << st.error() << "\n";
    sum.bestMetric = best;
    nlohmann::json mj = {{"best", best}, {"steps", step}, {"seconds", sum.seconds}};
    sum.metricsJson = mj.dump();
    return sum;
  } catch (const c10::Error& e) {
    return Error{"training failed: " + std::string(e.what_without_backtrace())};
  } catch (const std::exception& e) {
    return Error{std::string("training failed: ") + e.what()};
  }
}

}  // namespace symmflow
