// SPDX-License-Identifier: MIT
#pragma once
// Shared by the interrupted-save tests and their child process: the deterministic
// content the child saves, so the test can tell a complete new file from the old one.
#include <cstdint>
#include <random>

#include "core/types.h"
#include "ui/project_file.h"

namespace symmflow::ui::test {

inline ClassList saveTestClasses() {
  ClassList c;
  c.classes = {{"sky", {128, 128, 128}}, {"road", {128, 64, 128}}, {"tree", {128, 128, 0}}};
  return c;
}

// Noise that PNG cannot shrink: a photo of w x h plus a map of random ids 0..2. Same
// seed, same bytes.
inline ProjectData noisyProject(int w, int h, std::uint32_t seed) {
  std::mt19937 rng(seed);
  ProjectData p;
  p.classes = saveTestClasses();
  p.labels = LabelMap(w, h);
  for (auto& v : p.labels.ids) v = static_cast<std::uint8_t>(rng() % 3);
  p.photo = RgbImage(w, h);
  for (auto& v : p.photo.pixels) v = static_cast<std::uint8_t>(rng());
  return p;
}

// Map files: random ids 0..2 (index PNG).
inline LabelMap noisyMap(int w, int h, std::uint32_t seed) {
  std::mt19937 rng(seed);
  LabelMap m(w, h);
  for (auto& v : m.ids) v = static_cast<std::uint8_t>(rng() % 3);
  return m;
}

}  // namespace symmflow::ui::test
