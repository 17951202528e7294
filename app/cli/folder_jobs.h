// SPDX-License-Identifier: MIT
#pragma once
// Folder mode of `generate` and `segment`: every image (or mask) directly in an input
// folder, one result each named after the input's stem, written into an output folder. One
// model load for the lot; a file that fails is reported and the others go on.
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/result.h"

namespace symmflow::cli {

// True when `path` names a folder: an existing one, or a path ending in '/'.
bool isFolderArgument(const std::string& path);

// Option check for an output that is a .png file (whose folder exists) or a folder (whose
// parent exists; it is created).
extern const CLI::Validator PngOrFolderOutput;

// Creates `dir` when missing (not its parents); an error when that fails or a file has the name.
Status prepareOutputFolder(const std::string& dir);

// `dir`/`stem`.png
std::string pngInFolder(const std::string& dir, const std::string& stem);

// Runs `job` on each input in order. A failure prints "symmflow: error: <input>: <message>"
// and the rest go on; at the end one line says how many of how many `verb` ("segmented 9
// of 10 photos"). Returns the exit code: 0 when every input succeeded, else 1.
int forEachInput(const std::vector<std::string>& inputs, const std::string& verb, const std::string& noun,
                 const std::function<Status(const std::string&)>& job);

}  // namespace symmflow::cli
