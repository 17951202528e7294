// SPDX-License-Identifier: MIT
#include "core/checksum.h"

#include <cstdio>
#include <fstream>
#include <vector>

namespace symmflow {
namespace {
constexpr std::uint64_t kOffset = 1469598103934665603ull;
constexpr std::uint64_t kPrime = 1099511628211ull;
std::string hex(std::uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}
}  // namespace

std::string fnv1a64Hex(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = kOffset;
  for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * kPrime;
  return hex(h);
}

Result<std::string> fileChecksum(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot open " + path};
  std::uint64_t h = kOffset;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = in.gcount();
    for (std::streamsize i = 0; i < n; ++i) h = (h ^ static_cast<std::uint8_t>(buf[i])) * kPrime;
  }
  return hex(h);
}

}  // namespace symmflow
