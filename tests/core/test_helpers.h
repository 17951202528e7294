// SPDX-License-Identifier: MIT
#pragma once
// Helpers shared by the core tests: temporary folders and tiny synthetic data.
#include <filesystem>
#include <string>

#include <torch/torch.h>

#include "core/model_info.h"
#include "core/types.h"
#include "core/unet.h"

namespace symmflow::testing {

// A fresh temporary folder removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  std::string path(const std::string& name) const { return (m_dir / name).string(); }
  const std::filesystem::path& dir() const { return m_dir; }

 private:
  std::filesystem::path m_dir;
};

void writeBytes(const std::string& path, const std::string& bytes);
std::string readBytes(const std::string& path);

// Three classes with distinct flat colours.
ClassList shapeClasses();
// Synthetic "shapes" data: each image is the class colour of its mask plus a little noise;
// masks hold a background, a rectangle and a disc at random places. (N,H,W,3) and (N,H,W) uint8.
std::pair<torch::Tensor, torch::Tensor> makeShapes(int64_t n, int64_t h, int64_t w, uint64_t seed);
// A tiny model config for tests.
ModelConfig tinyConfig(int h, int w, int classes);
// An untrained tinyConfig(16, 24, 3) network (eval mode) whose output and second
// convolutions are random, so its velocities depend on the input; seeded, reproducible.
SymmFlowUNet randomNet();

}  // namespace symmflow::testing
