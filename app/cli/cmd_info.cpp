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

namespace symmflow::cli {

void registerInfo(CLI::App& app, int& exitCode) {
  auto* cmd =
      app.add_subcommand("info", "Describe a model file or a data shard; without a file, list the models found");
  static std::string path;
  static bool json = false;
  cmd->add_option("file", path, "model (.safetensors, or a model name) or data shard");
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
