// SPDX-License-Identifier: MIT
// Configure-time probe (core/CMakeLists.txt): does this LibTorch build offer the CUDA
// graph API that core/cuda_graph.cpp uses? Compiled and linked, never run.
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/torch.h>

int main() {
  at::cuda::CUDAGraph graph;
  auto side = c10::cuda::getStreamFromPool();
  c10::cuda::CUDAGuard deviceGuard(torch::Device(torch::kCUDA, 0));
  c10::cuda::CUDAStreamGuard streamGuard(side);
  auto x = torch::zeros({1}, torch::TensorOptions().device(torch::kCUDA));
  graph.capture_begin();
  auto y = x + 1;
  graph.capture_end();
  graph.replay();
  side.synchronize();
  c10::cuda::getCurrentCUDAStream().synchronize();
  return static_cast<int>(y.numel()) - 1;
}
