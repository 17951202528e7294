// SPDX-License-Identifier: MIT
#pragma once
// Runs model work on one worker thread so the GUI never waits on the model.
//
// - A request is an immutable snapshot of its inputs (copied values, no references
//   into the document). submit() returns at once with the request's id.
// - Latest request wins: a new request cancels the running one and replaces any
//   pending one, with one exception: a Preview never interrupts or replaces a
//   non-preview request (live previews must not kill a Generate the user asked for);
//   it waits in the pending slot instead, and is itself replaced by newer requests.
// - Every run reports per-step progress and honours cancel() before the next network
//   evaluation.
// - Results, progress and state changes are delivered on the GUI thread (queued), in
//   order; a cancelled or superseded run still reports finished() with cancelled set.
// - When a call fails on CUDA, the backend is moved to the CPU and the call retried
//   once; the result's warning says so.
#include <QObject>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/engine.h"

namespace symmflow::ui {

class InferenceBackend;

struct InferenceRequest {
  enum class Kind { Generate, Preview, Segment, Classify, InvertEdit };
  Kind kind = Kind::Generate;
  LabelMap labels;  // Generate/Preview: the map (label resolution); InvertEdit: the user's map
  // InvertEdit: the segmentation the user started from (same grid as `labels`). The
  // map given to Engine::edit is the inversion's own labels with every cell where
  // `labels` differs from `reference` replaced by `labels`, so only the user's
  // changes count as edits.
  LabelMap reference;
  RgbImage image;  // Segment/Classify/InvertEdit: the photo at the model's size
  // Segment: further crops of the photo at the model's size, segmented after `image` with
  // the same parameters (the windows that cover a photo of another aspect; imaging/covering.h).
  std::vector<RgbImage> windowImages;
  RunParams run;  // Generate/Preview; InvertEdit: steps and seed of the inversion
  SegmentParams segment;
  EditParams edit;
  Inversion inversion;    // InvertEdit: reused when valid (same photo), else computed
  bool previews = false;  // keep per-step x_t / y_t previews (trajectory dock)
  std::uint64_t tag = 0;  // the caller's context, returned untouched

  // Photo-size data for work around the model call (e.g. framing, compositing).
  RgbImage photo;
  LabelMap photoLabels;
  LabelMap photoReference;
  // Optional hooks run on the worker thread, so heavy image work never blocks the
  // GUI: `prepare` before the model call (it may fill `image`, `labels`, ...; it
  // works on the request's own copy), `finish` after a successful call. Each returns
  // an error message, or an empty string on success. They must not touch the GUI
  // or shared state.
  std::function<std::string(InferenceRequest&)> prepare;
  std::function<std::string(struct InferenceResult&)> finish;
};

struct InferenceResult {
  std::uint64_t id = 0;
  InferenceRequest::Kind kind = InferenceRequest::Kind::Generate;
  std::uint64_t tag = 0;
  bool ok = false;
  bool cancelled = false;
  QString error;
  QString warning;  // e.g. the CUDA -> CPU fallback
  QString device;   // where it ran
  double seconds = 0.0;
  std::vector<RgbImage> images;                     // Generate/Preview: variations; InvertEdit: the edited image
  SegmentResult segmentation;                       // Segment
  std::vector<SegmentResult> windowSegmentations;   // Segment: one per request.windowImages
  ClassifyResult classification;                    // Classify
  Inversion inversion;                              // InvertEdit: the inversion used (cache it)
  std::vector<StepReport> steps;                    // every step's report (with previews when asked)
  std::shared_ptr<const InferenceRequest> request;  // the inputs (after prepare), for provenance
  // Filled by a `finish` hook: photo-size outputs.
  RgbImage photoImage;
  LabelMap photoLabels;
  std::vector<float> photoUncertainty;
};

class InferenceWorker : public QObject {
  Q_OBJECT
 public:
  explicit InferenceWorker(QObject* parent = nullptr);
  // Cancels and joins the worker thread (the run stops at its next step).
  ~InferenceWorker() override;

  // The backend for requests submitted from now on (null: requests fail).
  void setBackend(std::shared_ptr<InferenceBackend> backend);
  std::shared_ptr<InferenceBackend> backend() const;

  std::uint64_t submit(InferenceRequest request);
  // Cancels the running request and drops the pending one.
  void cancel();
  bool isBusy() const;

 Q_SIGNALS:
  void started(quint64 id, int kind);
  // Per step; `report` carries previews only when the request asked for them.
  void progress(quint64 id, const symmflow::StepReport& report);
  void finished(std::shared_ptr<const symmflow::ui::InferenceResult> result);
  // A pending request was replaced before it started.
  void dropped(quint64 id);
  void busyChanged(bool busy);

 private:
  struct Job {
    std::uint64_t id = 0;
    std::shared_ptr<const InferenceRequest> request;
    std::shared_ptr<InferenceBackend> backend;
    std::shared_ptr<std::atomic<bool>> cancel;
  };
  void loop();
  void run(const Job& job);
  void post(std::function<void()> fn);

  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::optional<Job> m_pending;
  std::optional<Job> m_running;  // metadata of the running job (its cancel flag)
  std::shared_ptr<InferenceBackend> m_backend;
  std::uint64_t m_nextId = 1;
  bool m_stop = false;
  bool m_busyReported = false;
  std::thread m_thread;
};

}  // namespace symmflow::ui

Q_DECLARE_METATYPE(std::shared_ptr<const symmflow::ui::InferenceResult>)
Q_DECLARE_METATYPE(symmflow::StepReport)
