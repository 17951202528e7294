// SPDX-License-Identifier: MIT
#include "tests/core/test_helpers.h"

#include <fstream>
#include <random>
#include <sstream>

#include <ATen/CPUGeneratorImpl.h>

#include "tests/support/temp_dir.h"

namespace symmflow::testing {

TempDir::TempDir() : m_dir(makeTempDir("symmflow-test")) {}
TempDir::~TempDir() { removeTree(m_dir.string()); }

void writeBytes(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }
std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ClassList shapeClasses() {
  ClassList c;
  c.classes = {{"background", {30, 30, 200}}, {"box", {220, 40, 40}}, {"disc", {40, 220, 60}}};
  return c;
}

std::pair<torch::Tensor, torch::Tensor> makeShapes(int64_t n, int64_t h, int64_t w, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto masks = torch::zeros({n, h, w}, torch::kByte);
  auto m = masks.accessor<uint8_t, 3>();
  for (int64_t i = 0; i < n; ++i) {
    std::uniform_int_distribution<int64_t> py(0, h / 2), px(0, w / 2), sz(h / 4, h / 2);
    const int64_t y0 = py(rng), x0 = px(rng), s = sz(rng);
    for (int64_t y = y0; y < std::min(h, y0 + s); ++y)
      for (int64_t x = x0; x < std::min(w, x0 + s); ++x) m[i][y][x] = 1;
    std::uniform_real_distribution<double> cy(h * 0.25, h * 0.75), cx(w * 0.25, w * 0.75), rr(h * 0.15, h * 0.3);
    const double yc = cy(rng), xc = cx(rng), r = rr(rng);
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        if ((y - yc) * (y - yc) + (x - xc) * (x - xc) <= r * r) m[i][y][x] = 2;
  }
  const auto classes = shapeClasses();
  auto palette = torch::empty({3, 3}, torch::kFloat);
  for (int c = 0; c < 3; ++c)
    for (int k = 0; k < 3; ++k) palette[c][k] = static_cast<float>(classes.classes[c].color[k]);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto images = palette.index_select(0, masks.to(torch::kLong).flatten()).view({n, h, w, 3});
  images = (images + at::randn({n, h, w, 3}, gen, torch::TensorOptions()) * 8.0).clamp(0, 255).to(torch::kByte);
  return {images, masks};
}

ModelConfig tinyConfig(int h, int w, int classes) {
  ModelConfig c;
  c.imageHeight = h;
  c.imageWidth = w;
  c.numClasses = classes;
  c.baseChannels = 16;
  c.channelMult = {1, 2};
  c.numResBlocks = 1;
  c.attentionLevels = {};
  return c;
}

SymmFlowUNet randomNet() {
  torch::manual_seed(3);
  SymmFlowUNet net(tinyConfig(16, 24, 3));
  torch::NoGradGuard g;
  for (auto& p : net->named_parameters())
    if (p.key().find("conv_out") != std::string::npos || p.key().find("conv2") != std::string::npos)
      p.value().normal_(0, 0.05);
  net->eval();
  return net;
}

}  // namespace symmflow::testing
