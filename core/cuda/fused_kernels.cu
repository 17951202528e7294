// SPDX-License-Identifier: MIT
// CUDA kernels of core/cuda/fused_kernels.h. Sizes here are small (camvid: at most
// 48 x 27 648 values per group), so the kernels favour few launches over peak bandwidth:
// statistics in float64 (no cancellation in E[x^2] - E[x]^2), plain grid-stride loops.
#include "core/cuda/fused_kernels.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>

namespace symmflow::cuda {
namespace {

constexpr int kThreads = 256;

__device__ __forceinline__ float toFloat(float v) { return v; }
__device__ __forceinline__ float toFloat(__half v) { return __half2float(v); }
__device__ __forceinline__ float toFloat(__nv_bfloat16 v) { return __bfloat162float(v); }
template <typename T>
__device__ __forceinline__ T fromFloat(float v);
template <>
__device__ __forceinline__ float fromFloat<float>(float v) { return v; }
template <>
__device__ __forceinline__ __half fromFloat<__half>(float v) { return __float2half(v); }
template <>
__device__ __forceinline__ __nv_bfloat16 fromFloat<__nv_bfloat16>(float v) { return __float2bfloat16(v); }

// Where element e (0 <= e < C/G * HW) of group g of sample n lives, and its channel.
struct GroupIndex {
  int64_t offset;
  int64_t channel;
};
__device__ __forceinline__ GroupIndex groupElement(const GroupNormActArgs& a, int64_t n, int64_t g, int64_t cg,
                                                   int64_t e) {
  if (a.channelsLast) {
    const int64_t p = e / cg, ch = g * cg + e % cg;
    return {(n * a.hw + p) * a.c + ch, ch};
  }
  return {(n * a.c + g * cg) * a.hw + e, g * cg + e / a.hw};
}

// This block's share [begin, end) of a group's count elements.
__device__ __forceinline__ void splitRange(int64_t count, int64_t& begin, int64_t& end) {
  const int64_t chunk = (count + gridDim.x - 1) / gridDim.x;
  begin = blockIdx.x * chunk;
  end = begin + chunk < count ? begin + chunk : count;
}

__device__ __forceinline__ double warpSum(double v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  return v;
}

// Grid (splits, N * groups): partial sum and sum of squares of x + bias over a block's share.
template <typename T>
__global__ void groupStats(GroupNormActArgs a) {
  const int64_t ng = blockIdx.y, n = ng / a.groups, g = ng % a.groups, cg = a.c / a.groups;
  int64_t begin, end;
  splitRange(cg * a.hw, begin, end);
  const T* x = static_cast<const T*>(a.x);
  double sum = 0, sq = 0;
  for (int64_t e = begin + threadIdx.x; e < end; e += blockDim.x) {
    const GroupIndex i = groupElement(a, n, g, cg, e);
    float v = toFloat(x[i.offset]);
    if (a.channelBias) v += a.channelBias[i.channel];
    sum += v;
    sq += static_cast<double>(v) * v;
  }
  __shared__ double sSum[kThreads / 32], sSq[kThreads / 32];
  sum = warpSum(sum);
  sq = warpSum(sq);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) {
    sSum[warp] = sum;
    sSq[warp] = sq;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    double ts = 0, tq = 0;
    for (int w = 0; w < kThreads / 32; ++w) {
      ts += sSum[w];
      tq += sSq[w];
    }
    a.partials[(ng * gridDim.x + blockIdx.x) * 2] = ts;
    a.partials[(ng * gridDim.x + blockIdx.x) * 2 + 1] = tq;
  }
}

// Grid (splits, N * groups): combines the group's partials, then normalizes its share.
template <typename T>
__global__ void groupApply(GroupNormActArgs a) {
  const int64_t ng = blockIdx.y, n = ng / a.groups, g = ng % a.groups, cg = a.c / a.groups;
  const int64_t count = cg * a.hw;
  __shared__ float sMean, sRstd;
  if (threadIdx.x < 32) {
    double ts = 0, tq = 0;
    for (int s = threadIdx.x; s < static_cast<int>(gridDim.x); s += 32) {
      ts += a.partials[(ng * gridDim.x + s) * 2];
      tq += a.partials[(ng * gridDim.x + s) * 2 + 1];
    }
    ts = warpSum(ts);
    tq = warpSum(tq);
    if (threadIdx.x == 0) {
      const double mean = ts / count;
      const double var = tq / count - mean * mean;
      sMean = static_cast<float>(mean);
      sRstd = static_cast<float>(rsqrt((var > 0 ? var : 0.0) + a.eps));
    }
  }
  __syncthreads();
  const float mean = sMean, rstd = sRstd;
  int64_t begin, end;
  splitRange(count, begin, end);
  const T* x = static_cast<const T*>(a.x);
  T* y = static_cast<T*>(a.y);
  for (int64_t e = begin + threadIdx.x; e < end; e += blockDim.x) {
    const GroupIndex i = groupElement(a, n, g, cg, e);
    float v = toFloat(x[i.offset]);
    if (a.channelBias) v += a.channelBias[i.channel];
    float o = (v - mean) * rstd;
    if (a.gamma) o *= a.gamma[i.channel];
    if (a.beta) o += a.beta[i.channel];
    if (a.scale) o *= a.scale[n * a.scaleStride + i.channel];
    if (a.shift) o += a.shift[n * a.shiftStride + i.channel];
    if (a.silu) o = o / (1.0f + __expf(-o));
    y[i.offset] = fromFloat<T>(o);
  }
}

template <typename T>
__global__ void addBias(AddBiasArgs a) {
  const int64_t total = a.n * a.c * a.hw;
  const T* pa = static_cast<const T*>(a.a);
  const T* pb = static_cast<const T*>(a.b);
  T* out = static_cast<T*>(a.out);
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t ch = a.channelsLast ? i % a.c : (i / a.hw) % a.c;
    float v = toFloat(pa[i]) + toFloat(pb[i]);
    if (a.bias1) v += a.bias1[ch];
    if (a.bias2) v += a.bias2[ch];
    out[i] = fromFloat<T>(v);
  }
}

template <typename T>
int launchGroupNormT(const GroupNormActArgs& a, cudaStream_t stream) {
  const dim3 grid(a.splits, static_cast<unsigned>(a.n * a.groups));
  groupStats<T><<<grid, kThreads, 0, stream>>>(a);
  groupApply<T><<<grid, kThreads, 0, stream>>>(a);
  return static_cast<int>(cudaGetLastError());
}

template <typename T>
int launchAddBiasT(const AddBiasArgs& a, cudaStream_t stream) {
  const int64_t total = a.n * a.c * a.hw;
  const int64_t blocks = std::min<int64_t>((total + kThreads - 1) / kThreads, 4096);
  addBias<T><<<static_cast<unsigned>(std::max<int64_t>(blocks, 1)), kThreads, 0, stream>>>(a);
  return static_cast<int>(cudaGetLastError());
}

}  // namespace

int groupNormSplits(int64_t n, int groups, int64_t elementsPerGroup) {
  // About two blocks per SM of a large GPU in all, each with at least 4 values per thread.
  const int64_t wanted = (264 + n * groups - 1) / (n * groups);
  const int64_t most = std::max<int64_t>(1, elementsPerGroup / (4 * kThreads));
  return static_cast<int>(std::clamp<int64_t>(std::min(wanted, most), 1, 256));
}

int launchGroupNormAct(const GroupNormActArgs& args, void* stream) {
  const auto s = static_cast<cudaStream_t>(stream);
  switch (args.dtype) {
    case 0: return launchGroupNormT<float>(args, s);
    case 1: return launchGroupNormT<__half>(args, s);
    case 2: return launchGroupNormT<__nv_bfloat16>(args, s);
    default: return static_cast<int>(cudaErrorInvalidValue);
  }
}

int launchAddBias(const AddBiasArgs& args, void* stream) {
  const auto s = static_cast<cudaStream_t>(stream);
  switch (args.dtype) {
    case 0: return launchAddBiasT<float>(args, s);
    case 1: return launchAddBiasT<__half>(args, s);
    case 2: return launchAddBiasT<__nv_bfloat16>(args, s);
    default: return static_cast<int>(cudaErrorInvalidValue);
  }
}

}  // namespace symmflow::cuda
