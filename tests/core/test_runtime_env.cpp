// SPDX-License-Identifier: MIT
// Which OpenBLAS kernel family the programs ask for, and how they set up the allocator
// (core/runtime_env.h).
#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <gtest/gtest.h>

#include "core/runtime_env.h"

using symmflow::configureAllocator;
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

#if defined(__GLIBC__)
// configureAllocator() (which this test binary's main ran, as the programs do): a block far
// over glibc's mmap threshold (and over any free space a test process's heap has) comes
// from the heap, not from a mapping of its own (mallinfo2().hblks counts those); with
// glibc's default it gets one; a user's choice wins.
TEST(RuntimeEnv, AllocatorKeepsLargeBlocksInTheHeapUnlessTheUserChose) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer replaces glibc's allocator";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  GTEST_SKIP() << "AddressSanitizer replaces glibc's allocator";
#endif
#endif
  for (const char* name : {"MALLOC_MMAP_MAX_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"})
    if (std::getenv(name)) GTEST_SKIP() << name << " is set: glibc's allocator is the user's choice here";
  constexpr std::size_t kBig = std::size_t{512} << 20;
  // The number of mappings while a big block is held.
  auto mappingsWithABigBlock = [] {
    void* p = std::malloc(kBig);
    if (!p) return std::size_t{0};
    static_cast<volatile char*>(p)[0] = 1;
    static_cast<volatile char*>(p)[kBig - 1] = 1;
    const std::size_t n = mallinfo2().hblks;
    std::free(p);
    return n;
  };
  const std::size_t mapped = mallinfo2().hblks;
  EXPECT_EQ(mappingsWithABigBlock(), mapped) << "from the heap";
  ASSERT_EQ(mallopt(M_MMAP_MAX, 65536), 1);  // glibc's default
  EXPECT_EQ(mappingsWithABigBlock(), mapped + 1) << "glibc's default: a mapping of its own";

  setenv("SYMMFLOW_ALLOCATOR", "default", 1);
  EXPECT_FALSE(configureAllocator());
  unsetenv("SYMMFLOW_ALLOCATOR");

  ASSERT_TRUE(configureAllocator());
  EXPECT_EQ(mappingsWithABigBlock(), mapped) << "from the heap again";
}
#endif
