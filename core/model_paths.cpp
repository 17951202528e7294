// SPDX-License-Identifier: MIT
#include "core/model_paths.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <unistd.h>

namespace fs = std::filesystem;

namespace symmflow {
namespace {
std::string exeDir() {
  std::error_code ec;
  const auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.parent_path().string();
}
// The file-name suffix of a preview companion: camvid-small.safetensors serves camvid.
constexpr const char* kCompanionSuffix = "-small";

// The stem a companion stem serves ("camvid-small" -> "camvid"); empty if `stem` is not one.
std::string servedStem(const std::string& stem) {
  const std::string suffix = kCompanionSuffix;
  if (stem.size() <= suffix.size() || stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) != 0) return {};
  return stem.substr(0, stem.size() - suffix.size());
}
}  // namespace

namespace {
// The user's folder of `kind` ("models", "samples"): $XDG_DATA_HOME/symmflow/<kind>, by
// default ~/.local/share/symmflow/<kind>; empty without a home.
std::string userDataDir(const char* kind) {
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return (fs::path(x) / "symmflow" / kind).string();
  if (const char* h = std::getenv("HOME"); h && *h)
    return (fs::path(h) / ".local" / "share" / "symmflow" / kind).string();
  return {};
}

// The data folders named `kind` ("models", "samples"), in search order; `sourceDir` is the
// source tree's folder of that kind. Existing folders only, without duplicates.
std::vector<std::string> dataDirs(const char* kind, const char* sourceDir, std::vector<std::string> candidates) {
  candidates.push_back(userDataDir(kind));
  if (auto d = exeDir(); !d.empty()) candidates.push_back((fs::path(d) / ".." / "share" / "symmflow" / kind).string());
#ifdef SYMMFLOW_DATA_DIR
  candidates.push_back(std::string(SYMMFLOW_DATA_DIR) + "/" + kind);
#endif
#if defined(SYMMFLOW_SOURCE_DIR) && defined(SYMMFLOW_BINARY_DIR)
  // Only for programs run from their build folder; an installed program never looks here.
  if (auto d = exeDir(); !d.empty() && d.rfind(SYMMFLOW_BINARY_DIR, 0) == 0)
    candidates.push_back(std::string(SYMMFLOW_SOURCE_DIR) + "/" + sourceDir);
#else
  (void)sourceDir;
#endif
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& c : candidates) {
    if (c.empty()) continue;
    std::error_code ec;
    if (!fs::is_directory(c, ec)) continue;
    const auto canon = fs::weakly_canonical(c, ec).string();
    if (seen.insert(canon).second) out.push_back(canon);
  }
  return out;
}
}  // namespace

std::string userModelDir() { return userDataDir("models"); }

std::vector<std::string> modelSearchDirs() {
  std::vector<std::string> first;
  if (const char* env = std::getenv("SYMMFLOW_MODELS"); env && *env) first.emplace_back(env);
  return dataDirs("models", "models", first);
}

std::vector<std::string> sampleSearchDirs() { return dataDirs("samples", "resources/samples", {}); }

std::vector<std::string> listSampleMaps(const std::string& modelName) {
  const std::string served = servedStem(modelName);
  const std::string prefix = (served.empty() ? modelName : served) + "_";
  std::vector<std::string> out;
  std::set<std::string> names;
  if (modelName.empty()) return out;
  for (const auto& dir : sampleSearchDirs()) {
    std::vector<std::string> here;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file(ec) && e.path().extension() == ".png" && name.rfind(prefix, 0) == 0)
        here.push_back(e.path().string());
    }
    std::sort(here.begin(), here.end());
    for (const auto& p : here)
      if (names.insert(fs::path(p).filename().string()).second) out.push_back(p);
  }
  return out;
}

std::vector<std::string> listModelFiles() {
  std::vector<std::string> out;
  std::set<std::string> names;
  for (const auto& dir : modelSearchDirs()) {
    std::vector<std::string> here;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file(ec) && e.path().extension() == ".safetensors") here.push_back(e.path().string());
    std::sort(here.begin(), here.end());
    for (const auto& p : here)
      if (names.insert(fs::path(p).filename().string()).second) out.push_back(p);
  }
  return out;
}

std::string findModel(const std::string& nameOrPath) {
  std::error_code ec;
  if (fs::is_regular_file(nameOrPath, ec)) return nameOrPath;
  const std::string file =
      fs::path(nameOrPath).extension() == ".safetensors" ? nameOrPath : nameOrPath + ".safetensors";
  if (nameOrPath.find('/') != std::string::npos) return {};
  for (const auto& dir : modelSearchDirs())
    if (fs::is_regular_file(fs::path(dir) / file, ec)) return (fs::path(dir) / file).string();
  return {};
}

std::string chooseDefaultModel(const std::vector<std::string>& files) {
  std::set<std::string> stems;
  for (const auto& f : files) stems.insert(fs::path(f).stem().string());
  auto isCompanion = [&](const std::string& stem) {
    const std::string served = servedStem(stem);
    return !served.empty() && stems.count(served) > 0;
  };
  std::string best;
  int bestRank = 4;
  for (const auto& f : files) {
    const std::string stem = fs::path(f).stem().string();
    const int rank = stem == "camvid" ? 0 : isCompanion(stem) ? 3 : stem.rfind("camvid", 0) == 0 ? 1 : 2;
    if (rank < bestRank) {
      best = f;
      bestRank = rank;
    }
  }
  return best;
}

std::string previewCompanion(const std::string& modelPath) {
  const fs::path p(modelPath);
  const std::string stem = p.stem().string();
  if (!servedStem(stem).empty() || stem == kCompanionSuffix) return {};
  const fs::path companion = p.parent_path() / (stem + kCompanionSuffix + ".safetensors");
  std::error_code ec;
  return fs::is_regular_file(companion, ec) ? companion.string() : std::string();
}

}  // namespace symmflow
