// SPDX-License-Identifier: MIT
#include "ui/inference_worker.h"

#include <QMetaObject>
#include <QPointer>
#include <chrono>
#include <exception>
#include <utility>

#include "ui/inference_backend.h"

namespace symmflow::ui {

using Kind = InferenceRequest::Kind;

InferenceWorker::InferenceWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const InferenceResult>>();
  qRegisterMetaType<StepReport>();
  m_thread = std::thread([this] { loop(); });
}

InferenceWorker::~InferenceWorker() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
    m_pending.reset();
    if (m_running) m_running->cancel->store(true);
  }
  m_cv.notify_all();
  m_thread.join();
}

void InferenceWorker::setBackend(std::shared_ptr<InferenceBackend> backend) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_backend = std::move(backend);
}

std::shared_ptr<InferenceBackend> InferenceWorker::backend() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_backend;
}

std::uint64_t InferenceWorker::submit(InferenceRequest request) {
  const bool preview = request.kind == Kind::Preview;
  Job job;
  job.request = std::make_shared<const InferenceRequest>(std::move(request));
  job.cancel = std::make_shared<std::atomic<bool>>(false);
  std::optional<std::uint64_t> droppedId;
  bool busyNow = false;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    job.id = m_nextId++;
    job.backend = m_backend;
    const bool runningIsPreview = m_running && m_running->request->kind == Kind::Preview;
    const bool pendingIsPreview = m_pending && m_pending->request->kind == Kind::Preview;
    if (preview && m_pending && !pendingIsPreview) {
      // A preview never replaces a requested run: drop the preview itself.
      droppedId = job.id;
    } else {
      if (m_running && (!preview || runningIsPreview)) m_running->cancel->store(true);
      if (m_pending) droppedId = m_pending->id;
      m_pending = job;
    }
    busyNow = !m_busyReported;
    m_busyReported = true;
  }
  m_cv.notify_all();
  if (busyNow) Q_EMIT busyChanged(true);
  if (droppedId) {
    const std::uint64_t id = *droppedId;
    post([this, id] { Q_EMIT dropped(id); });
  }
  return job.id;
}

void InferenceWorker::cancel() {
  std::optional<std::uint64_t> droppedId;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_pending) droppedId = m_pending->id;
    m_pending.reset();
    if (m_running) m_running->cancel->store(true);
  }
  if (droppedId) {
    const std::uint64_t id = *droppedId;
    post([this, id] { Q_EMIT dropped(id); });
  }
}

bool InferenceWorker::isBusy() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_running.has_value() || m_pending.has_value();
}

void InferenceWorker::post(std::function<void()> fn) {
  // Queued onto the GUI thread; `this` outlives every posted call because the
  // destructor joins the worker before QObject teardown deletes pending events.
  QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection);
}

void InferenceWorker::loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_cv.wait(lock, [this] { return m_stop || m_pending.has_value(); });
      if (m_stop) return;
      job = std::move(*m_pending);
      m_pending.reset();
      m_running = job;
    }
    run(job);
    bool idle = false;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_running.reset();
      idle = !m_pending.has_value();
    }
    if (idle) {
      post([this] {
        bool report = false;
        {
          std::lock_guard<std::mutex> lock(m_mutex);
          report = m_busyReported && !m_running && !m_pending;
          if (report) m_busyReported = false;
        }
        if (report) Q_EMIT busyChanged(false);
      });
    }
  }
}

void InferenceWorker::run(const Job& job) {
  auto result = std::make_shared<InferenceResult>();
  std::shared_ptr<InferenceRequest> prepared;
  if (job.request->prepare) prepared = std::make_shared<InferenceRequest>(*job.request);
  const InferenceRequest& req = prepared ? *prepared : *job.request;
  result->id = job.id;
  result->kind = req.kind;
  result->tag = req.tag;
  result->request = prepared ? std::shared_ptr<const InferenceRequest>(prepared) : job.request;
  const std::uint64_t id = job.id;
  post([this, id, kind = static_cast<int>(req.kind)] { Q_EMIT started(id, kind); });

  InferenceBackend* backend = job.backend.get();
  if (!backend) {
    result->error = tr("No model is loaded. Choose one in the Model menu.");
    post([this, result] { Q_EMIT finished(result); });
    return;
  }

  CallControl control;
  control.cancel = job.cancel.get();
  control.previews = req.previews;
  auto* steps = &result->steps;
  control.progress = [this, id, steps, keep = req.previews](const StepReport& r) {
    // Keep the light numbers always; previews only when asked.
    steps->push_back(r);
    StepReport copy = r;
    if (!keep) copy.items.clear();
    post([this, id, copy] { Q_EMIT progress(id, copy); });
  };

  // One attempt of the request; returns the error message ("" on success).
  auto attempt = [&]() -> std::string {
    steps->clear();
    switch (req.kind) {
      case Kind::Generate:
      case Kind::Preview: {
        auto r = req.kind == Kind::Preview ? backend->preview(req.labels, req.run, control)
                                           : backend->generate(req.labels, req.run, control);
        if (!r) return r.error().empty() ? "generation failed" : r.error();
        result->images = std::move(r).value();
        return {};
      }
      case Kind::Segment: {
        auto r = backend->segment(req.image, req.segment, control);
        if (!r) return r.error().empty() ? "segmentation failed" : r.error();
        result->segmentation = std::move(r).value();
        result->windowSegmentations.clear();
        for (const RgbImage& window : req.windowImages) {
          if (job.cancel->load()) return "cancelled";
          auto w = backend->segment(window, req.segment, control);
          if (!w) return w.error().empty() ? "segmentation failed" : w.error();
          result->windowSegmentations.push_back(std::move(w).value());
        }
        return {};
      }
      case Kind::Classify: {
        auto r = backend->classify(req.image, req.segment, control);
        if (!r) return r.error().empty() ? "classification failed" : r.error();
        result->classification = std::move(r).value();
        return {};
      }
      case Kind::InvertEdit: {
        Inversion inv = req.inversion;
        if (!inv.valid()) {
          auto r = backend->invert(req.image, req.run, control);
          if (!r) return r.error().empty() ? "inversion failed" : r.error();
          inv = std::move(r).value();
        }
        result->inversion = inv;
        if (job.cancel->load()) return "cancelled";
        LabelMap edited = inv.labels();
        if (edited.width == req.labels.width && edited.height == req.labels.height &&
            req.reference.width == req.labels.width && req.reference.height == req.labels.height) {
          for (std::size_t i = 0; i < edited.ids.size(); ++i)
            if (req.labels.ids[i] != req.reference.ids[i]) edited.ids[i] = req.labels.ids[i];
        } else {
          edited = req.labels;
        }
        steps->clear();  // the trajectory of the edit, not of the inversion
        auto e = backend->edit(inv, edited, req.edit, control);
        if (!e) return e.error().empty() ? "edit failed" : e.error();
        result->images = {std::move(e).value()};
        return {};
      }
    }
    return "unknown request";
  };

  const auto t0 = std::chrono::steady_clock::now();
  std::string err;
  try {
    if (prepared) err = prepared->prepare(*prepared);
    const bool preparedOk = err.empty();
    if (preparedOk) err = attempt();
    if (preparedOk && !err.empty() && !job.cancel->load() && backend->onCuda()) {
      // CUDA failed (out of memory included): move to the CPU and try once more.
      const Status moved = backend->moveTo(DeviceKind::Cpu);
      if (moved.ok()) {
        result->warning = tr("CUDA failed (%1); switched to the CPU.").arg(QString::fromStdString(err));
        err = attempt();
      }
    }
    if (err.empty() && !job.cancel->load() && req.finish) err = req.finish(*result);
  } catch (const std::exception& e) {
    // Backends and hooks promise not to throw; a bug must not take the editor down.
    err = std::string("internal error: ") + e.what();
  }
  result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result->device = QString::fromStdString(backend->deviceName());
  if (result->warning.isEmpty()) result->warning = QString::fromStdString(backend->lastWarning());
  result->cancelled = job.cancel->load();
  result->ok = err.empty() && !result->cancelled;
  if (!result->ok && !result->cancelled) result->error = QString::fromStdString(err);
  post([this, result] { Q_EMIT finished(result); });
}

}  // namespace symmflow::ui
