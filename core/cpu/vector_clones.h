// SPDX-License-Identifier: MIT
#pragma once
// SYMMFLOW_VECTOR_CLONES: on x86-64 Linux with GCC, a function marked with it is also compiled
// for AVX2 and AVX-512 and the best version is picked at load time (the CPU kernels' inner
// loops are written for the vectorizer). Elsewhere it expands to nothing.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define SYMMFLOW_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SYMMFLOW_VECTOR_CLONES
#endif
