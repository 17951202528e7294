// SPDX-License-Identifier: MIT
#include "ui/engine_backend.h"

#include <algorithm>
#include <chrono>
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

void EngineBackend::setPreviewStepBudget(double seconds) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_stepBudget = seconds;
}

bool EngineBackend::previewsNeedTheCompanion() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_companionPath.empty() || m_engine.onCuda()) return false;
  if (m_stepBudget <= 0) return true;
  // The first run of a model on the CPU is slower than the next (kernels are chosen), so one
  // run decides only when it is far over the budget.
  return (m_fullRuns >= 1 && m_fullStepSeconds > kFirstRunSlack * m_stepBudget) ||
         (m_fullRuns >= 2 && m_fullStepSeconds > m_stepBudget);
}

Result<std::vector<RgbImage>> EngineBackend::timedFullGenerate(const LabelMap& labels, const RunParams& params,
                                                               const CallControl& control) {
  const auto t0 = std::chrono::steady_clock::now();
  auto r = m_engine.generate(labels, params, control);
  if (r && !m_engine.onCuda()) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // A batch of variations counts as one image each (batching makes that a little optimistic);
    // with previews the engine evaluates the end point once more.
    const int evaluations =
        (std::max(1, params.steps) * (params.solver == Solver::Heun ? 2 : 1) + (control.previews ? 1 : 0)) *
        std::max(1, params.count);
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_fullRuns;
    m_fullStepSeconds = std::min(m_fullStepSeconds, seconds / evaluations);
  }
  return r;
}

Result<std::vector<RgbImage>> EngineBackend::preview(const LabelMap& labels, const RunParams& params,
                                                     const CallControl& control) {
  if (previewsNeedTheCompanion())
    if (const Engine* small = companion()) return small->generate(labels, params, control);
  return timedFullGenerate(labels, params, control);
}

std::string EngineBackend::previewModel() const {
  const bool companionServes = previewsNeedTheCompanion();
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_companion && companionServes ? m_companionPath : std::string();
}

Result<std::vector<RgbImage>> EngineBackend::generate(const LabelMap& labels, const RunParams& params,
                                                      const CallControl& control) {
  return timedFullGenerate(labels, params, control);
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
