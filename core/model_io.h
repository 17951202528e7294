// SPDX-License-Identifier: MIT
#pragma once
// Reading and writing SymmFlow model files: one .safetensors file with the network's
// weights (F32/F16/BF16) and __metadata__ (config, classes, recipe, metrics; see
// core/model_info.h). LibTorch header: not for ui/.
#include <map>
#include <string>

#include <torch/torch.h>

#include "core/model_info.h"
#include "core/result.h"
#include "core/safetensors.h"
#include "core/unet.h"

namespace symmflow {

struct LoadedModel {
  ModelInfo info;
  SymmFlowUNet net{nullptr};
};

// Converts a tensor to a blob of the given dtype (F32, F16, BF16, U8, I64 ...).
TensorBlob toBlob(const std::string& name, const torch::Tensor& t, DType dtype);
// A tensor (CPU, its own memory) from a file entry, converted to `as` when given.
Result<torch::Tensor> fromEntry(const SafetensorsFile& file, const TensorEntry& e);
torch::ScalarType scalarType(DType t);

// Writes the network's parameters and buffers with metadata; weights stored as `dtype`.
Status saveModel(const std::string& path, SymmFlowUNet& net, const ClassList& classes,
                 const std::map<std::string, std::string>& extraMetadata, DType dtype = DType::F16);

// Loads and validates a model file: metadata, config, and every tensor's name, shape
// and dtype against the network the config describes. Weights land on the CPU as F32.
Result<LoadedModel> loadModel(const std::string& path);

// Copies weights from a file into an existing network (same names and shapes).
Status loadWeightsInto(const SafetensorsFile& file, SymmFlowUNet& net);

}  // namespace symmflow
