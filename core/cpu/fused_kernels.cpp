// SPDX-License-Identifier: MIT
#include "core/cpu/fused_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <ATen/Parallel.h>

#include "core/cpu/vector_clones.h"

// The inner loops are written so that the compiler vectorizes them (this file is built with
// -O3 and OpenMP: `omp simd` reductions, at::parallel_for on ATen's threads); on x86-64 Linux
// with GCC each is also compiled for AVX2 and AVX-512, picked at load time.

namespace symmflow::cpu {
namespace {

constexpr int64_t kRowFlush = 2048;      // row values summed in float before a float64 flush
constexpr int64_t kPixelFlush = 256;     // pixels summed per channel in float before a flush
constexpr int64_t kStatsChunk = 1024;    // pixels of one channels-last statistics task
constexpr int64_t kGrainValues = 32768;  // values per parallel task

// exp(x) for x in [-87, 88] (clamped outside): Cody-Waite reduction to e^f * 2^k with
// |f| <= ln2 / 2 and a degree-6 Taylor polynomial (relative error ~1e-7). No calls, no
// branches: it vectorizes.
inline float expApprox(float x) {
  x = std::min(std::max(x, -87.0f), 88.0f);
  const float k = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  // round to nearest
  const float f = (x - k * 0.693145751953125f) - k * 1.428606765330187e-06f;
  float p = 1.0f / 720;
  p = p * f + 1.0f / 120;
  p = p * f + 1.0f / 24;
  p = p * f + 1.0f / 6;
  p = p * f + 0.5f;
  p = p * f + 1.0f;
  p = p * f + 1.0f;
  const int32_t bits = (static_cast<int32_t>(k) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}
inline float silu(float v) { return v / (1.0f + expApprox(-v)); }

// Shifted sums of one dense run: s += sum(x - pilot), q += sum((x - pilot)^2).
SYMMFLOW_VECTOR_CLONES void rowSums(const float* __restrict x, int64_t len, float pilot, double& s, double& q) {
  for (int64_t start = 0; start < len; start += kRowFlush) {
    const int64_t end = std::min(len, start + kRowFlush);
    float ls = 0, lq = 0;
#pragma omp simd reduction(+ : ls, lq)
    for (int64_t i = start; i < end; ++i) {
      const float d = x[i] - pilot;
      ls += d;
      lq += d * d;
    }
    s += ls;
    q += lq;
  }
}

// The same per channel over `pixels` rows of c values (channels-last); ls, lq: c floats of scratch.
SYMMFLOW_VECTOR_CLONES void pixelSums(const float* __restrict x, int64_t pixels, int64_t c,
                                      const float* __restrict pilot, double* s, double* q, float* __restrict ls,
                                      float* __restrict lq) {
  for (int64_t start = 0; start < pixels; start += kPixelFlush) {
    const int64_t end = std::min(pixels, start + kPixelFlush);
    std::fill(ls, ls + c, 0.0f);
    std::fill(lq, lq + c, 0.0f);
    for (int64_t p = start; p < end; ++p) {
      const float* row = x + p * c;
      for (int64_t ch = 0; ch < c; ++ch) {
        const float d = row[ch] - pilot[ch];
        ls[ch] += d;
        lq[ch] += d * d;
      }
    }
    for (int64_t ch = 0; ch < c; ++ch) {
      s[ch] += ls[ch];
      q[ch] += lq[ch];
    }
  }
}

// y = act((x - center) * a + b) over a dense run.
SYMMFLOW_VECTOR_CLONES void applyRow(const float* __restrict x, float* __restrict y, int64_t len, float center, float a,
                                     float b, bool act) {
  if (act)
    for (int64_t i = 0; i < len; ++i) y[i] = silu((x[i] - center) * a + b);
  else
    for (int64_t i = 0; i < len; ++i) y[i] = (x[i] - center) * a + b;
}

// y = act((x - center[ch]) * a[ch] + b[ch]) over `pixels` rows of c values.
SYMMFLOW_VECTOR_CLONES void applyPixels(const float* __restrict x, float* __restrict y, int64_t pixels, int64_t c,
                                        const float* __restrict center, const float* __restrict a,
                                        const float* __restrict b, bool act) {
  for (int64_t p = 0; p < pixels; ++p) {
    const float* in = x + p * c;
    float* out = y + p * c;
    if (act)
      for (int64_t ch = 0; ch < c; ++ch) out[ch] = silu((in[ch] - center[ch]) * a[ch] + b[ch]);
    else
      for (int64_t ch = 0; ch < c; ++ch) out[ch] = (in[ch] - center[ch]) * a[ch] + b[ch];
  }
}

// out = a + b + bias over a dense run (one bias) ...
SYMMFLOW_VECTOR_CLONES void addRow(const float* __restrict a, const float* __restrict b, float* __restrict out,
                                   int64_t len, float bias) {
  for (int64_t i = 0; i < len; ++i) out[i] = a[i] + b[i] + bias;
}
// ... or over `pixels` rows of c values (a bias per channel).
SYMMFLOW_VECTOR_CLONES void addPixels(const float* __restrict a, const float* __restrict b, float* __restrict out,
                                      int64_t pixels, int64_t c, const float* __restrict bias) {
  for (int64_t p = 0; p < pixels; ++p)
    for (int64_t ch = 0; ch < c; ++ch) out[p * c + ch] = a[p * c + ch] + b[p * c + ch] + bias[ch];
}

const float* floats(const void* p) { return static_cast<const float*>(p); }
float valueOr(const void* p, int64_t i, float otherwise) { return p ? floats(p)[i] : otherwise; }
int64_t grainFor(int64_t valuesPerItem) {
  return std::max<int64_t>(1, kGrainValues / std::max<int64_t>(1, valuesPerItem));
}

void requireFloat32(int dtype, bool paramsInDtype, const char* what) {
  if (dtype != 0 || paramsInDtype)
    throw std::invalid_argument(std::string(what) + ": the CPU kernels take float32 tensors and parameters");
}

}  // namespace

void groupNormAct(const kernels::GroupNormActArgs& a) {
  requireFloat32(a.dtype, a.paramsInDtype, "groupNormAct");
  if (a.groups <= 0 || a.c % a.groups != 0)
    throw std::invalid_argument("groupNormAct: groups must divide the channels");
  const int64_t n = a.n, c = a.c, hw = a.hw, rows = n * c;
  if (rows == 0 || hw == 0) return;
  const float* x = floats(a.x);
  float* y = static_cast<float*>(a.y);

  // 1. Per (sample, channel): a pilot value (the channel's first) and the shifted sums.
  std::vector<float> pilot(static_cast<size_t>(rows));
  std::vector<double> sum(static_cast<size_t>(rows), 0.0), sq(static_cast<size_t>(rows), 0.0);
  if (!a.channelsLast) {
    at::parallel_for(0, rows, grainFor(hw), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        pilot[r] = x[r * hw];
        rowSums(x + r * hw, hw, pilot[r], sum[r], sq[r]);
      }
    });
  } else {
    for (int64_t i = 0; i < n; ++i) std::copy(x + i * hw * c, x + i * hw * c + c, pilot.begin() + i * c);
    const int64_t chunks = (hw + kStatsChunk - 1) / kStatsChunk;
    std::vector<double> partial(static_cast<size_t>(n * chunks * c * 2), 0.0);
    at::parallel_for(0, n * chunks, 1, [&](int64_t begin, int64_t end) {
      std::vector<float> scratch(static_cast<size_t>(2 * c));
      for (int64_t task = begin; task < end; ++task) {
        const int64_t i = task / chunks, first = (task % chunks) * kStatsChunk;
        const int64_t pixels = std::min(kStatsChunk, hw - first);
        double* out = partial.data() + task * c * 2;
        pixelSums(x + (i * hw + first) * c, pixels, c, pilot.data() + i * c, out, out + c, scratch.data(),
                  scratch.data() + c);
      }
    });
    for (int64_t task = 0; task < n * chunks; ++task) {
      const int64_t i = task / chunks;
      const double* in = partial.data() + task * c * 2;
      for (int64_t ch = 0; ch < c; ++ch) {
        sum[i * c + ch] += in[ch];
        sq[i * c + ch] += in[c + ch];
      }
    }
  }

  // 2. Per group: mean and variance of x + bias from the channels' shifted sums (float64),
  //    then every channel's output as one affine map y = act((x - center) * A + B). The
  //    center is the group mean rounded to float: x - center loses nothing when x is close
  //    to it (a mean far from zero), and B carries the rounding.
  const int64_t cg = c / a.groups;
  const double count = static_cast<double>(cg) * static_cast<double>(hw);
  std::vector<float> center(static_cast<size_t>(rows)), coefA(static_cast<size_t>(rows)),
      coefB(static_cast<size_t>(rows));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t g = 0; g < a.groups; ++g) {
      double total = 0;
      for (int64_t ch = g * cg; ch < (g + 1) * cg; ++ch)
        total += sum[i * c + ch] + static_cast<double>(hw) * (pilot[i * c + ch] + valueOr(a.channelBias, ch, 0.0f));
      const double mean = total / count;
      double dev = 0;  // sum of (x + bias - mean)^2 with x + bias - mean = (x - pilot) + e
      for (int64_t ch = g * cg; ch < (g + 1) * cg; ++ch) {
        const double e = pilot[i * c + ch] + valueOr(a.channelBias, ch, 0.0f) - mean;
        dev += sq[i * c + ch] + 2.0 * e * sum[i * c + ch] + static_cast<double>(hw) * e * e;
      }
      const double rstd = 1.0 / std::sqrt(std::max(dev / count, 0.0) + static_cast<double>(a.eps));
      const float centerF = static_cast<float>(mean);
      for (int64_t ch = g * cg; ch < (g + 1) * cg; ++ch) {
        const double gamma = valueOr(a.gamma, ch, 1.0f), beta = valueOr(a.beta, ch, 0.0f);
        const double scale = a.scale ? floats(a.scale)[i * a.scaleStride + ch] : 1.0;
        const double shift = a.shift ? floats(a.shift)[i * a.shiftStride + ch] : 0.0;
        const double bias = valueOr(a.channelBias, ch, 0.0f);
        center[i * c + ch] = centerF;
        coefA[i * c + ch] = static_cast<float>(rstd * gamma * scale);
        coefB[i * c + ch] =
            static_cast<float>(((bias + static_cast<double>(centerF) - mean) * rstd * gamma + beta) * scale + shift);
      }
    }

  // 3. One pass that normalizes, modulates and activates.
  if (!a.channelsLast) {
    at::parallel_for(0, rows, grainFor(hw), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) applyRow(x + r * hw, y + r * hw, hw, center[r], coefA[r], coefB[r], a.silu);
    });
  } else {
    for (int64_t i = 0; i < n; ++i)
      at::parallel_for(0, hw, grainFor(c), [&](int64_t begin, int64_t end) {
        const int64_t offset = (i * hw + begin) * c;
        applyPixels(x + offset, y + offset, end - begin, c, center.data() + i * c, coefA.data() + i * c,
                    coefB.data() + i * c, a.silu);
      });
  }
}

void addBias(const kernels::AddBiasArgs& a) {
  requireFloat32(a.dtype, a.paramsInDtype, "addWithBias");
  const int64_t n = a.n, c = a.c, hw = a.hw;
  if (n * c == 0 || hw == 0) return;
  std::vector<float> bias(static_cast<size_t>(c));
  for (int64_t ch = 0; ch < c; ++ch) bias[ch] = valueOr(a.bias1, ch, 0.0f) + valueOr(a.bias2, ch, 0.0f);
  const float *pa = floats(a.a), *pb = floats(a.b);
  float* out = static_cast<float*>(a.out);
  if (!a.channelsLast) {
    at::parallel_for(0, n * c, grainFor(hw), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) addRow(pa + r * hw, pb + r * hw, out + r * hw, hw, bias[r % c]);
    });
  } else {
    at::parallel_for(0, n * hw, grainFor(c), [&](int64_t begin, int64_t end) {
      addPixels(pa + begin * c, pb + begin * c, out + begin * c, end - begin, c, bias.data());
    });
  }
}

}  // namespace symmflow::cpu
