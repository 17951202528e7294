// SPDX-License-Identifier: MIT
#pragma once
// The files a command writes must not be the files it reads, nor each other: a typo such as
// `segment -i photo.png -o photo.png` would otherwise replace the photo with its mask.
// Checked before any model loads. Plain std::filesystem (no imaging, no torch).
#include <string>
#include <vector>

#include "core/result.h"

namespace symmflow::cli {

// A file a command reads or writes, with the option that names it and, for inputs, what it
// is ("the photo", "the label map").
struct NamedPath {
  std::string option;  // "-i", "--mask", "-o", ...
  std::string path;    // empty: the option was not given (skipped)
  std::string what;    // inputs only
};

// True when a and b name the same file: the same file on disk when both exist (hard and
// symbolic links included), else the same absolute path once "." and ".." and the symbolic
// links of existing parents are resolved.
bool sameFile(const std::string& a, const std::string& b);

// An error when an output names one of the inputs ("-o 'p.png' is the photo given with -i:
// writing it would replace the photo; give the output another name") or two outputs name
// the same file ("-o and --mask-preview both name 'x.png': give each its own file").
Status checkOutputs(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs);

}  // namespace symmflow::cli
