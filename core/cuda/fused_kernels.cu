// SPDX-License-Identifier: MIT
// CUDA kernels of core/cuda/fused_kernels.h. Sizes here are small (camvid: at most
// 48 x 27 648 values per group), so the kernels favour few launches over peak bandwidth:
// statistics in float64 (no cancellation in E[x^2] - E[x]^2), plain grid-stride loops,
// and small groups normalized by one block in one launch.
#include <algorithm>
#include <cuda_runtime.h>

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "core/cuda/fused_kernels.h"

namespace symmflow::cuda {
namespace {

constexpr int kThreads = 256;

__device__ __forceinline__ float toFloat(float v) { return v; }
__device__ __forceinline__ float toFloat(__half v) { return __half2float(v); }
__device__ __forceinline__ float toFloat(__nv_bfloat16 v) { return __bfloat162float(v); }
template <typename T>
__device__ __forceinline__ T fromFloat(float v);
template <>
__device__ __forceinline__ float fromFloat<float>(float v) {
  return v;
}
template <>
__device__ __forceinline__ __half fromFloat<__half>(float v) {
  return __float2half(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 fromFloat<__nv_bfloat16>(float v) {
  return __float2bfloat16(v);
}

// A parameter vector's value as float: P is float or the activations' dtype.
template <typename P>
__device__ __forceinline__ float param(const void* p, int64_t i) {
  return toFloat(static_cast<const P*>(p)[i]);
}

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

// Sum and sum of squares of x + bias over elements [begin, end) of group (n, g), reduced over
// the block: the totals are valid in thread 0.
template <typename T, typename P>
__device__ void blockStats(const GroupNormActArgs& a, int64_t n, int64_t g, int64_t begin, int64_t end, double& sum,
                           double& sq) {
  const int64_t cg = a.c / a.groups;
  const T* x = static_cast<const T*>(a.x);
  sum = 0;
  sq = 0;
  for (int64_t e = begin + threadIdx.x; e < end; e += blockDim.x) {
    const GroupIndex i = groupElement(a, n, g, cg, e);
    float v = toFloat(x[i.offset]);
    if (a.channelBias) v += param<P>(a.channelBias, i.channel);
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
    sum = ts;
    sq = tq;
  }
}

__device__ __forceinline__ float inverseStd(double sum, double sq, int64_t count, float eps, float& mean) {
  const double m = sum / count;
  const double var = sq / count - m * m;
  mean = static_cast<float>(m);
  return static_cast<float>(rsqrt((var > 0 ? var : 0.0) + eps));
}

// Normalizes elements [begin, end) of group (n, g) with the group's mean and 1/std.
template <typename T, typename P>
__device__ void applyRange(const GroupNormActArgs& a, int64_t n, int64_t g, int64_t begin, int64_t end, float mean,
                           float rstd) {
  const int64_t cg = a.c / a.groups;
  const T* x = static_cast<const T*>(a.x);
  T* y = static_cast<T*>(a.y);
  for (int64_t e = begin + threadIdx.x; e < end; e += blockDim.x) {
    const GroupIndex i = groupElement(a, n, g, cg, e);
    float v = toFloat(x[i.offset]);
    if (a.channelBias) v += param<P>(a.channelBias, i.channel);
    float o = (v - mean) * rstd;
    if (a.gamma) o *= param<P>(a.gamma, i.channel);
    if (a.beta) o += param<P>(a.beta, i.channel);
    if (a.scale) o *= param<P>(a.scale, n * a.scaleStride + i.channel);
    if (a.shift) o += param<P>(a.shift, n * a.shiftStride + i.channel);
    if (a.silu) o = o / (1.0f + __expf(-o));
    y[i.offset] = fromFloat<T>(o);
  }
}

// Grid (splits, N * groups): partial sum and sum of squares of x + bias over a block's share.
template <typename T, typename P>
__global__ void groupStats(GroupNormActArgs a) {
  const int64_t ng = blockIdx.y;
  int64_t begin, end;
  splitRange(a.c / a.groups * a.hw, begin, end);
  double sum, sq;
  blockStats<T, P>(a, ng / a.groups, ng % a.groups, begin, end, sum, sq);
  if (threadIdx.x == 0) {
    a.partials[(ng * gridDim.x + blockIdx.x) * 2] = sum;
    a.partials[(ng * gridDim.x + blockIdx.x) * 2 + 1] = sq;
  }
}

// Grid (splits, N * groups): combines the group's partials, then normalizes its share.
template <typename T, typename P>
__global__ void groupApply(GroupNormActArgs a) {
  const int64_t ng = blockIdx.y, count = a.c / a.groups * a.hw;
  __shared__ float sMean, sRstd;
  if (threadIdx.x < 32) {
    double ts = 0, tq = 0;
    for (int s = threadIdx.x; s < static_cast<int>(gridDim.x); s += 32) {
      ts += a.partials[(ng * gridDim.x + s) * 2];
      tq += a.partials[(ng * gridDim.x + s) * 2 + 1];
    }
    ts = warpSum(ts);
    tq = warpSum(tq);
    if (threadIdx.x == 0) sRstd = inverseStd(ts, tq, count, a.eps, sMean);
  }
  __syncthreads();
  int64_t begin, end;
  splitRange(count, begin, end);
  applyRange<T, P>(a, ng / a.groups, ng % a.groups, begin, end, sMean, sRstd);
}

// Grid (1, N * groups), for small groups: statistics and normalization in one launch.
template <typename T, typename P>
__global__ void groupNormOneBlock(GroupNormActArgs a) {
  const int64_t ng = blockIdx.y, count = a.c / a.groups * a.hw;
  double sum, sq;
  blockStats<T, P>(a, ng / a.groups, ng % a.groups, 0, count, sum, sq);
  __shared__ float sMean, sRstd;
  if (threadIdx.x == 0) sRstd = inverseStd(sum, sq, count, a.eps, sMean);
  __syncthreads();
  applyRange<T, P>(a, ng / a.groups, ng % a.groups, 0, count, sMean, sRstd);
}

template <typename T, typename P>
__global__ void addBias(AddBiasArgs a) {
  const int64_t total = a.n * a.c * a.hw;
  const T* pa = static_cast<const T*>(a.a);
  const T* pb = static_cast<const T*>(a.b);
  T* out = static_cast<T*>(a.out);
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t ch = a.channelsLast ? i % a.c : (i / a.hw) % a.c;
    float v = toFloat(pa[i]) + toFloat(pb[i]);
    if (a.bias1) v += param<P>(a.bias1, ch);
    if (a.bias2) v += param<P>(a.bias2, ch);
    out[i] = fromFloat<T>(v);
  }
}

template <typename T, typename P>
int launchGroupNormT(const GroupNormActArgs& a, cudaStream_t stream) {
  const dim3 grid(a.splits, static_cast<unsigned>(a.n * a.groups));
  if (a.splits == 1) {
    groupNormOneBlock<T, P><<<grid, kThreads, 0, stream>>>(a);
  } else {
    groupStats<T, P><<<grid, kThreads, 0, stream>>>(a);
    groupApply<T, P><<<grid, kThreads, 0, stream>>>(a);
  }
  return static_cast<int>(cudaGetLastError());
}

template <typename T, typename P>
int launchAddBiasT(const AddBiasArgs& a, cudaStream_t stream) {
  const int64_t total = a.n * a.c * a.hw;
  const int64_t blocks = std::min<int64_t>((total + kThreads - 1) / kThreads, 4096);
  addBias<T, P><<<static_cast<unsigned>(std::max<int64_t>(blocks, 1)), kThreads, 0, stream>>>(a);
  return static_cast<int>(cudaGetLastError());
}

// Parameters as float32 or in the activations' dtype T.
template <typename T>
int launchGroupNormP(const GroupNormActArgs& a, cudaStream_t s) {
  return a.paramsInDtype ? launchGroupNormT<T, T>(a, s) : launchGroupNormT<T, float>(a, s);
}
template <typename T>
int launchAddBiasP(const AddBiasArgs& a, cudaStream_t s) {
  return a.paramsInDtype ? launchAddBiasT<T, T>(a, s) : launchAddBiasT<T, float>(a, s);
}

}  // namespace

int groupNormSplits(int64_t n, int groups, int64_t elementsPerGroup) {
  // Small groups (at most 32 values per thread): one block each, statistics and
  // normalization in one launch. Otherwise about two blocks per SM of a large GPU in all,
  // each with at least 4 values per thread.
  if (elementsPerGroup <= 32 * kThreads) return 1;
  const int64_t wanted = (264 + n * groups - 1) / (n * groups);
  const int64_t most = std::max<int64_t>(1, elementsPerGroup / (4 * kThreads));
  return static_cast<int>(std::clamp<int64_t>(std::min(wanted, most), 1, 256));
}

int launchGroupNormAct(const GroupNormActArgs& args, void* stream) {
  const auto s = static_cast<cudaStream_t>(stream);
  switch (args.dtype) {
    case 0: return launchGroupNormT<float, float>(args, s);
    case 1: return launchGroupNormP<__half>(args, s);
    case 2: return launchGroupNormP<__nv_bfloat16>(args, s);
    default: return static_cast<int>(cudaErrorInvalidValue);
  }
}

int launchAddBias(const AddBiasArgs& args, void* stream) {
  const auto s = static_cast<cudaStream_t>(stream);
  switch (args.dtype) {
    case 0: return launchAddBiasT<float, float>(args, s);
    case 1: return launchAddBiasP<__half>(args, s);
    case 2: return launchAddBiasP<__nv_bfloat16>(args, s);
    default: return static_cast<int>(cudaErrorInvalidValue);
  }
}

}  // namespace symmflow::cuda
