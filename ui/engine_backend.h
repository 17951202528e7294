// SPDX-License-Identifier: MIT
#pragma once
// The real InferenceBackend: a loaded symmflow::Engine.
//
// Live previews on the CPU: when the model file has a companion <stem>-small.safetensors
// (core/model_paths.h) with the same classes and sizes, and the full model is too slow for
// previews on this CPU (over the step budget, setPreviewStepBudget()), previews are
// generated with the companion (loaded at its first preview). Generate, segmentation and
// edits always use the full model. On CUDA previews use the full model.
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
  // CPU previews use the full model while its runs (previews and Generate) are quick, the
  // companion beyond (so a preview shows what Generate makes wherever that is quick): after
  // one run that took over kFirstRunSlack times `seconds` per network evaluation, or two whose
  // faster took over `seconds`. Default kPreviewStepBudget; 0: always the companion.
  static constexpr double kPreviewStepBudget = 0.1;  // camvid: ~0.07 s on the 2-core Xeon
  static constexpr double kFirstRunSlack = 3.0;      // camvid's first evaluation: 1.6x the next ones
  void setPreviewStepBudget(double seconds);
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
  // Whether the next CPU preview goes to the companion (see setPreviewStepBudget()).
  bool previewsNeedTheCompanion() const;
  // The full model's generation, its time per evaluation noted on the CPU.
  Result<std::vector<RgbImage>> timedFullGenerate(const LabelMap& labels, const RunParams& params,
                                                  const CallControl& control);

  Engine m_engine;
  std::string m_companionPath;
  std::optional<Engine> m_companion;
  bool m_companionTried = false;
  double m_stepBudget = kPreviewStepBudget;
  int m_fullRuns = 0;                // full-model generations timed (previews and Generate)
  double m_fullStepSeconds = 1e300;  // the fastest of them, per network evaluation
  mutable std::mutex m_mutex;
};

}  // namespace symmflow::ui
