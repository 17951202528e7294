// SPDX-License-Identifier: MIT
// GoogleTest's main for the suites that run LibTorch in their own process: first the
// runtime environment the programs set up (core/runtime_env.h: OpenMP's short spin unless
// CTest sets a wait policy, OpenBLAS kernels this CPU runs), so tests exercise what users
// run and take no longer.
#include <gtest/gtest.h>

#include "core/runtime_env.h"

int main(int argc, char** argv) {
  symmflow::prepareRuntimeEnvironment(argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
