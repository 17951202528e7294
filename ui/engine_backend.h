// SPDX-License-Identifier: MIT
#pragma once
// The real InferenceBackend: a loaded symmflow::Engine.
#include <memory>

#include "core/engine.h"
#include "ui/inference_backend.h"

namespace symmflow::ui {

class EngineBackend : public InferenceBackend {
 public:
  // Loads a model file (weights included). Errors carry the engine's message.
  static Result<std::shared_ptr<EngineBackend>> load(const std::string& path,
                                                     DeviceKind device = DeviceKind::Auto);
  explicit EngineBackend(Engine engine);

  const ModelInfo& info() const override { return m_engine.info(); }
  std::string deviceName() const override { return m_engine.deviceName(); }
  bool onCuda() const override { return m_engine.onCuda(); }
  Status moveTo(DeviceKind device) override { return m_engine.moveTo(device); }
  std::string lastWarning() const override { return m_engine.lastWarning(); }

  Result<std::vector<RgbImage>> generate(const LabelMap& labels, const RunParams& params,
                                         const CallControl& control) override;
  Result<SegmentResult> segment(const RgbImage& image, const SegmentParams& params,
                                const CallControl& control) override;
  Result<ClassifyResult> classify(const RgbImage& image, const SegmentParams& params,
                                  const CallControl& control) override;
  Result<Inversion> invert(const RgbImage& image, const RunParams& params,
                           const CallControl& control) override;
  Result<RgbImage> edit(const Inversion& inversion, const LabelMap& edited,
                        const EditParams& params, const CallControl& control) override;

 private:
  Engine m_engine;
};

}  // namespace symmflow::ui
