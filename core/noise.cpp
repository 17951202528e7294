// SPDX-License-Identifier: MIT
#include "core/noise.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "core/cpu/noise.h"
#include "core/engine.h"

#ifdef SYMMFLOW_HAVE_FUSED_KERNELS
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "core/cuda/noise.h"
#endif

namespace symmflow {

const char* noiseStream() { return "philox4x32-10+box-muller"; }

torch::Tensor perItemNoise(int64_t batch, at::IntArrayRef itemShape, std::uint64_t seed, const torch::Device& device) {
  TORCH_CHECK(batch >= 0, "perItemNoise: negative batch");
  std::vector<int64_t> shape{batch};
  shape.insert(shape.end(), itemShape.begin(), itemShape.end());
  int64_t perItem = 1;
  for (auto s : itemShape) {
    TORCH_CHECK(s >= 0, "perItemNoise: negative size");
    perItem *= s;
  }
  const auto opts = torch::TensorOptions().dtype(torch::kFloat);
#ifdef SYMMFLOW_HAVE_FUSED_KERNELS
  if (device.is_cuda()) {
    c10::cuda::CUDAGuard guard(device);
    auto out = torch::empty(shape, opts.device(device));
    const int code = cuda::launchNormalNoise(out.data_ptr<float>(), batch, perItem, seed,
                                             c10::cuda::getCurrentCUDAStream(out.device().index()).stream());
    if (code != 0) throw std::runtime_error("noise: CUDA kernel launch failed (error " + std::to_string(code) + ")");
    return out;
  }
#endif
  auto out = torch::empty(shape, opts);
  cpu::normalNoise(out.data_ptr<float>(), batch, perItem, seed);
  return device.is_cpu() ? out : out.to(device);
}

torch::Tensor seededNoise(at::IntArrayRef shape, std::uint64_t seed, const torch::Device& device) {
  int64_t n = 1;
  for (auto s : shape) n *= s;
  return perItemNoise(1, {n}, seed, device).view(shape);
}

}  // namespace symmflow
