// SPDX-License-Identifier: MIT
#include "core/runtime_env.h"

#include <unistd.h>

#include <cstdlib>

namespace symmflow {

void ensurePassiveOpenMpWait(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", 0) != 0) return;
  execv("/proc/self/exe", argv);  // only returns on failure: then run on as we are
}

}  // namespace symmflow
