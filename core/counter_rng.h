// SPDX-License-Identifier: MIT
#pragma once
// The counter-based random numbers behind core/noise.h, written once for the host compiler
// and nvcc (issue 6): value i of a stream is a pure function of (key, i), so a GPU computes
// its noise where it is used and gets the same bits as the CPU.
//
// Contract
// - philox4x32_10: Philox4x32 with 10 rounds (Salmon et al., "Parallel random numbers: as easy
//   as 1, 2, 3", SC 2011), bit-exact against Random123's known-answer vectors.
// - normalQuad: four standard normal values from one Philox block: Box-Muller on the pairs
//   (w0, w1) and (w2, w3), uniforms u = (w >> 9) * 2^-23 + 2^-24 in (0, 1), so |z| < 5.8. In
//   float32 with the platform's logf/sqrtf/sinf/cosf: the host and CUDA agree to a few ulp.
// - normalAt(seed, i): value i of the stream of seed (key = seed's two 32-bit halves, block
//   i / 4 as the counter's first two words, lane i % 4).
// Plain C++: no LibTorch, no CUDA headers.
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define SYMMFLOW_HD __host__ __device__ __forceinline__
#else
#define SYMMFLOW_HD inline
#endif

namespace symmflow::rng {

struct Quad {
  std::uint32_t w[4];
};

SYMMFLOW_HD Quad philox4x32_10(Quad ctr, std::uint32_t k0, std::uint32_t k1) {
  constexpr std::uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += W0;
      k1 += W1;
    }
    const std::uint64_t p0 = static_cast<std::uint64_t>(M0) * ctr.w[0];
    const std::uint64_t p1 = static_cast<std::uint64_t>(M1) * ctr.w[2];
    const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
    const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
    ctr = Quad{{hi1 ^ ctr.w[1] ^ k0, lo1, hi0 ^ ctr.w[3] ^ k1, lo0}};
  }
  return ctr;
}

// A uniform in (0, 1): the top 23 bits, centred in their interval -- exact in float32, the
// largest 1 - 2^-24 (with 24 bits the largest would round to 1).
SYMMFLOW_HD float unitOpen(std::uint32_t w) {
  return static_cast<float>(w >> 9) * (1.0f / 8388608.0f) + (1.0f / 16777216.0f);
}

// Float bits, on either compiler.
SYMMFLOW_HD std::uint32_t floatBits(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(f);
#else
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
#endif
}
SYMMFLOW_HD float bitsFloat(std::uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
#endif
}

// ln(u) for a normal float u > 0 (Cephes' logf: u = m 2^e with m in [sqrt(1/2), sqrt(2)), a
// degree-9 polynomial in m - 1; about 1 ulp). No calls and no branches: it vectorizes, and the
// host and CUDA run the same arithmetic.
SYMMFLOW_HD float logPositive(float u) {
  const std::uint32_t bits = floatBits(u);
  float e = static_cast<float>(static_cast<int>(bits >> 23) - 126);
  float m = bitsFloat((bits & 0x007fffffu) | 0x3f000000u);  // [0.5, 1)
  const bool low = m < 0.707106781186547524f;
  e = low ? e - 1.0f : e;
  m = low ? m + m - 1.0f : m - 1.0f;
  const float z = m * m;
  float p = 7.0376836292e-2f;
  p = p * m - 1.1514610310e-1f;
  p = p * m + 1.1676998740e-1f;
  p = p * m - 1.2420140846e-1f;
  p = p * m + 1.4249322787e-1f;
  p = p * m - 1.6668057665e-1f;
  p = p * m + 2.0000714765e-1f;
  p = p * m - 2.4999993993e-1f;
  p = p * m + 3.3333331174e-1f;
  float y = p * m * z;
  y += -2.12194440e-4f * e;
  y += -0.5f * z;
  return (m + y) + 0.693359375f * e;
}

// sin(2 pi u) and cos(2 pi u) for u in [0, 1]: the quadrant from u itself (exact), Cephes'
// sinf/cosf polynomials on [-pi/4, pi/4] (about 1 ulp). No calls, no branches.
SYMMFLOW_HD void sinCosTwoPi(float u, float& s, float& c) {
  const float q = static_cast<float>(static_cast<int>(u * 4.0f + 0.5f));  // nearest quarter turn
  const float x = (u - 0.25f * q) * 6.28318530717958647692f;              // [-pi/4, pi/4]
  const float z = x * x;
  float ps = -1.9515295891e-4f;
  ps = ps * z + 8.3321608736e-3f;
  ps = ps * z - 1.6666654611e-1f;
  const float sx = ps * z * x + x;
  float pc = 2.443315711809948e-5f;
  pc = pc * z - 1.388731625493765e-3f;
  pc = pc * z + 4.166664568298827e-2f;
  const float cx = pc * z * z - 0.5f * z + 1.0f;
  const int quadrant = static_cast<int>(q) & 3;
  const float sinAbs = (quadrant & 1) ? cx : sx, cosAbs = (quadrant & 1) ? sx : cx;
  s = (quadrant & 2) ? -sinAbs : sinAbs;
  c = ((quadrant + 1) & 2) ? -cosAbs : cosAbs;
}

struct Normals {
  float z[4];
};

SYMMFLOW_HD Normals normalQuad(Quad r) {
  Normals out;
  for (int pair = 0; pair < 2; ++pair) {
    const float radius = sqrtf(-2.0f * logPositive(unitOpen(r.w[2 * pair])));
    float s, c;
    sinCosTwoPi(unitOpen(r.w[2 * pair + 1]), s, c);
    out.z[2 * pair] = radius * c;
    out.z[2 * pair + 1] = radius * s;
  }
  return out;
}

// The block of stream `seed` that holds values 4 * block ... 4 * block + 3.
SYMMFLOW_HD Normals normalBlock(std::uint64_t seed, std::uint64_t block) {
  const Quad ctr{{static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), 0u, 0u}};
  return normalQuad(philox4x32_10(ctr, static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)));
}

SYMMFLOW_HD float normalAt(std::uint64_t seed, std::uint64_t i) { return normalBlock(seed, i / 4).z[i % 4]; }

}  // namespace symmflow::rng
