// SPDX-License-Identifier: MIT
// symmflow eval: one- or few-step segmentation (or classification) metrics of a model
// on a shard or on image/mask folders, at the model's resolution.
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
#include "core/imaging/dataset_folder.h"
#include "core/imaging/framing.h"
#include "core/imaging/image_io.h"
#include "core/imaging/mask_io.h"
#endif

namespace symmflow::cli {
namespace {

#ifdef SYMMFLOW_HAVE_IMAGING
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
    // --images DIR --masks DIR: pair files by stem; every image needs its mask.
    auto listing = imaging::listImageMaskPairs(images, masks, false);
    if (!listing) return Error{listing.error()};
    if (!listing->unmatchedImages.empty())
      return Error{"no mask in " + masks + " for " + listing->unmatchedImages.front() +
                   (listing->unmatchedImages.size() > 1
                        ? " (and " + std::to_string(listing->unmatchedImages.size() - 1) + " more images)"
                        : "")};
    for (const auto& pair : listing->pairs) {
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
      imaging::MaskImportOptions mo;
      mo.offPalette = imaging::MaskImportOptions::OffPalette::Error;
      auto mask = imaging::importMask(maskPaths[i], info.classes, mo);
      if (!mask) return Error{mask.error()};
      // A mask of another size than its image (e.g. generated images at the model size
      // against full-size maps) is framed on its own; its aspect must agree.
      const auto& mk = mask->first;
      const double ai = static_cast<double>(img->width) / img->height, am = static_cast<double>(mk.width) / mk.height;
      if (std::abs(ai - am) > 0.02 * ai)
        return Error{maskPaths[i] + " is " + std::to_string(mk.width) + "x" + std::to_string(mk.height) +
                     ", another shape than its image " + std::to_string(img->width) + "x" +
                     std::to_string(img->height)};
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
  static int steps = 1, draws = 1, batch = 8, limit = 0;
  static std::uint64_t seed = 0;
  static bool json = false, record = false, mirror = false;
  cmd->add_option("-m,--model", model, "model file or name")->required();
  cmd->add_option("--shard", shardPath, "evaluate on a data shard");
#ifdef SYMMFLOW_HAVE_IMAGING
  cmd->add_option("--images", images, "folder of images (with --masks: masks of the same stem)");
  cmd->add_option("--masks", masks, "folder of index or colour masks");
  cmd->add_option("--labels-from-folders", classFolders, "folder with one sub-folder of images per class");
#endif
  cmd->add_option("--steps", steps, "sampler steps from t=1 to t=0")->check(CLI::Range(1, 1000));
  cmd->add_option("--solver", solver, "euler | heun");
  cmd->add_option("--draws", draws, "noise draws averaged per image")->check(CLI::Range(1, 64));
  cmd->add_flag("--mirror", mirror, "also average each draw on the left-right mirrored image (twice the work)");
  cmd->add_option("--batch", batch, "images per batch")->check(CLI::Range(1, 1024));
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
    Result<Shard> shard = Error{"give --shard, --images with --masks, or --labels-from-folders"};
    if (!shardPath.empty())
      shard = Shard::load(shardPath);
#ifdef SYMMFLOW_HAVE_IMAGING
    else if (!images.empty() || !classFolders.empty()) {
      if (classFolders.empty() && masks.empty()) {
        exitCode = fail("--images needs --masks (or use --labels-from-folders)");
        return;
      }
      shard = shardFromFolders(info, images, masks, classFolders, limit);
    }
#endif
    if (!shard) {
      exitCode = fail(shard.error());
      return;
    }
    if (shard->classes().size() != info.config.numClasses) {
      exitCode = fail("the data has " + std::to_string(shard->classes().size()) + " classes but the model has " +
                      std::to_string(info.config.numClasses));
      return;
    }
    if (shard->height() != info.config.imageHeight || shard->width() != info.config.imageWidth) {
      exitCode = fail("the shard's images are " + std::to_string(shard->width()) + "x" +
                      std::to_string(shard->height()) + " but the model works at " +
                      std::to_string(info.config.imageWidth) + "x" + std::to_string(info.config.imageHeight));
      return;
    }
    try {
      const torch::Device d(*dev);
      auto net = loaded->net;
      net->to(d, *precision == Precision::Fp16   ? torch::kHalf
                 : *precision == Precision::Bf16 ? torch::kBFloat16
                                                 : torch::kFloat);
      shard->to(d);
      EvalOptions eo;
      eo.steps = steps;
      eo.solver = *solv;
      eo.draws = draws;
      eo.mirror = mirror;
      eo.batch = batch;
      eo.seed = seed;
      eo.limit = limit;
      const auto t0 = std::chrono::steady_clock::now();
      auto cm = evaluateShard(net, *shard, eo);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::vector<std::string> names;
      for (const auto& c : info.classes.classes) names.push_back(c.name);
      auto j = nlohmann::json::parse(cm.toJson(names));
      const bool imageLevel = info.imageLevel() || (shard->hasLabels() && !shard->hasMasks());
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
      j["items"] = limit > 0 ? std::min<int64_t>(limit, shard->size()) : shard->size();
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
