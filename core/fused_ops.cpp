// SPDX-License-Identifier: MIT
#include "core/fused_ops.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <ATen/record_function.h>

#ifdef SYMMFLOW_HAVE_FUSED_KERNELS
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "core/cuda/fused_kernels.h"
#endif
#include "core/cpu/fused_kernels.h"
#include "core/fused_kernel_args.h"

namespace symmflow {

namespace {
std::atomic<long> g_kernelCalls{0};

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}
// A (C) vector or undefined.
void checkChannelVector(const torch::Tensor& v, int64_t c, const char* name) {
  if (v.defined())
    require(v.dim() == 1 && v.size(0) == c,
            std::string(name) + " must have one value per channel (" + std::to_string(c) + ")");
}
// An (N,C) matrix or undefined.
void checkSampleMatrix(const torch::Tensor& m, int64_t n, int64_t c, const char* name) {
  if (m.defined())
    require(m.dim() == 2 && m.size(0) == n && m.size(1) == c,
            std::string(name) + " must be (N, C) = (" + std::to_string(n) + ", " + std::to_string(c) + ")");
}
torch::Tensor perSample(const torch::Tensor& m) { return m.unsqueeze(-1).unsqueeze(-1); }
torch::Tensor perChannel(const torch::Tensor& v) { return v.view({1, -1, 1, 1}); }

int kernelDtype(const torch::Tensor& x) {
  switch (x.scalar_type()) {
    case torch::kFloat: return 0;
    case torch::kHalf: return 1;
    case torch::kBFloat16: return 2;
    default: return -1;
  }
}
bool anyRequiresGrad(std::initializer_list<const torch::Tensor*> tensors) {
  if (!torch::GradMode::is_enabled()) return false;
  for (const auto* t : tensors)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}
// Every defined tensor on `device` (else the reference operators run, and say what is wrong).
bool allOn(const torch::Device& device, std::initializer_list<const torch::Tensor*> tensors) {
  for (const auto* t : tensors)
    if (t->defined() && t->device() != device) return false;
  return true;
}
// Which kernels apply to activations x (none for autograd, other dtypes or strided views):
// CUDA ones on a CUDA tensor in a build with them, CPU ones for float32 on the CPU.
enum class Kernels { None, Cpu, Cuda };
Kernels kernelsFor(const torch::Tensor& x, bool needsGrad) {
  if (!fusedKernelsEnabled() || needsGrad || x.numel() == 0 || kernelDtype(x) < 0 ||
      !(x.is_contiguous() || x.is_contiguous(torch::MemoryFormat::ChannelsLast)))
    return Kernels::None;
  if (x.is_cpu()) return x.scalar_type() == torch::kFloat ? Kernels::Cpu : Kernels::None;
  if (x.is_cuda() && fusedKernelsCompiled() && !torch::GradMode::is_enabled()) return Kernels::Cuda;
  return Kernels::None;
}
// The parameters a kernel reads: all as they are when they share the activations' dtype
// (a half-precision network's own weights and modulations: no conversion launches), else
// all converted to float32. Vectors become contiguous; (N,C) rows keep their stride when
// the channels are dense (views of one projection).
struct KernelParams {
  std::vector<torch::Tensor> tensors;
  bool inDtype = false;
};
KernelParams kernelParams(torch::ScalarType dtype, std::vector<torch::Tensor> params) {
  KernelParams k;
  k.inDtype = dtype != torch::kFloat;
  for (const auto& p : params)
    if (p.defined() && p.scalar_type() != dtype) k.inDtype = false;
  const auto target = k.inDtype ? dtype : torch::kFloat;
  for (auto& p : params) {
    if (!p.defined()) continue;
    p = p.to(target);
    if (p.dim() == 1 ? !p.is_contiguous() : p.stride(1) != 1) p = p.contiguous();
  }
  k.tensors = std::move(params);
  return k;
}
const void* ptrOr(const torch::Tensor& t) { return t.defined() ? t.data_ptr() : nullptr; }
#ifdef SYMMFLOW_HAVE_FUSED_KERNELS
void checkLaunch(int code, const char* what) {
  if (code != 0)
    throw std::runtime_error(std::string(what) + ": CUDA kernel launch failed (error " + std::to_string(code) + ")");
}
#endif
}  // namespace

bool fusedKernelsCompiled() {
#ifdef SYMMFLOW_HAVE_FUSED_KERNELS
  return true;
#else
  return false;
#endif
}

bool fusedKernelsEnabled() {
  static const bool enabled = [] {
    const char* env = std::getenv("SYMMFLOW_FUSED_KERNELS");
    return !(env && std::strcmp(env, "0") == 0);
  }();
  return enabled;
}

long fusedKernelCalls() { return g_kernelCalls.load(); }

torch::Tensor groupNormAct(const torch::Tensor& x, int groups, const torch::Tensor& gamma, const torch::Tensor& beta,
                           double eps, const torch::Tensor& bias, const torch::Tensor& scale,
                           const torch::Tensor& shift, bool silu) {
  require(x.dim() == 4, "groupNormAct: x must be (N, C, H, W)");
  const int64_t n = x.size(0), c = x.size(1);
  require(groups > 0 && c % groups == 0, "groupNormAct: groups must divide the channels");
  checkChannelVector(gamma, c, "groupNormAct: gamma");
  checkChannelVector(beta, c, "groupNormAct: beta");
  checkChannelVector(bias, c, "groupNormAct: bias");
  checkSampleMatrix(scale, n, c, "groupNormAct: scale");
  checkSampleMatrix(shift, n, c, "groupNormAct: shift");
  const auto route = kernelsFor(x, anyRequiresGrad({&x, &gamma, &beta, &bias, &scale, &shift}));
  if (route != Kernels::None && allOn(x.device(), {&gamma, &beta, &bias, &scale, &shift})) {
    const bool channelsLast = !x.is_contiguous();
    auto y = torch::empty_like(x, channelsLast ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous);
    const auto params = kernelParams(x.scalar_type(), {bias, gamma, beta, scale, shift});
    const auto &fBias = params.tensors[0], &fGamma = params.tensors[1], &fBeta = params.tensors[2];
    const auto &fScale = params.tensors[3], &fShift = params.tensors[4];
    kernels::GroupNormActArgs a;
    a.n = n;
    a.c = c;
    a.hw = x.size(2) * x.size(3);
    a.groups = groups;
    a.x = x.data_ptr();
    a.y = y.data_ptr();
    a.channelBias = ptrOr(fBias);
    a.gamma = ptrOr(fGamma);
    a.beta = ptrOr(fBeta);
    a.scale = ptrOr(fScale);
    a.shift = ptrOr(fShift);
    a.paramsInDtype = params.inDtype;
    a.scaleStride = fScale.defined() ? fScale.stride(0) : 0;
    a.shiftStride = fShift.defined() ? fShift.stride(0) : 0;
    a.channelsLast = channelsLast;
    a.silu = silu;
    a.eps = static_cast<float>(eps);
    a.dtype = kernelDtype(x);
    if (route == Kernels::Cpu) {
      // A profiler range around the CPU kernel alone: `bench --profile` lists it as an
      // operator without children, with its own time. (CUDA launches stay outside operators:
      // their device time is what the profile reports beyond its leaves.)
      RECORD_FUNCTION("symmflow::group_norm_act", std::vector<c10::IValue>());
      cpu::groupNormAct(a);
      ++g_kernelCalls;
      return y;
    }
#ifdef SYMMFLOW_HAVE_FUSED_KERNELS
    const c10::cuda::CUDAGuard guard(x.device());
    a.splits = cuda::groupNormSplits(n, groups, c / groups * a.hw);
    // Workspace for the partial statistics; one block per group needs none.
    const auto partials =
        a.splits > 1 ? torch::empty({n * groups * a.splits * 2}, x.options().dtype(torch::kDouble)) : torch::Tensor();
    a.partials = partials.defined() ? partials.data_ptr<double>() : nullptr;
    checkLaunch(cuda::launchGroupNormAct(a, c10::cuda::getCurrentCUDAStream(x.device().index()).stream()),
                "groupNormAct");
    ++g_kernelCalls;
    return y;
#endif
  }
  auto h = bias.defined() ? x + perChannel(bias) : x;
  h = torch::group_norm(h, groups, gamma, beta, eps);
  if (scale.defined() && shift.defined())
    h = torch::addcmul(perSample(shift), h, perSample(scale));
  else if (scale.defined())
    h = h * perSample(scale);
  else if (shift.defined())
    h = h + perSample(shift);
  return silu ? torch::silu(h) : h;
}

torch::Tensor addWithBias(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& bias1,
                          const torch::Tensor& bias2) {
  require(a.dim() == 4 && a.sizes() == b.sizes(), "addWithBias: a and b must be (N, C, H, W) of one shape");
  checkChannelVector(bias1, a.size(1), "addWithBias: bias1");
  checkChannelVector(bias2, a.size(1), "addWithBias: bias2");
  const auto route = kernelsFor(a, anyRequiresGrad({&a, &b, &bias1, &bias2}));
  if (route != Kernels::None && b.scalar_type() == a.scalar_type() && allOn(a.device(), {&b, &bias1, &bias2}) &&
      b.strides() == a.strides()) {
    const bool channelsLast = !a.is_contiguous();
    auto out = torch::empty_like(a, channelsLast ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous);
    const auto params = kernelParams(a.scalar_type(), {bias1, bias2});
    kernels::AddBiasArgs args;
    args.a = a.data_ptr();
    args.b = b.data_ptr();
    args.out = out.data_ptr();
    args.bias1 = ptrOr(params.tensors[0]);
    args.bias2 = ptrOr(params.tensors[1]);
    args.paramsInDtype = params.inDtype;
    args.n = a.size(0);
    args.c = a.size(1);
    args.hw = a.size(2) * a.size(3);
    args.channelsLast = channelsLast;
    args.dtype = kernelDtype(a);
    if (route == Kernels::Cpu) {
      RECORD_FUNCTION("symmflow::add_with_bias", std::vector<c10::IValue>());
      cpu::addBias(args);
      ++g_kernelCalls;
      return out;
    }
#ifdef SYMMFLOW_HAVE_FUSED_KERNELS
    const c10::cuda::CUDAGuard guard(a.device());
    checkLaunch(cuda::launchAddBias(args, c10::cuda::getCurrentCUDAStream(a.device().index()).stream()), "addWithBias");
    ++g_kernelCalls;
    return out;
#endif
  }
  auto out = a + b;
  if (bias1.defined()) out = out + perChannel(bias1);
  if (bias2.defined()) out = out + perChannel(bias2);
  return out;
}

}  // namespace symmflow
