// SPDX-License-Identifier: MIT
#include "core/model_io.h"

#include <cstring>
#include <filesystem>
#include <set>

namespace symmflow {

torch::ScalarType scalarType(DType t) {
  switch (t) {
    case DType::F32: return torch::kFloat;
    case DType::F16: return torch::kHalf;
    case DType::BF16: return torch::kBFloat16;
    case DType::F64: return torch::kDouble;
    case DType::I64: return torch::kLong;
    case DType::I32: return torch::kInt;
    case DType::I16: return torch::kShort;
    case DType::I8: return torch::kChar;
    case DType::U8: return torch::kByte;
    case DType::Bool: return torch::kBool;
  }
  return torch::kFloat;
}

TensorBlob toBlob(const std::string& name, const torch::Tensor& t, DType dtype) {
  auto c = t.detach().to(torch::kCPU).to(scalarType(dtype)).contiguous();
  TensorBlob b;
  b.name = name;
  b.dtype = dtype;
  b.shape = c.sizes().vec();
  b.bytes.resize(static_cast<size_t>(c.numel()) * c.element_size());
  if (!b.bytes.empty()) std::memcpy(b.bytes.data(), c.data_ptr(), b.bytes.size());
  return b;
}

Result<torch::Tensor> fromEntry(const SafetensorsFile& file, const TensorEntry& e) {
  auto t = torch::empty(e.shape, torch::TensorOptions().dtype(scalarType(e.dtype)));
  if (e.bytes) std::memcpy(t.data_ptr(), file.data(e), e.bytes);
  return t;
}

Status saveModel(const std::string& path, SymmFlowUNet& net, const ClassList& classes,
                 const std::map<std::string, std::string>& extraMetadata, DType dtype) {
  try {
    std::vector<TensorBlob> blobs;
    for (const auto& p : net->named_parameters()) blobs.push_back(toBlob(p.key(), p.value(), dtype));
    for (const auto& b : net->named_buffers()) blobs.push_back(toBlob(b.key(), b.value(), dtype));
    auto md = extraMetadata;
    md[meta::kFormat] = "symmflow-model";
    md[meta::kFormatVersion] = "1";
    md[meta::kConfig] = net->config().toJson();
    md[meta::kClasses] = classListToJson(classes);
    return writeSafetensors(path, blobs, md);
  } catch (const c10::Error& e) {
    return Error{"could not save the model: " + std::string(e.what_without_backtrace())};
  }
}

Status loadWeightsInto(const SafetensorsFile& file, SymmFlowUNet& net) {
  std::set<std::string> expected;
  torch::NoGradGuard guard;
  auto load = [&](const std::string& name, torch::Tensor& target) -> Status {
    expected.insert(name);
    const auto* e = file.find(name);
    if (!e) return Error{"the file lacks the weight '" + name + "' that its config needs"};
    if (e->dtype != DType::F32 && e->dtype != DType::F16 && e->dtype != DType::BF16)
      return Error{"weight '" + name + "' has dtype " + dtypeName(e->dtype) + "; expected F32, F16 or BF16"};
    if (e->shape != target.sizes().vec()) {
      std::string want, got;
      for (auto d : target.sizes()) want += (want.empty() ? "" : "x") + std::to_string(d);
      for (auto d : e->shape) got += (got.empty() ? "" : "x") + std::to_string(d);
      return Error{"weight '" + name + "' has shape " + got + " but the config needs " + want};
    }
    auto t = fromEntry(file, *e);
    if (!t) return Error{t.error()};
    auto values = t->to(torch::kFloat);
    if (!torch::isfinite(values).all().item<bool>()) return Error{"weight '" + name + "' holds NaN or infinite values"};
    target.copy_(values.to(target.device()));
    return {};
  };
  for (auto& p : net->named_parameters())
    if (auto s = load(p.key(), p.value()); !s) return s;
  for (auto& b : net->named_buffers())
    if (auto s = load(b.key(), b.value()); !s) return s;
  for (const auto& t : file.tensors())
    if (!expected.count(t.name))
      return Error{"the file holds an unexpected weight '" + t.name + "' (wrong architecture?)"};
  return {};
}

Result<LoadedModel> loadModel(const std::string& path) {
  auto info = inspectModel(path);
  if (!info) return Error{info.error()};
  auto file = SafetensorsFile::read(path);
  if (!file) return Error{file.error()};
  try {
    LoadedModel m;
    m.info = *info;
    m.net = SymmFlowUNet(info->config);
    if (auto s = loadWeightsInto(*file, m.net); !s) return Error{path + ": " + s.error()};
    m.net->eval();
    return m;
  } catch (const c10::Error& e) {
    return Error{path + ": could not build the network: " + std::string(e.what_without_backtrace())};
  } catch (const std::bad_alloc&) {
    return Error{path + ": not enough memory to build the network its config describes"};
  }
}

}  // namespace symmflow
