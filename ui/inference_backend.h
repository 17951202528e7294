// SPDX-License-Identifier: MIT
#pragma once
// What the inference worker needs from a model: the engine facade's calls behind
// an interface, so the worker can be tested with a deterministic double. The real
// implementation is EngineBackend (over symmflow::Engine).
//
// Threading: the worker calls one backend from its single worker thread; info()
// may also be read from the GUI thread (it must not change after construction).
#include <string>
#include <vector>

#include "core/engine.h"

namespace symmflow::ui {

class InferenceBackend {
 public:
  virtual ~InferenceBackend() = default;

  virtual const ModelInfo& info() const = 0;
  virtual std::string deviceName() const = 0;
  virtual bool onCuda() const = 0;
  virtual Status moveTo(DeviceKind device) = 0;
  // A note about the last call (e.g. "CUDA ran out of memory; ran on the CPU").
  virtual std::string lastWarning() const = 0;

  virtual Result<std::vector<RgbImage>> generate(const LabelMap& labels, const RunParams& params,
                                                 const CallControl& control) = 0;
  // A quick generation for the live preview. The default is generate(); a backend may
  // serve it from a smaller model (EngineBackend does on the CPU, see previewModel()).
  virtual Result<std::vector<RgbImage>> preview(const LabelMap& labels, const RunParams& params,
                                                const CallControl& control) {
    return generate(labels, params, control);
  }
  // The model file that serves previews now, when it is not this backend's own; else "".
  virtual std::string previewModel() const { return {}; }
  virtual Result<SegmentResult> segment(const RgbImage& image, const SegmentParams& params,
                                        const CallControl& control) = 0;
  virtual Result<ClassifyResult> classify(const RgbImage& image, const SegmentParams& params,
                                          const CallControl& control) = 0;
  virtual Result<Inversion> invert(const RgbImage& image, const RunParams& params, const CallControl& control) = 0;
  virtual Result<RgbImage> edit(const Inversion& inversion, const LabelMap& edited, const EditParams& params,
                                const CallControl& control) = 0;
};

}  // namespace symmflow::ui
