// SPDX-License-Identifier: MIT
#include "ui/engine_backend.h"

#include <utility>

#include "core/model_paths.h"

namespace symmflow::ui {

Result<std::shared_ptr<EngineBackend>> EngineBackend::load(const std::string& path, DeviceKind device) {
  auto engine = Engine::load(path, device);
  if (!engine) return Error{engine.error()};
  return std::make_shared<EngineBackend>(std::move(engine).value(), previewCompanion(path));
}

EngineBackend::EngineBackend(Engine engine, std::string companionPath)
    : m_engine(std::move(engine)), m_companionPath(std::move(companionPath)) {}

const Engine* EngineBackend::companion() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!m_companionTried && !m_companionPath.empty()) {
    m_companionTried = true;
    auto e = Engine::load(m_companionPath, DeviceKind::Cpu);
    const auto& a = m_engine.info().config;
    auto sameClasses = [&](const ClassList& x, const ClassList& y) {
      if (x.size() != y.size()) return false;
      for (int i = 0; i < x.size(); ++i)
        if (x.classes[i].name != y.classes[i].name) return false;
      return true;
    };
    if (e && sameClasses(e->info().classes, m_engine.info().classes) && e->info().config.imageWidth == a.imageWidth &&
        e->info().config.imageHeight == a.imageHeight && e->info().config.labelWidth() == a.labelWidth() &&
        e->info().config.labelHeight() == a.labelHeight())
      m_companion = std::move(e).value();
  }
  return m_companion ? &*m_companion : nullptr;
}

Result<std::vector<RgbImage>> EngineBackend::preview(const LabelMap& labels, const RunParams& params,
                                                     const CallControl& control) {
  if (!m_engine.onCuda())
    if (const Engine* small = companion()) return small->generate(labels, params, control);
  return m_engine.generate(labels, params, control);
}

std::string EngineBackend::previewModel() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_companion && !m_engine.onCuda() ? m_companionPath : std::string();
}

Result<std::vector<RgbImage>> EngineBackend::generate(const LabelMap& labels, const RunParams& params,
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

Result<Inversion> EngineBackend::invert(const RgbImage& image, const RunParams& params, const CallControl& control) {
  return m_engine.invert(image, params, control);
}

Result<RgbImage> EngineBackend::edit(const Inversion& inversion, const LabelMap& edited, const EditParams& params,
                                     const CallControl& control) {
  return m_engine.edit(inversion, edited, params, control);
}

}  // namespace symmflow::ui
