// SPDX-License-Identifier: MIT
// symmflow: the command line of SymmFlow Studio.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "app/cli/commands.h"
#include "core/engine.h"
#include "core/model_paths.h"
#include "core/runtime_env.h"

namespace symmflow::cli {

const CLI::Validator OutputFolderExists(
    [](std::string& path) -> std::string {
      std::error_code ec;
      const auto dir = std::filesystem::path(path).parent_path();
      if (dir.empty() || std::filesystem::is_directory(dir, ec)) return {};
      return "the folder '" + dir.string() + "' does not exist; create it first or write somewhere else";
    },
    "", "output folder exists");

int fail(const std::string& message) {
  std::cerr << "symmflow: error: " << message << std::endl;
  return 1;
}

bool parseIntList(const std::string& text, std::vector<int>& out) {
  out.clear();
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    size_t used = 0;
    try {
      out.push_back(std::stoi(item, &used));
    } catch (...) {
      return false;
    }
    if (used != item.size()) return false;
  }
  return true;
}

std::string resolveModelPath(const std::string& nameOrPath, std::string* error) {
  auto p = findModel(nameOrPath);
  if (p.empty() && error) {
    std::string dirs;
    for (const auto& d : modelSearchDirs()) dirs += "\n  " + d;
    *error = "model '" + nameOrPath + "' not found (give a path to a .safetensors file, or a name from:" +
             (dirs.empty() ? std::string("\n  (no model folders found)") : dirs) + ")";
  }
  return p;
}

}  // namespace symmflow::cli

int main(int argc, char** argv) {
  using namespace symmflow;
  prepareRuntimeEnvironment(argv);
  CLI::App app{"symmflow: generate, segment, classify and edit images with one SymmFlow model"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] {
    const auto blas = openBlasCoreName();
    return "symmflow " + engineVersion() + " (LibTorch " + torchVersion() + ", " +
           (cudaAvailable() ? "CUDA available" : "CPU only") + (blas.empty() ? "" : ", OpenBLAS " + blas) + ")";
  });
  int exitCode = 0;
  cli::registerInfo(app, exitCode);
  cli::registerTrain(app, exitCode);
  cli::registerEval(app, exitCode);
  cli::registerBench(app, exitCode);
#ifdef SYMMFLOW_HAVE_IMAGING
  cli::registerPack(app, exitCode);
  cli::registerGenerate(app, exitCode);
  cli::registerSegment(app, exitCode);
  cli::registerClassify(app, exitCode);
  cli::registerEdit(app, exitCode);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exitCode;
}
