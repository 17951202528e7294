// SPDX-License-Identifier: MIT
// Which OpenBLAS kernel family the programs ask for (core/runtime_env.h).
#include <gtest/gtest.h>

#include "core/runtime_env.h"

using symmflow::CpuFeatures;
using symmflow::openBlasCoreOverride;

TEST(RuntimeEnv, UnknownCpuFallbacksAreReplacedByTheWidestKernelsTheCpuRuns) {
  const CpuFeatures avx512{true, true}, avx2{true, false}, old{false, false};
  EXPECT_EQ(openBlasCoreOverride("Prescott", avx512), "SkylakeX");
  EXPECT_EQ(openBlasCoreOverride("prescott", avx2), "Haswell");
  EXPECT_EQ(openBlasCoreOverride("Sandybridge", avx2), "Haswell");
  EXPECT_EQ(openBlasCoreOverride("Core2", avx512), "SkylakeX");
  // A CPU without AVX2 keeps what OpenBLAS chose: the older kernels are the right ones.
  EXPECT_EQ(openBlasCoreOverride("Prescott", old), "");
}

TEST(RuntimeEnv, KnownModernKernelsAndOtherBlasesAreLeftAlone) {
  const CpuFeatures avx512{true, true};
  for (const char* name : {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids", "Neoverse N1", ""})
    EXPECT_EQ(openBlasCoreOverride(name, avx512), "") << name;
}
