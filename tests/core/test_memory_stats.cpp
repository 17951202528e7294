// SPDX-License-Identifier: MIT
// The peak-memory measurement of the benchmarks (core/memory_stats.h).
#include <cstring>

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <torch/torch.h>

#include "core/engine.h"
#include "core/memory_stats.h"

using namespace symmflow;

// 192 MiB mapped and touched raise the host peak by about that much; after they are
// unmapped, a reset brings the peak back down to what is resident.
TEST(MemoryStats, HostPeakFollowsAnAllocationAndResets) {
  resetMemoryPeaks();
  const double start = memoryPeaks().hostMiB;
  ASSERT_GT(start, 0.0) << "no /proc/self/status here";
  if (!hostPeakReset()) GTEST_SKIP() << "this system refuses /proc/self/clear_refs: the peak cannot be reset";
  EXPECT_LE(start, currentHostMiB() + 1.0) << "a reset peak starts at the resident set";
  const size_t bytes = size_t{192} << 20;
  void* block = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(block, MAP_FAILED);
  std::memset(block, 1, bytes);
  const double peak = memoryPeaks().hostMiB;
  munmap(block, bytes);
  EXPECT_GE(peak, start + 180.0);
  resetMemoryPeaks();
  EXPECT_LT(memoryPeaks().hostMiB, peak - 150.0);
  if (!cudaAvailable()) {
    EXPECT_LT(memoryPeaks().deviceAllocatedMiB, 0.0) << "without a GPU the device peaks are not measured";
  }
}

TEST(MemoryStats, DevicePeakCountsATensorOnTheGpu) {
  if (!cudaAvailable()) GTEST_SKIP() << "needs a CUDA build and a GPU";
  resetMemoryPeaks();
  const double start = memoryPeaks().deviceAllocatedMiB;
  ASSERT_GE(start, 0.0) << "a CUDA build measures the device";
  {
    auto t = torch::ones({64, 1024, 256}, torch::TensorOptions().device(torch::kCUDA));  // 64 MiB
    EXPECT_GE(memoryPeaks().deviceAllocatedMiB, start + 63.9);
    EXPECT_GE(memoryPeaks().deviceReservedMiB, memoryPeaks().deviceAllocatedMiB);
  }
  resetMemoryPeaks();
  EXPECT_LT(memoryPeaks().deviceAllocatedMiB, start + 1.0) << "the freed tensor is not in the new peak";
}
