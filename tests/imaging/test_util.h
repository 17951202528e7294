// SPDX-License-Identifier: MIT
#pragma once
// Helpers shared by the imaging tests: temporary folders and random content.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "core/types.h"
#include "tests/support/temp_dir.h"

namespace symmflow::imaging::test {

// A fresh folder under the system temp dir, removed with its content on destruction.
class TempDir {
 public:
  TempDir() : m_path(symmflow::testing::makeTempDir("symmflow-imaging")) {}
  ~TempDir() { symmflow::testing::removeTree(m_path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }
  std::string file(const std::string& name) const { return m_path + "/" + name; }

 private:
  std::string m_path;
};

inline RgbImage randomImage(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  RgbImage img(w, h);
  for (auto& p : img.pixels) p = static_cast<std::uint8_t>(rng() & 0xFF);
  return img;
}

inline std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Number of entries in a folder (to spot left-over temporary files).
inline int entryCount(const std::string& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

inline std::string sharedDir() { return SYMMFLOW_SHARED_DIR; }

}  // namespace symmflow::imaging::test
