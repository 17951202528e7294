// SPDX-License-Identifier: MIT
#include "ui/engine_backend.h"

#include <utility>

namespace symmflow::ui {

Result<std::shared_ptr<EngineBackend>> EngineBackend::load(const std::string& path,
                                                           DeviceKind device) {
  auto engine = Engine::load(path, device);
  if (!engine) return Error{engine.error()};
  return std::make_shared<EngineBackend>(std::move(engine).value());
}

EngineBackend::EngineBackend(Engine engine) : m_engine(std::move(engine)) {}

Result<std::vector<RgbImage>> EngineBackend::generate(const LabelMap& labels,
                                                      const RunParams& params,
                                                      const CallControl& control) {
  return m_engine.generate(labels, params, control);
}

Result<SegmentResult> EngineBackend::segment(const RgbImage& image, const SegmentParams& params,
                                             const CallControl& control) {
  return m_engine.segment(image, params, control);
}

Result<ClassifyResult> EngineBackend::classify(const RgbImage& image, const SegmentParams& params,
                                               const CallControl& control) {
  return m_engine.classify(image, params, control);
}

Result<Inversion> EngineBackend::invert(const RgbImage& image, const RunParams& params,
                                        const CallControl& control) {
  return m_engine.invert(image, params, control);
}

Result<RgbImage> EngineBackend::edit(const Inversion& inversion, const LabelMap& edited,
                                     const EditParams& params, const CallControl& control) {
  return m_engine.edit(inversion, edited, params, control);
}

}  // namespace symmflow::ui
