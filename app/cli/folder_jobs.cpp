// SPDX-License-Identifier: MIT
#include "app/cli/folder_jobs.h"

#include <filesystem>
#include <iostream>

#include "app/cli/commands.h"
#include "core/imaging/image_io.h"

namespace symmflow::cli {
namespace fs = std::filesystem;

bool isFolderArgument(const std::string& path) {
  std::error_code ec;
  return (!path.empty() && path.back() == '/') || fs::is_directory(path, ec);
}

const CLI::Validator PngOrFolderOutput(
    [](std::string& path) -> std::string {
      std::error_code ec;
      if (isFolderArgument(path)) {
        const auto parent = fs::path(path).lexically_normal().parent_path().parent_path();
        if (fs::is_directory(path, ec) || parent.empty() || fs::is_directory(parent, ec)) return {};
        return "the folder '" + parent.string() + "' does not exist; create it first or write somewhere else";
      }
      if (imaging::lowerExtension(path) != "png")
        return "'" + path +
               "': this is written as PNG (lossless, with its provenance); name it .png, or end a folder "
               "with '/'";
      return OutputFolderExists(path);
    },
    "", "a .png file or a folder");

Status prepareOutputFolder(const std::string& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return {};
  if (fs::exists(dir, ec)) return Error{"'" + dir + "' is a file, not a folder"};
  if (!fs::create_directory(dir, ec))
    return Error{"cannot create the folder '" + dir + "'" + (ec ? " (" + ec.message() + ")" : std::string())};
  return {};
}

std::string pngInFolder(const std::string& dir, const std::string& stem) {
  return (fs::path(dir) / (stem + ".png")).string();
}

int forEachInput(const std::vector<std::string>& inputs, const std::string& verb, const std::string& noun,
                 const std::function<Status(const std::string&)>& job) {
  std::size_t done = 0;
  for (const auto& input : inputs) {
    if (auto s = job(input); !s) {
      // Name the file, once.
      fail(s.error().find(input) == std::string::npos ? input + ": " + s.error() : s.error());
    } else {
      ++done;
    }
  }
  std::cout << verb << " " << done << " of " << inputs.size() << " " << noun << std::endl;
  return done == inputs.size() ? 0 : 1;
}

}  // namespace symmflow::cli
