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

#include <string>

namespace symmflow {

struct CpuFeatures {
  bool avx2Fma = false;  // AVX2 and FMA (OpenBLAS's Haswell kernels)
  bool avx512 = false;   // AVX-512 F/BW/DQ/VL/CD (its SkylakeX kernels)
};
CpuFeatures cpuFeatures();

// Call first in main(). Returns normally when nothing had to change (or re-exec failed).
void prepareRuntimeEnvironment(char** argv);

// The core type OpenBLAS should be told to use instead of `detected` (its
// openblas_get_corename()) on a CPU with these features; empty when the detection is fine
// (an AVX2 or newer kernel, or a CPU without AVX2 + FMA) or when `detected` is empty.
std::string openBlasCoreOverride(const std::string& detected, const CpuFeatures& cpu);

// OpenBLAS's kernel family in this process ("SkylakeX", "Haswell", ...); empty when the
// BLAS is not OpenBLAS.
std::string openBlasCoreName();

}  // namespace symmflow
