// SPDX-License-Identifier: MIT
// symmflow eval: one- or few-step segmentation (or classification) metrics of a model
// on a shard or on image/mask folders, at the model's resolution, or with --native at each
// photo's own resolution through the same pipeline as `symmflow segment`.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "app/cli/commands.h"
#include "core/engine.h"
#include "core/evaluate.h"
#include "core/model_io.h"
#include "core/safetensors.h"
#include "core/trainer.h"
#ifdef SYMMFLOW_HAVE_IMAGING
#include "app/cli/whole_photo.h"
#include "core/imaging/dataset_folder.h"
#include "core/imaging/framing.h"
#include "core/imaging/image_io.h"
#include "core/imaging/mask_cleanup.h"
#include "core/imaging/mask_io.h"
#include "core/imaging/resample.h"
#endif

namespace symmflow::cli {
namespace {

// What one evaluation measured.
struct Measured {
  ConfusionMatrix cm;
  double seconds = 0.0;
  std::int64_t items = 0;
  bool imageLevel = false;  // one entry per image (top-1 accuracy) instead of per pixel
};

#ifdef SYMMFLOW_HAVE_IMAGING
// --images DIR --masks DIR: files paired by stem; every image needs its mask.
Result<std::vector<imaging::ImageMaskPair>> imageMaskPairs(const std::string& images, const std::string& masks) {
  auto listing = imaging::listImageMaskPairs(images, masks, false);
  if (!listing) return Error{listing.error()};
  if (!listing->unmatchedImages.empty())
    return Error{"no mask in " + masks + " for " + listing->unmatchedImages.front() +
                 (listing->unmatchedImages.size() > 1
                      ? " (and " + std::to_string(listing->unmatchedImages.size() - 1) + " more images)"
                      : "")};
  return listing->pairs;
}

// A mask of another size than its image (e.g. generated images at the model size against
// full-size maps) is accepted when its aspect agrees.
Status checkMaskShape(const std::string& maskPath, const LabelMap& mask, const RgbImage& image) {
  const double ai = static_cast<double>(image.width) / image.height, am = static_cast<double>(mask.width) / mask.height;
  if (std::abs(ai - am) > 0.02 * ai)
    return Error{maskPath + " is " + std::to_string(mask.width) + "x" + std::to_string(mask.height) +
                 ", another shape than its image " + std::to_string(image.width) + "x" + std::to_string(image.height)};
  return {};
}

Result<LabelMap> readTruth(const std::string& maskPath, const ClassList& classes) {
  imaging::MaskImportOptions mo;
  mo.offPalette = imaging::MaskImportOptions::OffPalette::Error;
  auto mask = imaging::importMask(maskPath, classes, mo);
  if (!mask) return Error{mask.error()};
  return std::move(mask->first);
}

// --native: every image segmented at its own size as `symmflow segment` writes it, scored
// against its mask at that size (a mask of another size is scaled to it, nearest neighbour).
// With minRegion > 1 the islands under that many pixels are merged first (segment --min-region).
Result<ConfusionMatrix> evaluateAtPhotoSize(const Engine& engine, const std::string& images, const std::string& masks,
                                            const SegmentParams& params, std::int64_t minRegion, int limit,
                                            std::int64_t* items) {
  const ModelInfo& info = engine.info();
  if (info.imageLevel()) return Error{"--native scores label maps; this model classifies whole images"};
  auto pairs = imageMaskPairs(images, masks);
  if (!pairs) return Error{pairs.error()};
  if (pairs->empty()) return Error{"no images found"};
  if (limit > 0 && static_cast<std::size_t>(limit) < pairs->size()) pairs->resize(static_cast<std::size_t>(limit));
  ConfusionMatrix cm(info.config.numClasses, info.classes.ignoreIndex);
  for (const auto& pair : *pairs) {
    auto image = imaging::loadImage(pair.imagePath);
    if (!image) return Error{image.error()};
    auto truth = readTruth(pair.maskPath, info.classes);
    if (!truth) return Error{truth.error()};
    if (auto s = checkMaskShape(pair.maskPath, *truth, *image); !s) return Error{s.error()};
    if (truth->width != image->width || truth->height != image->height)
      truth = imaging::resizeLabels(*truth, image->width, image->height);
    auto covered = segmentWholePhoto(engine, *image, params);
    if (!covered) return Error{pair.imagePath + ": " + covered.error()};
    if (minRegion > 1) imaging::removeSpecks(covered->labels, minRegion);
    cm.add(truth->ids.data(), covered->labels.ids.data(), truth->ids.size());
  }
  *items = static_cast<std::int64_t>(pairs->size());
  return cm;
}

// Reads images (and masks) into an in-memory shard at the model's size.
Result<Shard> shardFromFolders(const ModelInfo& info, const std::string& images, const std::string& masks,
                               const std::string& classFolders, int limit) {
  const auto& c = info.config;
  std::vector<std::string> imagePaths, maskPaths;
  std::vector<int64_t> labels;
  if (!classFolders.empty()) {
    auto listing = imaging::listClassFolders(classFolders, &info.classes);
    if (!listing) return Error{listing.error()};
    for (const auto& it : listing->items) {
      imagePaths.push_back(it.path);
      labels.push_back(it.classId);
    }
  } else {
    auto pairs = imageMaskPairs(images, masks);
    if (!pairs) return Error{pairs.error()};
    for (const auto& pair : *pairs) {
      imagePaths.push_back(pair.imagePath);
      maskPaths.push_back(pair.maskPath);
    }
  }
  if (imagePaths.empty()) return Error{"no images found"};
  if (limit > 0 && static_cast<int>(imagePaths.size()) > limit) {
    imagePaths.resize(limit);
    if (!maskPaths.empty()) maskPaths.resize(limit);
    if (!labels.empty()) labels.resize(limit);
  }
  const int64_t N = static_cast<int64_t>(imagePaths.size());
  auto imgs = torch::empty({N, c.imageHeight, c.imageWidth, 3}, torch::kByte);
  torch::Tensor ms;
  if (!maskPaths.empty()) ms = torch::empty({N, c.imageHeight, c.imageWidth}, torch::kByte);
  for (int64_t i = 0; i < N; ++i) {
    auto img = imaging::loadImage(imagePaths[i]);
    if (!img) return Error{img.error()};
    const auto framing = imaging::makeFraming(img->width, img->height, c.imageWidth, c.imageHeight);
    auto small = imaging::toModel(*img, framing);
    std::memcpy(imgs[i].data_ptr(), small.pixels.data(), small.pixels.size());
    if (ms.defined()) {
      auto truth = readTruth(maskPaths[i], info.classes);
      if (!truth) return Error{truth.error()};
      if (auto s = checkMaskShape(maskPaths[i], *truth, *img); !s) return Error{s.error()};
      // Framed on its own when its size differs from the image's.
      const auto& mk = *truth;
      auto mm = imaging::labelsToModel(mk, imaging::makeFraming(mk.width, mk.height, c.imageWidth, c.imageHeight));
      std::memcpy(ms[i].data_ptr(), mm.ids.data(), mm.ids.size());
    }
  }
  torch::Tensor lab = labels.empty() ? torch::Tensor() : torch::tensor(labels, torch::kLong);
  return Shard::fromTensors(imgs, ms, lab, info.classes);
}
#endif

}  // namespace

void registerEval(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("eval", "Segmentation mIoU / pixel accuracy (or top-1 accuracy) of a model");
  static std::string model, shardPath, images, masks, classFolders, device = "auto", solver = "euler",
                                                                    precisionArg = "fp32";
  static int steps = 1, draws = 1, batch = 0, limit = 0;
  static std::int64_t minRegion = 0;
  static std::uint64_t seed = 0;
  static bool json = false, record = false, mirror = false, native = false;
  cmd->add_option("-m,--model", model, "model file or name")->required();
  cmd->add_option("--shard", shardPath, "evaluate on a data shard");
#ifdef SYMMFLOW_HAVE_IMAGING
  cmd->add_option("--images", images, "folder of images (with --masks: masks of the same stem)");
  cmd->add_option("--masks", masks, "folder of index or colour masks");
  cmd->add_option("--labels-from-folders", classFolders, "folder with one sub-folder of images per class");
  cmd->add_flag("--native", native,
                "with --images/--masks: segment every image at its own size as 'symmflow segment' does and "
                "score it against its mask at that size");
#endif
  cmd->add_option("--min-region", minRegion,
                  "with --native: merge islands under this many pixels first, as segment --min-region does")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40));
  cmd->add_option("--steps", steps, "sampler steps from t=1 to t=0")->check(CLI::Range(1, 1000));
  cmd->add_option("--solver", solver, "euler | heun");
  cmd->add_option("--draws", draws, "noise draws averaged per image")->check(CLI::Range(1, 64));
  cmd->add_flag("--mirror", mirror, "also average each draw on the left-right mirrored image (twice the work)");
  cmd->add_option("--batch", batch,
                  "images per batch (default: 8 on CUDA; 1 on the CPU, as fast there and a fifth of the memory "
                  "with averaged draws)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--limit", limit, "evaluate only the first N items");
  cmd->add_option("--seed", seed, "noise seed");
  cmd->add_option("--device", device, "auto | cpu | cuda");
  cmd->add_option("--precision", precisionArg, "fp32 | fp16 | bf16 (half precision on CUDA only)");
  cmd->add_flag("--json", json, "print one JSON object");
  cmd->add_flag("--record", record, "also record the result in the model file's metrics metadata (weights unchanged)");
  cmd->callback([&exitCode] {
    std::string err;
    const auto path = resolveModelPath(model, &err);
    if (path.empty()) {
      exitCode = fail(err);
      return;
    }
    auto loaded = loadModel(path);
    if (!loaded) {
      exitCode = fail(loaded.error());
      return;
    }
    auto solv = parseSolver(solver);
    if (!solv) {
      exitCode = fail(solv.error());
      return;
    }
    auto dev = resolveDevice(device);
    if (!dev) {
      exitCode = fail(dev.error());
      return;
    }
    auto precision = parsePrecision(precisionArg);
    if (!precision || *precision == Precision::Auto) {
      exitCode = fail(precision ? "eval measures one precision: give fp32, fp16 or bf16" : precision.error());
      return;
    }
    if (*precision != Precision::Fp32 && *dev != "cuda") {
      exitCode = fail(std::string(precisionName(*precision)) +
                      " runs on CUDA only: add --device cuda or use --precision fp32");
      return;
    }
    configureThreads(0);
    const auto& info = loaded->info;
    // At the model's size: a shard, or image folders read into one at that size.
    auto measureAtModelSize = [](LoadedModel& m, const std::string& device, Precision precision,
                                 Solver solv) -> Result<Measured> {
      Result<Shard> shard = Error{"give --shard, --images with --masks, or --labels-from-folders"};
      if (!shardPath.empty())
        shard = Shard::load(shardPath);
#ifdef SYMMFLOW_HAVE_IMAGING
      else if (!images.empty() || !classFolders.empty()) {
        if (classFolders.empty() && masks.empty())
          return Error{"--images needs --masks (or use --labels-from-folders)"};
        shard = shardFromFolders(m.info, images, masks, classFolders, limit);
      }
#endif
      if (!shard) return Error{shard.error()};
      const auto& c = m.info.config;
      if (shard->classes().size() != c.numClasses)
        return Error{"the data has " + std::to_string(shard->classes().size()) + " classes but the model has " +
                     std::to_string(c.numClasses)};
      if (shard->height() != c.imageHeight || shard->width() != c.imageWidth)
        return Error{"the shard's images are " + std::to_string(shard->width()) + "x" +
                     std::to_string(shard->height()) + " but the model works at " + std::to_string(c.imageWidth) + "x" +
                     std::to_string(c.imageHeight)};
      const torch::Device d(device);
      auto net = m.net;
      net->to(d, precision == Precision::Fp16   ? torch::kHalf
                 : precision == Precision::Bf16 ? torch::kBFloat16
                                                : torch::kFloat);
      shard->to(d);
      EvalOptions eo;
      eo.steps = steps;
      eo.solver = solv;
      eo.draws = draws;
      eo.mirror = mirror;
      eo.batch = batch > 0 ? batch : (d.is_cuda() ? 8 : 1);
      eo.seed = seed;
      eo.limit = limit;
      const auto t0 = std::chrono::steady_clock::now();
      Measured out{evaluateShard(net, *shard, eo)};
      out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      out.items = limit > 0 ? std::min<int64_t>(limit, shard->size()) : shard->size();
      out.imageLevel = m.info.imageLevel() || (shard->hasLabels() && !shard->hasMasks());
      return out;
    };
    // --native: at every photo's own size, through the engine as `symmflow segment` runs it.
    auto measureAtPhotoSize = [](const std::string& modelPath, const std::string& device, Precision precision,
                                 Solver solv) -> Result<Measured> {
#ifdef SYMMFLOW_HAVE_IMAGING
      if (images.empty() || masks.empty()) return Error{"--native needs --images and --masks"};
      auto engine = Engine::load(modelPath, device == "cuda" ? DeviceKind::Cuda : DeviceKind::Cpu, precision);
      if (!engine) return Error{engine.error()};
      SegmentParams p;
      p.steps = steps;
      p.solver = solv;
      p.seed = seed;
      p.draws = draws;
      p.mirror = mirror;
      p.mirrorWhenFlipTrained = false;  // exactly the draws and mirroring asked for, as at the model's size
      const auto t0 = std::chrono::steady_clock::now();
      std::int64_t items = 0;
      auto cm = evaluateAtPhotoSize(*engine, images, masks, p, minRegion, limit, &items);
      if (!cm) return Error{cm.error()};
      Measured out{std::move(cm).value()};
      out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      out.items = items;
      return out;
#else
      (void)modelPath, (void)device, (void)precision, (void)solv;
      return Error{"--native needs the imaging layer (this build has no OpenCV)"};
#endif
    };
    if (minRegion > 1 && !native) {
      exitCode = fail("--min-region works at each photo's own size: add --native (with --images and --masks)");
      return;
    }
    try {
      Result<Measured> measured = native ? measureAtPhotoSize(path, *dev, *precision, *solv)
                                         : measureAtModelSize(loaded.value(), *dev, *precision, *solv);
      if (!measured) {
        exitCode = fail(measured.error());
        return;
      }
      const ConfusionMatrix& cm = measured->cm;
      const double secs = measured->seconds;
      const bool imageLevel = measured->imageLevel;
      std::vector<std::string> names;
      for (const auto& c : info.classes.classes) names.push_back(c.name);
      auto j = nlohmann::json::parse(cm.toJson(names));
      if (imageLevel) {
        j["accuracy"] = cm.pixelAccuracy();
        j["images"] = cm.total();
        j.erase("pixels");
      }
      j["model"] = path;
      j["steps"] = steps;
      j["solver"] = solverName(*solv);
      j["draws"] = draws;
      j["mirror"] = mirror;
      j["items"] = measured->items;
      j["resolution"] = native ? "photo" : "model";
      if (minRegion > 1) j["min_region"] = minRegion;
      j["seconds"] = secs;
      j["device"] = *dev;
      j["precision"] = precisionName(*precision);
      std::cout << (json ? j.dump() : j.dump(2)) << std::endl;
      if (record) {
        auto file = SafetensorsFile::read(path);
        if (!file) {
          exitCode = fail(file.error());
          return;
        }
        auto metrics = nlohmann::json::parse(file->metadataOr(meta::kMetrics, "{}"), nullptr, false);
        if (!metrics.is_object()) metrics = nlohmann::json::object();
        const std::string data = !shardPath.empty() ? std::filesystem::path(shardPath).filename().string()
                                                    : (!images.empty() ? images : classFolders);
        nlohmann::json entry = {{"steps", steps},        {"solver", solverName(*solv)}, {"draws", draws},
                                {"mirror", mirror},      {"items", j["items"]},         {"data", data},
                                {"noise", noiseStream()}};
        for (const char* k : {"miou", "pixel_accuracy", "accuracy", "per_class_iou"})
          if (j.contains(k)) entry[k] = j[k];
        // One entry per setting: eval_steps<S>[_draws<D>][_mirror].
        std::string key = "eval_steps" + std::to_string(steps);
        if (draws != 1) key += "_draws" + std::to_string(draws);
        if (mirror) key += "_mirror";
        if (native) {
          key += "_native";
          entry["resolution"] = "photo";
        }
        if (minRegion > 1) {
          key += "_minregion" + std::to_string(minRegion);
          entry["min_region"] = minRegion;
        }
        if (*precision != Precision::Fp32) {
          key += std::string("_") + precisionName(*precision);
          entry["precision"] = precisionName(*precision);
        }
        metrics[key] = entry;
        std::vector<TensorBlob> blobs;
        for (const auto& e : file->tensors())
          blobs.push_back(
              {e.name, e.dtype, e.shape, std::vector<std::uint8_t>(file->data(e), file->data(e) + e.bytes)});
        auto md = file->metadata();
        md[meta::kMetrics] = metrics.dump();
        if (auto s = writeSafetensors(path, blobs, md); !s) exitCode = fail(s.error());
      }
    } catch (const c10::Error& e) {
      exitCode = fail(std::string("evaluation failed: ") + e.what_without_backtrace());
    }
  });
}

}  // namespace symmflow::cli
