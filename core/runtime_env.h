// SPDX-License-Identifier: MIT
#pragma once
// Process environment the engine wants before any thread pool starts or BLAS kernel is
// chosen. Both libraries read their settings when they load, before main(), so the
// programs re-execute themselves once with the settings below, each only where the user
// has not set it (docs/PERFORMANCE.md has the measurements):
//
// - GOMP_SPINCOUNT=3000 (when neither it nor OMP_WAIT_POLICY is set). LibTorch's CPU kernels
//   run on GNU OpenMP, whose threads spin 300 000 times (milliseconds) between parallel
//   regions by default: on a 2-core machine shared with other work (a desktop, a build, two
//   test runs) that made training steps 4-8x slower. Sleeping at once (OMP_WAIT_POLICY=
//   PASSIVE, what the programs used to set) costs a futex wake-up per operator instead: 30-45 %
//   of an evaluation here. A short spin (~0.1 ms) keeps the wake-ups within an evaluation
//   cheap and gives the cores back soon after it.
// - OPENBLAS_CORETYPE=SkylakeX or Haswell when the OpenBLAS in the process does not know the
//   CPU and fell back to a pre-AVX2 kernel (Debian 12's OpenBLAS 0.3.21 takes a 2023 Xeon
//   for a "Prescott": matrix products 4.5x slower).
//
// Then, without re-executing, glibc's allocator is told to keep tensors in its heap
// (configureAllocator()).

#include <string>

namespace symmflow {

struct CpuFeatures {
  bool avx2Fma = false;  // AVX2 and FMA (OpenBLAS's Haswell kernels)
  bool avx512 = false;   // AVX-512 F/BW/DQ/VL/CD (its SkylakeX kernels)
};
CpuFeatures cpuFeatures();

// Call first in main(). Returns normally when nothing had to change (or re-exec failed),
// after configureAllocator().
void prepareRuntimeEnvironment(char** argv);

// glibc: serve every allocation from the heap (M_MMAP_MAX = 0) and return its top to the
// system only beyond 256 MiB (M_TRIM_THRESHOLD). By default glibc maps each block over its
// mmap threshold (at most 32 MiB: activations of batched evaluations, attention scores,
// training batches) afresh and unmaps it on free, so every network evaluation paid page
// faults on zeroed pages: on the 2-core Xeon a 4-step camvid generation took 339-419 ms
// instead of ~303 ms, and CPU training ran at 6 images/s instead of 8 (docs/PERFORMANCE.md).
// Skipped, returning false, where the user set MALLOC_MMAP_MAX_, MALLOC_MMAP_THRESHOLD_,
// MALLOC_TRIM_THRESHOLD_ or GLIBC_TUNABLES, or SYMMFLOW_ALLOCATOR=default, and on other C
// libraries. Call before threads start.
bool configureAllocator();

// The core type OpenBLAS should be told to use instead of `detected` (its
// openblas_get_corename()) on a CPU with these features; empty when the detection is fine
// (an AVX2 or newer kernel, or a CPU without AVX2 + FMA) or when `detected` is empty.
std::string openBlasCoreOverride(const std::string& detected, const CpuFeatures& cpu);

// OpenBLAS's kernel family in this process ("SkylakeX", "Haswell", ...); empty when the
// BLAS is not OpenBLAS.
std::string openBlasCoreName();

}  // namespace symmflow
