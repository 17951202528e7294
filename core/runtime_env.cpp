// SPDX-License-Identifier: MIT
#include "core/runtime_env.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace symmflow {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
}  // namespace

CpuFeatures cpuFeatures() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  f.avx2Fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  f.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512cd");
#endif
  return f;
}

std::string openBlasCoreOverride(const std::string& detected, const CpuFeatures& cpu) {
  // OpenBLAS's x86 kernel families without AVX2: what it falls back to for a CPU it does
  // not know. A known modern family (Haswell, Zen, SkylakeX, Cooperlake, ...) is left alone.
  static const std::array<const char*, 16> kPreAvx2{
      "prescott",   "core2",     "penryn", "dunnington", "nehalem", "sandybridge",  "atom",   "katmai",
      "coppermine", "northwood", "banias", "barcelona",  "opteron", "opteron_sse3", "bobcat", "generic"};
  if (!cpu.avx2Fma) return {};
  const auto name = lower(detected);
  if (std::find(kPreAvx2.begin(), kPreAvx2.end(), name) == kPreAvx2.end()) return {};
  return cpu.avx512 ? "SkylakeX" : "Haswell";
}

std::string openBlasCoreName() {
  using CoreName = char* (*)();
  auto fn = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const char* name = fn ? fn() : nullptr;
  return name ? std::string(name) : std::string();
}

void prepareRuntimeEnvironment(char** argv) {
  bool changed = false;
  if (std::getenv("OMP_WAIT_POLICY") == nullptr && std::getenv("GOMP_SPINCOUNT") == nullptr &&
      setenv("GOMP_SPINCOUNT", "3000", 0) == 0)
    changed = true;
  if (std::getenv("OPENBLAS_CORETYPE") == nullptr) {
    const auto core = openBlasCoreOverride(openBlasCoreName(), cpuFeatures());
    if (!core.empty() && setenv("OPENBLAS_CORETYPE", core.c_str(), 0) == 0) changed = true;
  }
  if (changed) execv("/proc/self/exe", argv);  // only returns on failure: then run on as we are
  configureAllocator();
}

bool configureAllocator() {
  for (const char* name : {"MALLOC_MMAP_MAX_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"})
    if (std::getenv(name) != nullptr) return false;
  if (const char* choice = std::getenv("SYMMFLOW_ALLOCATOR"); choice && std::strcmp(choice, "default") == 0)
    return false;
#if defined(__GLIBC__)
  return mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, 256 << 20) == 1;
#else
  return false;
#endif
}

}  // namespace symmflow
