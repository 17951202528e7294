// SPDX-License-Identifier: MIT
#pragma once
// Test doubles and helpers for the ui suites. FakeBackend is a deterministic
// stand-in for the engine (a test double only; the studio ships EngineBackend).
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "core/types.h"
#include "ui/inference_backend.h"

namespace symmflow::ui::test {

inline ClassList threeClasses() {
  ClassList c;
  c.classes = {{"sky", {128, 128, 128}}, {"road", {128, 64, 128}}, {"tree", {128, 128, 0}}};
  return c;
}

// Another class space (a face model's).
inline ClassList faceClasses() {
  ClassList c;
  c.classes = {{"background", {255, 0, 0}}, {"hair", {127, 0, 0}}};
  return c;
}

class FakeBackend : public InferenceBackend {
 public:
  // A dense model of imageW x imageH with labels at imageW/ds x imageH/ds.
  explicit FakeBackend(int imageW = 32, int imageH = 24, int ds = 1) {
    m_info.name = "fake";
    m_info.path = "/models/fake.safetensors";
    m_info.config.imageWidth = imageW;
    m_info.config.imageHeight = imageH;
    m_info.config.labelDownsample = ds;
    m_info.classes = threeClasses();
    m_info.config.numClasses = 3;
  }

  // Another model: its name (file stem) and classes.
  void setModel(const std::string& name, ClassList classes) {
    m_info.name = name;
    m_info.path = "/models/" + name + ".safetensors";
    m_info.config.numClasses = classes.size();
    m_info.classes = std::move(classes);
  }

  std::atomic<int> stepDelayMs{0};
  std::atomic<int> calls{0};
  std::atomic<bool> failOnCuda{false};
  std::atomic<bool> cuda{false};

  const ModelInfo& info() const override { return m_info; }
  std::string deviceName() const override { return cuda ? "cuda:0 (fake)" : "cpu"; }
  bool onCuda() const override { return cuda; }
  Status moveTo(DeviceKind d) override {
    cuda = d == DeviceKind::Cuda;
    return {};
  }
  std::string lastWarning() const override { return {}; }
  std::string previewModel() const override { return previewModelPath; }
  std::string previewModelPath;  // what previewModel() reports

  // Image: the class colour of each pixel's label, shifted by the seed.
  Result<std::vector<RgbImage>> generate(const LabelMap& labels, const RunParams& p, const CallControl& c) override {
    ++calls;
    if (failOnCuda && cuda) return Error{"CUDA out of memory (fake)"};
    if (!runSteps(p.steps, c, p.count)) return Error{"cancelled"};
    std::vector<RgbImage> out;
    for (int v = 0; v < p.count; ++v) {
      RgbImage img(m_info.imageWidth(), m_info.imageHeight());
      for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) {
          const int lx = x * labels.width / img.width, ly = y * labels.height / img.height;
          const int id = labels.at(lx, ly);
          const Rgb col = id < m_info.classes.size() ? m_info.classes.classes[id].color : Rgb{0, 0, 0};
          for (int k = 0; k < 3; ++k) img.at(x, y)[k] = static_cast<std::uint8_t>((col[k] + (p.seed + v) * 3) % 256);
        }
      out.push_back(std::move(img));
    }
    return out;
  }

  // Segmentation: dark pixels -> class 1, green-ish -> 2, else 0 (at label size).
  Result<SegmentResult> segment(const RgbImage& image, const SegmentParams& p, const CallControl& c) override {
    ++calls;
    if (!runSteps(p.steps, c)) return Error{"cancelled"};
    SegmentResult r;
    const int w = m_info.labelWidth(), h = m_info.labelHeight();
    r.labels = LabelMap(w, h);
    r.probabilities.channels = 3;
    r.probabilities.width = w;
    r.probabilities.height = h;
    r.probabilities.data.assign(static_cast<std::size_t>(3) * w * h, 0.0f);
    r.entropy.assign(static_cast<std::size_t>(w) * h, 0.25f);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const auto* px = image.at(x * image.width / w, y * image.height / h);
        const int id = px[0] < 60 ? 1 : (px[1] > px[0] + 40 ? 2 : 0);
        r.labels.at(x, y) = static_cast<std::uint8_t>(id);
        r.probabilities.data[(static_cast<std::size_t>(id) * h + y) * w + x] = 1.0f;
      }
    return r;
  }

  Result<ClassifyResult> classify(const RgbImage&, const SegmentParams& p, const CallControl& c) override {
    ++calls;
    if (!runSteps(1, c)) return Error{"cancelled"};
    ClassifyResult r;
    r.probabilities = {0.2f, 0.7f, 0.1f};
    r.top = 1;
    return r;
  }

  Result<Inversion> invert(const RgbImage&, const RunParams& p, const CallControl& c) override {
    ++calls;
    if (!runSteps(p.steps, c)) return Error{"cancelled"};
    return Inversion();  // opaque; the fake edit does not need its content
  }

  // Edit: white where the edited map says class 2, mid-grey elsewhere.
  Result<RgbImage> edit(const Inversion&, const LabelMap& edited, const EditParams& p, const CallControl& c) override {
    ++calls;
    if (!runSteps(3, c)) return Error{"cancelled"};
    lastEdited = edited;
    RgbImage img(m_info.imageWidth(), m_info.imageHeight(), 128);
    for (int y = 0; y < img.height; ++y)
      for (int x = 0; x < img.width; ++x) {
        const int id = edited.at(x * edited.width / img.width, y * edited.height / img.height);
        if (id == 2) img.at(x, y)[0] = img.at(x, y)[1] = img.at(x, y)[2] = 255;
      }
    return img;
  }

  LabelMap lastEdited;

 private:
  // Reports like the engine's: step i's event reports the point it started from, the last
  // also the end (evaluated there too when previews are asked for, as the engine does for
  // runs that end at t = 1); `items` previews a point, told apart by their y_t.
  bool runSteps(int steps, const CallControl& c, int items = 1) {
    for (int i = 1; i <= steps; ++i) {
      if (c.cancel && c.cancel->load()) return false;
      if (stepDelayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(stepDelayMs.load()));
      if (c.progress) {
        c.progress(point(i - 1, steps, i, c.previews ? items : 0));
        if (i == steps) c.progress(point(i, steps, i, c.previews ? items : 0));
      }
    }
    return !(c.cancel && c.cancel->load());
  }

  StepReport point(int k, int steps, int completed, int items) const {
    StepReport r;
    r.step = k;
    r.totalSteps = steps;
    r.completed = completed;
    r.t = static_cast<double>(k) / steps;
    r.hasVelocity = k < steps || items > 0;
    r.vxNorm = r.hasVelocity ? 1.0 / (k + 1) : 0.0;
    r.vyNorm = r.hasVelocity ? 0.5 / (k + 1) : 0.0;
    for (int item = 0; item < items; ++item) {
      StepPreview p;
      p.x = RgbImage(m_info.imageWidth(), m_info.imageHeight(), static_cast<std::uint8_t>(20 * k));
      p.y = LabelMap(m_info.labelWidth(), m_info.labelHeight(), static_cast<std::uint8_t>((k + item) % 3));
      if (r.hasVelocity) {
        p.yHat = p.y;
        p.classCoverage = {0.5, 0.3, 0.2};
        p.meanConfidence = 0.5 + 0.4 * r.t;
        p.vxNorm = r.vxNorm * (item + 1);
        p.vyNorm = r.vyNorm * (item + 1);
      }
      r.items.push_back(std::move(p));
    }
    return r;
  }

  ModelInfo m_info;
};

}  // namespace symmflow::ui::test
