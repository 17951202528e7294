// SPDX-License-Identifier: MIT
#include "core/memory_stats.h"

#include <atomic>
#include <exception>
#include <fstream>
#include <string>

#ifdef SYMMFLOW_HAVE_CUDA_ALLOCATOR_STATS
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace symmflow {
namespace {
std::atomic<bool> g_hostReset{false};

// A "Name:   1234 kB" line of /proc/self/status, in MiB; negative when absent.
double statusMiB(const std::string& name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) != 0) continue;
    try {
      return std::stod(line.substr(name.size() + 1)) / 1024.0;
    } catch (...) {
      return -1;
    }
  }
  return -1;
}

#ifdef SYMMFLOW_HAVE_CUDA_ALLOCATOR_STATS
int cudaDevices() {
  try {
    return static_cast<int>(c10::cuda::device_count());
  } catch (...) {
    return 0;
  }
}
#endif
}  // namespace

void resetMemoryPeaks() {
  std::ofstream clear("/proc/self/clear_refs");
  g_hostReset = static_cast<bool>(clear << "5") && static_cast<bool>(clear.flush());
#ifdef SYMMFLOW_HAVE_CUDA_ALLOCATOR_STATS
  // The allocator refuses (c10::Error) before CUDA's first use in this process: nothing to reset.
  const int devices = cudaDevices();
  for (int d = 0; d < devices; ++d) {
    try {
      c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(d));
    } catch (const std::exception&) {
    }
  }
#endif
}

bool hostPeakReset() { return g_hostReset; }

MemoryPeaks memoryPeaks() {
  MemoryPeaks p;
  p.hostMiB = statusMiB("VmHWM");
#ifdef SYMMFLOW_HAVE_CUDA_ALLOCATOR_STATS
  const int devices = cudaDevices();
  if (devices > 0) {
    double allocated = 0, reserved = 0;
    for (int d = 0; d < devices; ++d) {
      try {
        // Index 0 of each statistic is the aggregate over the allocator's pools.
        const auto s = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(d));
        allocated += static_cast<double>(s.allocated_bytes[0].peak);
        reserved += static_cast<double>(s.reserved_bytes[0].peak);
      } catch (const std::exception&) {
        // CUDA not used yet in this process: nothing allocated on this device.
      }
    }
    p.deviceAllocatedMiB = allocated / (1024.0 * 1024.0);
    p.deviceReservedMiB = reserved / (1024.0 * 1024.0);
  }
#endif
  return p;
}

double currentHostMiB() { return statusMiB("VmRSS"); }

}  // namespace symmflow
