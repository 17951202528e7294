// SPDX-License-Identifier: MIT
#pragma once
// Peak memory of this process, for benchmarks (symmflow bench, docs/PERFORMANCE.md): the
// host's resident set and, on a CUDA build, CUDA's caching allocator. No LibTorch types in
// the interface.
//
// Contract
// - resetMemoryPeaks() starts a new measurement: the host peak through Linux's
//   /proc/self/clear_refs ("5": reset the resident-set high-water mark; where the system
//   refuses, hostPeakReset() is false and the host peak counts from the process start), the
//   CUDA peaks through the allocator on every visible device.
// - memoryPeaks() reads the peaks since the last reset; a value that cannot be measured on
//   this system or build is negative.
// - Not thread-safe against a concurrent reset; the numbers are process-wide.

namespace symmflow {

struct MemoryPeaks {
  double hostMiB = -1;             // peak resident set (VmHWM)
  double deviceAllocatedMiB = -1;  // peak bytes in CUDA tensors, all devices
  double deviceReservedMiB = -1;   // peak bytes the allocator held from CUDA (tensors + cache)
};

void resetMemoryPeaks();
bool hostPeakReset();  // whether the last resetMemoryPeaks() reset the host peak
MemoryPeaks memoryPeaks();
double currentHostMiB();  // resident set now (VmRSS); negative where unknown

}  // namespace symmflow
