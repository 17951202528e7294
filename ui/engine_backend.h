// SPDX-License-Identifier: MIT
#pragma once
// The real InferenceBackend: a loaded symmflow::Engine.
//
// Live previews on the CPU: when the model file has a companion <stem>-small.safetensors
// (core/model_paths.h) with the same classes and sizes, previews are generated with it
// while the engine runs on the CPU (it is loaded at the first such preview); Generate,
// segmentation and edits always use the full model. On CUDA previews use the full model.
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/engine.h"
#include "ui/inference_backend.h"

namespace symmflow::ui {

class EngineBackend : public InferenceBackend {
 public:
  // Loads a model file (weights included). Errors carry the engine's message.
  static Result<std::shared_ptr<EngineBackend>> load(const std::string& path, DeviceKind device = DeviceKind::Auto);
  explicit EngineBackend(Engine engine, std::string companionPath = {});

  const ModelInfo& info() const override { return m_engine.info(); }
  std::string deviceName() const override { return m_engine.deviceName(); }
  bool onCuda() const override { return m_engine.onCuda(); }
  Status moveTo(DeviceKind device) override { return m_engine.moveTo(device); }
  std::string lastWarning() const override { return m_engine.lastWarning(); }

  Result<std::vector<RgbImage>> generate(const LabelMap& labels, const RunParams& params,
                                         const CallControl& control) override;
  Result<std::vector<RgbImage>> preview(const LabelMap& labels, const RunParams& params,
                                        const CallControl& control) override;
  std::string previewModel() const override;
  Result<SegmentResult> segment(const RgbImage& image, const SegmentParams& params,
                                const CallControl& control) override;
  Result<ClassifyResult> classify(const RgbImage& image, const SegmentParams& params,
                                  const CallControl& control) override;
  Result<Inversion> invert(const RgbImage& image, const RunParams& params, const CallControl& control) override;
  Result<RgbImage> edit(const Inversion& inversion, const LabelMap& edited, const EditParams& params,
                        const CallControl& control) override;

 private:
  // The companion engine, loaded on first use; empty if absent or unsuitable.
  const Engine* companion();

  Engine m_engine;
  std::string m_companionPath;
  std::optional<Engine> m_companion;
  bool m_companionTried = false;
  mutable std::mutex m_mutex;
};

}  // namespace symmflow::ui
