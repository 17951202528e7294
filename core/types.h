// SPDX-License-Identifier: MIT
#pragma once
// Plain value types shared by the engine, the imaging layer and the editor.
// No torch, no OpenCV, no Qt: any layer may include this header.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace symmflow {

// An 8-bit RGB image, rows top to bottom, pixels interleaved R,G,B.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // size width*height*3

  RgbImage() = default;
  RgbImage(int w, int h, std::uint8_t fill = 0)
      : width(w), height(h), pixels(static_cast<std::size_t>(w) * h * 3, fill) {}
  bool empty() const { return width <= 0 || height <= 0; }
  std::uint8_t* at(int x, int y) { return &pixels[(static_cast<std::size_t>(y) * width + x) * 3]; }
  const std::uint8_t* at(int x, int y) const { return &pixels[(static_cast<std::size_t>(y) * width + x) * 3]; }
  bool operator==(const RgbImage& o) const { return width == o.width && height == o.height && pixels == o.pixels; }
};

// A label map: one class id per pixel. kIgnoreId marks "ignore/unknown" pixels.
struct LabelMap {
  static constexpr std::uint8_t kIgnoreId = 255;
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> ids;  // size width*height

  LabelMap() = default;
  LabelMap(int w, int h, std::uint8_t fill = 0) : width(w), height(h), ids(static_cast<std::size_t>(w) * h, fill) {}
  bool empty() const { return width <= 0 || height <= 0; }
  std::uint8_t& at(int x, int y) { return ids[static_cast<std::size_t>(y) * width + x]; }
  std::uint8_t at(int x, int y) const { return ids[static_cast<std::size_t>(y) * width + x]; }
  bool operator==(const LabelMap& o) const { return width == o.width && height == o.height && ids == o.ids; }
};

// A float map with C planes (e.g. per-class probabilities), planar: [c][y][x].
struct FloatPlanes {
  int channels = 0;
  int width = 0;
  int height = 0;
  std::vector<float> data;
  float at(int c, int x, int y) const { return data[(static_cast<std::size_t>(c) * height + y) * width + x]; }
};

using Rgb = std::array<std::uint8_t, 3>;

// ODE solvers of the samplers: Euler (1 evaluation a step) and Heun (2, second order).
enum class Solver { Euler, Heun };

struct ClassInfo {
  std::string name;
  Rgb color{0, 0, 0};
};

// The semantic classes of a model or data set. ignoreIndex is a class id excluded
// from losses and metrics (e.g. CamVid's "void"), or -1 when there is none.
struct ClassList {
  std::vector<ClassInfo> classes;
  int ignoreIndex = -1;

  int size() const { return static_cast<int>(classes.size()); }
  // Index of the class with this name, or -1.
  int find(const std::string& name) const {
    for (int i = 0; i < size(); ++i)
      if (classes[i].name == name) return i;
    return -1;
  }
};

}  // namespace symmflow
