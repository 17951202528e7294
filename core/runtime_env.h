// SPDX-License-Identifier: MIT
#pragma once
// Process environment the engine wants before any thread pool starts.
//
// LibTorch's CPU kernels run on OpenMP. With GNU OpenMP's default (active) waiting, a
// thread pool whose cores are also busy with other work (a desktop, a build, two test
// runs) spins at every barrier; on the 2-core machines we measured training steps 4-8x
// slower. Passive waiting costs little when the machine is idle. OpenMP reads the
// setting when the library loads, before main(), so the programs re-execute themselves
// once with OMP_WAIT_POLICY=PASSIVE unless the user has chosen a policy.

namespace symmflow {

// Call first in main(). Returns normally when nothing had to change (or re-exec failed).
void ensurePassiveOpenMpWait(char** argv);

}  // namespace symmflow
