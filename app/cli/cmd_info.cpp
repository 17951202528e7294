// SPDX-License-Identifier: MIT
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "core/model_info.h"
#include "core/model_paths.h"
#include "core/safetensors.h"
#include "core/shard.h"
#include "core/unet.h"
#ifdef SYMMFLOW_HAVE_IMAGING
#include "core/imaging/image_io.h"
#include "core/imaging/provenance.h"
#endif

namespace symmflow::cli {

#ifdef SYMMFLOW_HAVE_IMAGING
namespace {
// A PNG this project wrote: its provenance (core/imaging/provenance.h) and, for a generated
// image, the command that makes it again. Returns the exit code.
int describeImage(const std::string& path, int width, int height, bool json) {
  auto text = imaging::readPngText(path);
  if (!text) return fail(text.error());
  nlohmann::json provenance = nlohmann::json::object();
  for (const auto& [key, value] : *text)
    if (key.rfind("symmflow.", 0) == 0 || key == imaging::provenance::kSoftware) provenance[key] = value;
  nlohmann::json j = {{"kind", "image"}, {"path", path}, {"width", width}, {"height", height}};
  namespace k = imaging::provenance;
  if (!provenance.contains(k::kKind)) {
    j["provenance"] = nullptr;
    j["note"] = "no SymmFlow provenance: this PNG was not written by SymmFlow Studio or symmflow";
  } else {
    j["provenance"] = provenance;
    auto get = [&](const char* key) { return provenance.value(key, std::string()); };
    if (get(k::kKind) == "generate") {
      const std::string model = get(k::kModelFile).empty() ? get(k::kModel) : get(k::kModelFile);
      j["regenerate"] = "symmflow generate -m " + model + " --mask <the label map with SHA-256 " +
                        get(k::kLabelsSha256).substr(0, 12) + "…> --seed " + get(k::kSeed) + " --steps " +
                        get(k::kSteps) + " --solver " + get(k::kSolver) + " -o again.png";
    }
  }
  std::cout << (json ? j.dump() : j.dump(2)) << std::endl;
  return 0;
}
}  // namespace
#endif

void registerInfo(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand(
      "info", "Describe a model file, a data shard or a PNG made by SymmFlow; without a file, list the models found");
  static std::string path;
  static bool json = false;
  cmd->add_option("file", path, "model (.safetensors, or a model name), data shard, or PNG (its provenance)");
  cmd->add_flag("--json", json, "print one JSON object");
  cmd->callback([&exitCode] {
    if (path.empty()) {
      for (const auto& f : listModelFiles()) std::cout << f << "\n";
      std::cout << "(model folders:";
      for (const auto& d : modelSearchDirs()) std::cout << " " << d;
      std::cout << ")\n";
      return;
    }
    std::string err;
    std::string resolved = resolveModelPath(path, &err);
    if (resolved.empty()) {
      exitCode = fail(err);
      return;
    }
#ifdef SYMMFLOW_HAVE_IMAGING
    if (auto probe = imaging::probeImage(resolved); probe && probe->format == "PNG") {
      exitCode = describeImage(resolved, probe->width, probe->height, json);
      return;
    } else if (!probe) {  // a broken image: the loader's words, not "not a safetensors file"
      exitCode = fail(probe.error());
      return;
    }
#endif
    auto header = SafetensorsFile::readHeader(resolved);
    if (!header) {
      exitCode = fail(header.error());
      return;
    }
    if (header->metadataOr("format") == "symmflow-shard") {
      auto shard = Shard::load(resolved);
      if (!shard) {
        exitCode = fail(shard.error());
        return;
      }
      nlohmann::json j = {{"kind", "shard"},
                          {"path", resolved},
                          {"items", shard->size()},
                          {"height", shard->height()},
                          {"width", shard->width()},
                          {"masks", shard->hasMasks()},
                          {"labels", shard->hasLabels()},
                          {"classes", shard->classes().size()},
                          {"source", shard->source()},
                          {"class_frequencies", shard->classFrequencies()}};
      std::cout << (json ? j.dump() : j.dump(2)) << std::endl;
      return;
    }
    auto info = inspectModel(resolved);
    if (!info) {
      exitCode = fail(info.error());
      return;
    }
    SymmFlowUNet net(info->config);
    nlohmann::json classes = nlohmann::json::array();
    for (const auto& c : info->classes.classes) classes.push_back({{"name", c.name}, {"color", c.color}});
    nlohmann::json j = {{"kind", "model"},
                        {"path", resolved},
                        {"image_size", {info->config.imageHeight, info->config.imageWidth}},
                        {"label_size", {info->labelHeight(), info->labelWidth()}},
                        {"image_level", info->imageLevel()},
                        {"classes", classes},
                        {"ignore_index", info->classes.ignoreIndex},
                        {"parameters", info->parameterCount},
                        {"gflops_per_eval", net->gflops()},
                        {"weights_dtype", info->weightsDtype},
                        {"file_bytes", info->fileBytes},
                        {"config", nlohmann::json::parse(info->config.toJson())},
                        {"recipe", nlohmann::json::parse(info->recipeJson, nullptr, false)},
                        {"metrics", nlohmann::json::parse(info->metricsJson, nullptr, false)},
                        {"trained", nlohmann::json::parse(info->trainedJson, nullptr, false)}};
    std::cout << (json ? j.dump() : j.dump(2)) << std::endl;
  });
}

}  // namespace symmflow::cli
