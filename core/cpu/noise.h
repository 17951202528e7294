// SPDX-License-Identifier: MIT
#pragma once
// CPU kernel behind core/noise.h: fills `items` streams of `perItem` standard normal values,
// item b from stream seed + b (core/counter_rng.h). Runs on ATen's intra-op threads when the
// build found OpenMP (core/CMakeLists.txt), else on the calling thread. Plain C++ interface.
#include <cstdint>

namespace symmflow::cpu {

// out: items * perItem floats, item-major.
void normalNoise(float* out, std::int64_t items, std::int64_t perItem, std::uint64_t seed);

}  // namespace symmflow::cpu
