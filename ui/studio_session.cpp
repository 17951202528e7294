// SPDX-License-Identifier: MIT
#include "ui/studio_session.h"

#include <QFileInfo>
#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <iterator>
#include <random>
#include <stdexcept>

#include <QtConcurrent/QtConcurrentRun>

#include "core/imaging/composite.h"
#include "core/imaging/covering.h"
#include "core/imaging/image_io.h"
#include "core/imaging/resample.h"
#include "ui/engine_backend.h"
#include "ui/inference_backend.h"
#include "ui/label_document.h"

namespace symmflow::ui {

using Kind = InferenceRequest::Kind;

namespace {
// The reports of the last sampler of a run (an edit's, after the photo's inversion): from
// its last start point on.
std::vector<StepReport> lastSamplerRun(const std::vector<StepReport>& steps) {
  auto start = std::find_if(steps.rbegin(), steps.rend(), [](const StepReport& r) { return r.step == 0; });
  return start == steps.rend() ? steps : std::vector<StepReport>(std::prev(start.base()), steps.end());
}

// Pixels whose label differs between `before` and `after` (photo size), inside and outside
// the framing's crop: edits outside cannot reach the model, which regenerates the crop only.
struct ChangedPixels {
  std::int64_t inside = 0;
  std::int64_t outside = 0;
};
ChangedPixels countChanges(const LabelMap& before, const LabelMap& after, const imaging::Framing& f) {
  ChangedPixels n;
  for (int y = 0; y < before.height; ++y)
    for (int x = 0; x < before.width; ++x)
      if (before.at(x, y) != after.at(x, y))
        ++(x < f.cropX || x >= f.cropX + f.cropWidth || y < f.cropY || y >= f.cropY + f.cropHeight ? n.outside
                                                                                                   : n.inside);
  return n;
}
// The document's map as the model saw it for `image` (framed as modelGridLabels() frames it),
// at the image's size: the pair an export writes is pixel-aligned.
LabelMap labelsAtImageSize(const LabelMap& map, const RgbImage& image) {
  if (image.empty() || map.empty() || (map.width == image.width && map.height == image.height)) return map;
  return imaging::labelsToModel(map, imaging::makeFraming(map.width, map.height, image.width, image.height));
}

QString q(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

struct StudioSession::LoadOutcome {
  std::shared_ptr<InferenceBackend> backend;
  QString path;
  QString sha256;
  QString error;
  MapOnSwitch onSwitch = MapOnSwitch::Keep;
};

StudioSession::StudioSession(LabelDocument* doc, QObject* parent)
    : QObject(parent), m_doc(doc), m_worker(new InferenceWorker(this)) {
  m_previewTimer.setSingleShot(true);
  connect(&m_previewTimer, &QTimer::timeout, this, [this] {
    if (!m_backend || m_doc->isEmpty() || m_doc->inGesture()) return;
    if (!classMismatch().isEmpty()) return;  // Generate says why; a preview must not nag
    InferenceRequest req;
    req.kind = Kind::Preview;
    req.labels = modelGridLabels(m_doc->labels());
    req.run.steps = m_settings.previewSteps;
    req.run.solver = m_settings.solver;
    req.run.seed = m_settings.seed;
    req.run.count = 1;
    m_previewId = m_worker->submit(std::move(req));
  });
  connect(m_worker, &InferenceWorker::finished, this, &StudioSession::onFinished);
  connect(m_worker, &InferenceWorker::busyChanged, this, &StudioSession::busyChanged);
  connect(m_worker, &InferenceWorker::progress, this, [this](quint64 id, const StepReport& r) {
    if (id == m_previewId) return;
    // Apply edit runs two samplers in a row (inversion, then the edit); name the phase.
    if (m_runKind == static_cast<int>(Kind::InvertEdit) && r.step == 0) {
      Q_EMIT runStarted(m_runSequence == 0 && m_editInverts ? tr("Inverting the photo") : tr("Editing"));
      ++m_runSequence;
    }
    Q_EMIT runProgress(r.completed, r.totalSteps);
    Q_EMIT stepReported(r);
    if (m_liveTrajectory) {
      if (r.step == 0) m_liveSteps.clear();  // an edit shows its own flow, not the inversion's
      m_liveSteps.push_back(r);
      Q_EMIT trajectoryChanged();
    }
  });
  connect(m_worker, &InferenceWorker::started, this, [this](quint64 id, int kind) {
    if (id == m_previewId) return;
    m_runKind = kind;
    m_runSequence = 0;
    // A generation or an edit shows its flow as it goes (segmentation is one step).
    m_liveTrajectory = kind == static_cast<int>(Kind::Generate) || kind == static_cast<int>(Kind::InvertEdit);
    if (m_liveTrajectory) {
      m_liveSteps.clear();
      Q_EMIT trajectoryChanged();
    }
    static const char* names[] = {"Generating", "Preview", "Segmenting", "Classifying", "Applying edit"};
    Q_EMIT runStarted(tr(names[std::clamp(kind, 0, 4)]));
  });
  connect(&m_loadWatcher, &QFutureWatcher<std::shared_ptr<LoadOutcome>>::finished, this, [this] {
    const auto out = m_loadWatcher.result();
    if (!out || !out->backend) {
      Q_EMIT modelLoadFailed(out ? out->error : tr("The model could not be loaded."));
      return;
    }
    setBackend(out->backend, out->path, out->sha256, out->onSwitch);
  });
  // After every change (a finished gesture, undo, redo, import), restart the preview
  // timer; it skips firing while a gesture is still open.
  connect(doc->undoStack(), &QUndoStack::indexChanged, this, [this] {
    if (m_settings.livePreview) schedulePreview();
  });
  connect(doc, &LabelDocument::labelsChanged, this, [this] {
    if (m_settings.livePreview) schedulePreview();
  });
  // Image-level models: the "map" is one pixel, and it is the class picked in the
  // palette, so the canvas always shows what Generate will make.
  connect(doc, &LabelDocument::currentClassChanged, this, [this](int id) {
    if (!m_backend || !m_backend->info().imageLevel() || m_doc->width() != 1 || m_doc->height() != 1) return;
    if (m_syncingImageLevel || m_doc->labels().ids[0] == id) return;
    m_syncingImageLevel = true;
    m_doc->reset(LabelMap(1, 1, static_cast<std::uint8_t>(id)), m_backend->info().classes);
    m_doc->setCurrentClass(id);
    m_syncingImageLevel = false;
  });
}

StudioSession::~StudioSession() {
  m_worker->cancel();
  if (m_loadWatcher.isRunning()) m_loadWatcher.waitForFinished();
}

// ---- Model ---------------------------------------------------------------------

bool StudioSession::sameClasses(const ClassList& a, const ClassList& b) {
  if (a.size() != b.size()) return false;
  for (int i = 0; i < a.size(); ++i)
    if (a.classes[i].name != b.classes[i].name) return false;
  return true;
}

bool StudioSession::hasUserWork() const { return !m_doc->isEmpty() && (m_pinned || m_doc->isModified()); }

QString StudioSession::classMismatchWith(const ModelInfo& info, bool withFix) const {
  if (m_doc->isEmpty()) return {};
  const QString model = q(info.name);
  const int n = m_doc->classes().size();
  // Whose classes the map has: the loaded model's when they match, else the one noted
  // when the model changed (or the project's).
  const QString owner = m_backend && sameClasses(m_doc->classes(), m_backend->info().classes)
                            ? q(m_backend->info().name)
                            : m_mapModelName;
  const bool named = !owner.isEmpty() && owner != model;
  const QString fix = !withFix ? QString()
                      : named  ? tr(" Start a new map (File ▸ New map) or load %1 again (Model menu).").arg(owner)
                               : tr(" Start a new map (File ▸ New map) or load the model the map was made with "
                                     "(Model menu).");
  const QString mapUses =
      named ? tr("The map uses %1's %2 classes").arg(owner).arg(n) : tr("The map uses %1 classes").arg(n);
  if (!sameClasses(m_doc->classes(), info.classes)) {
    const QString theirs =
        info.classes.size() == n ? tr("%1 other classes").arg(n) : tr("%1 classes").arg(info.classes.size());
    return tr("%1; the model %2 has %3.%4").arg(mapUses, model, theirs, fix);
  }
  const bool oneByOne = m_doc->width() == 1 && m_doc->height() == 1;
  if (info.imageLevel() && !oneByOne)
    return tr("The map is %1×%2 pixels; the model %3 classifies whole images and generates from one class.%4")
        .arg(m_doc->width())
        .arg(m_doc->height())
        .arg(model, fix);
  if (!info.imageLevel() && oneByOne)
    return tr("The map is one image-level class; the model %1 generates from a label map.%2").arg(model, fix);
  return {};
}

QString StudioSession::classMismatch() const { return m_backend ? classMismatchWith(m_backend->info()) : QString(); }

void StudioSession::setBackend(std::shared_ptr<InferenceBackend> backend, const QString& path, const QString& sha256,
                               MapOnSwitch onSwitch) {
  dropPendingSegmentation();
  m_worker->cancel();
  m_previewTimer.stop();
  // Name the class space of a map that the new model may not speak (for the messages).
  if (m_backend && !m_doc->isEmpty() && sameClasses(m_doc->classes(), m_backend->info().classes))
    m_mapModelName = q(m_backend->info().name);
  m_backend = std::move(backend);
  m_modelPath = path;
  m_modelSha = sha256;
  m_worker->setBackend(m_backend);
  m_inversion = Inversion();
  m_preview = {};
  // Keep the document only when it speaks the model's classes, or when it is the
  // user's work (then runs are refused until they match: classMismatch()).
  const QString mismatch = classMismatch();
  const bool resegment = onSwitch == MapOnSwitch::SegmentPhoto && m_doc->hasPhoto() && !m_backend->info().imageLevel();
  if (m_doc->isEmpty() || onSwitch == MapOnSwitch::New || (!mismatch.isEmpty() && !hasUserWork() && !resegment)) {
    newMap(0);
  } else if (!mismatch.isEmpty() && !resegment) {
    Q_EMIT warningOccurred(mismatch);
  }
  Q_EMIT modelChanged();
  Q_EMIT previewChanged();
  if (resegment) {
    // The map is replaced when the new segmentation arrives (until then runs are refused).
    if (auto s = segmentPhotoAgain(); !s)
      Q_EMIT errorOccurred(tr("Segment photo"), tr("The photo could not be segmented again: %1.").arg(q(s.error())));
  }
}

void StudioSession::loadModelAsync(const QString& path, DeviceKind device, MapOnSwitch onSwitch) {
  if (m_loadWatcher.isRunning()) return;
  m_loadWatcher.setFuture(QtConcurrent::run([path, device, onSwitch]() -> std::shared_ptr<LoadOutcome> {
    auto out = std::make_shared<LoadOutcome>();
    out->path = path;
    out->onSwitch = onSwitch;
    auto r = EngineBackend::load(path.toStdString(), device);
    if (!r) {
      out->error = QString::fromStdString(r.error());
      return out;
    }
    out->backend = std::move(r).value();
    out->sha256 = fileSha256(path);
    return out;
  }));
}

const ModelInfo* StudioSession::modelInfo() const { return m_backend ? &m_backend->info() : nullptr; }

QString StudioSession::deviceName() const { return m_backend ? q(m_backend->deviceName()) : QString(); }

// ---- Documents -----------------------------------------------------------------

void StudioSession::newMap(int fillClass, int width, int height) {
  const ModelInfo* info = modelInfo();
  if (!info) return;
  const int k = info->classes.size();
  fillClass = std::clamp(fillClass, 0, std::max(0, k - 1));
  if (width <= 0 || height <= 0) {
    width = info->labelWidth();
    height = info->labelHeight();
  }
  LabelMap map(width, height, static_cast<std::uint8_t>(fillClass));
  dropPendingSegmentation();
  m_photoPath.clear();
  m_inversion = Inversion();
  m_uncertainty.clear();
  m_framing = {};
  m_pinned = false;
  clearResults();
  m_doc->reset(std::move(map), info->classes);
  m_doc->setBackgroundClass(fillClass);
  Q_EMIT uncertaintyChanged();
  Q_EMIT newMapStarted();
}

const ClassList& StudioSession::maskClasses() const {
  if (!m_doc->isEmpty() || !m_backend) return m_doc->classes();
  return m_backend->info().classes;
}

Result<std::pair<LabelMap, imaging::MaskReport>> StudioSession::readMask(
    const QString& path, const imaging::MaskImportOptions& options) const {
  const ClassList& classes = maskClasses();
  if (classes.size() == 0) return Error{"load a model first: its classes define the mask's meaning"};
  return imaging::importMask(path.toStdString(), classes, options);
}

QString StudioSession::importFitNote(int width, int height) const {
  if (!m_doc->hasPhoto() || width <= 0 || height <= 0 || (width == m_doc->width() && height == m_doc->height()))
    return {};
  QString note =
      tr("scaled from %1×%2 to the photo's %3×%4").arg(width).arg(height).arg(m_doc->width()).arg(m_doc->height());
  const double mask = static_cast<double>(width) / height;
  const double photo = static_cast<double>(m_doc->width()) / m_doc->height();
  if (std::abs(mask / photo - 1.0) > 0.02)
    note += tr(" (stretched: the aspect ratios differ, %1 vs %2)").arg(mask, 0, 'f', 3).arg(photo, 0, 'f', 3);
  return note;
}

QString StudioSession::applyImportedMask(const LabelMap& labels, const QString& path) {
  if (labels.empty()) return {};
  const QString name = tr("Import %1").arg(QFileInfo(path).fileName());
  dropPendingSegmentation();
  m_pinned = true;
  if (m_doc->isEmpty()) {
    const ClassList classes = maskClasses();
    m_doc->reset(labels, classes);
    return {};
  }
  const QString note = importFitNote(labels.width, labels.height);
  if (!note.isEmpty()) {
    // Keep the photo: the mask is meant for it (a mask saved at another resolution).
    m_doc->replaceLabels(imaging::resizeLabels(labels, m_doc->width(), m_doc->height()), name);
    return note;
  }
  if (labels.width != m_doc->width() || labels.height != m_doc->height()) {
    m_photoPath.clear();
    m_inversion = Inversion();
    m_uncertainty.clear();
    Q_EMIT uncertaintyChanged();
  }
  m_doc->replaceLabels(labels, name);
  return {};
}

Status StudioSession::openPhoto(const QString& path) {
  if (!m_backend) return Error{"load a model first (Model menu)"};
  if (m_backend->info().imageLevel()) return Error{"this model classifies whole images; use Classify image"};
  // Only the header is read here (cheap); decoding, framing and mapping the result
  // back to the photo's size run on the worker thread.
  auto header = imaging::probeImage(path.toStdString());
  if (!header) return Error{header.error()};
  const std::string file = path.toStdString();
  submitSegmentation([file] { return imaging::loadImage(file); }, path);
  return {};
}

Status StudioSession::segmentPhotoAgain() {
  if (!m_backend) return Error{"load a model first (Model menu)"};
  if (m_backend->info().imageLevel()) return Error{"this model classifies whole images; use Classify image"};
  if (!m_doc->hasPhoto()) return Error{"there is no photo to segment: open one with File ▸ Open photo"};
  RgbImage photo = m_doc->photo();
  submitSegmentation([photo]() -> Result<RgbImage> { return photo; }, m_photoPath);
  return {};
}

void StudioSession::submitSegmentation(std::function<Result<RgbImage>()> source, const QString& path) {
  const ModelInfo& info = m_backend->info();
  InferenceRequest req;
  req.kind = Kind::Segment;
  req.segment.steps = m_settings.segmentSteps;
  req.segment.draws = m_settings.segmentDraws;
  req.segment.seed = m_settings.seed;
  req.segment.solver = m_settings.solver;
  const int mw = info.imageWidth(), mh = info.imageHeight();
  req.prepare = [source = std::move(source), mw, mh](InferenceRequest& r) -> std::string {
    auto img = source();
    if (!img) return img.error();
    r.photo = std::move(img).value();
    // The centred crop first (edits use it), then the crops that cover the rest of a photo
    // of another aspect (imaging/covering.h): the whole photo gets labels.
    const auto windows = imaging::coveringWindows(imaging::makeFraming(r.photo.width, r.photo.height, mw, mh));
    r.image = imaging::toModel(r.photo, windows.front());
    for (std::size_t i = 1; i < windows.size(); ++i) r.windowImages.push_back(imaging::toModel(r.photo, windows[i]));
    return {};
  };
  req.finish = [mw, mh](InferenceResult& res) -> std::string {
    const RgbImage& photo = res.request->photo;
    const SegmentResult& seg = res.segmentation;
    const imaging::Framing f = imaging::makeFraming(photo.width, photo.height, mw, mh);
    if (seg.probabilities.channels == 0) {  // a backend without probabilities: the centred crop's labels
      res.photoLabels = imaging::labelsToPhoto(seg.labels, f);
      return {};
    }
    const auto windows = imaging::coveringWindows(f);
    if (windows.size() != res.windowSegmentations.size() + 1) return "the segmentation missed part of the photo";
    std::vector<FloatPlanes> scores{seg.probabilities};
    for (const auto& w : res.windowSegmentations) scores.push_back(w.probabilities);
    auto covered = imaging::segmentationFromWindows(scores, windows, photo);
    res.photoLabels = std::move(covered.labels);
    res.photoUncertainty = std::move(covered.uncertainty);
    return {};
  };
  m_pendingPhotoPath = path;
  const bool was = isSegmentingPhoto();
  m_segmentId = m_worker->submit(std::move(req));
  if (!was) Q_EMIT segmentingPhotoChanged(true);
}

void StudioSession::dropPendingSegmentation() {
  if (!isSegmentingPhoto()) return;
  m_segmentId = 0;
  m_worker->cancel();
  Q_EMIT segmentingPhotoChanged(false);
}

QString StudioSession::segmentingPhotoName() const {
  return m_pendingPhotoPath.isEmpty() ? tr("the photo") : QFileInfo(m_pendingPhotoPath).fileName();
}

Status StudioSession::classifyImage(const QString& path) {
  if (!m_backend) return Error{"load a model first (Model menu)"};
  auto img = imaging::loadImage(path.toStdString());
  if (!img) return Error{img.error()};
  const ModelInfo& info = m_backend->info();
  InferenceRequest req;
  req.kind = Kind::Classify;
  try {
    const auto f = imaging::makeFraming(img->width, img->height, info.imageWidth(), info.imageHeight());
    req.image = imaging::toModel(img.value(), f);
  } catch (const std::exception& e) {
    return Error{std::string("cannot frame the image: ") + e.what()};
  }
  req.segment.draws = m_settings.segmentDraws;
  req.segment.seed = m_settings.seed;
  m_classifyPath = path;
  m_classifyId = m_worker->submit(std::move(req));
  return {};
}

// ---- Runs ----------------------------------------------------------------------

imaging::Framing StudioSession::mapFraming(int width, int height) const {
  const ModelInfo& info = m_backend->info();
  return imaging::makeFraming(width, height, info.imageWidth(), info.imageHeight());
}

LabelMap StudioSession::modelGridLabels(const LabelMap& map) const {
  const ModelInfo& info = m_backend->info();
  if (info.imageLevel()) {
    // An image-level model generates from one class: the current one.
    return LabelMap(1, 1, static_cast<std::uint8_t>(std::max(0, m_doc->currentClass())));
  }
  if (map.width == info.labelWidth() && map.height == info.labelHeight()) return map;
  try {
    return imaging::labelsToModel(map, mapFraming(map.width, map.height), info.labelWidth(), info.labelHeight());
  } catch (const std::exception&) {
    return imaging::resizeLabels(map, info.labelWidth(), info.labelHeight());
  }
}

Provenance StudioSession::baseProvenance(const QString& kind) const {
  Provenance p;
  p.kind = kind;
  if (m_backend) {
    p.modelName = q(m_backend->info().name);
    p.modelFile = QFileInfo(m_modelPath).fileName();
  }
  p.modelSha256 = m_modelSha;
  p.noise = QString::fromLatin1(noiseStream());
  p.solver = QString::fromLatin1(solverName(m_settings.solver));
  return p;
}

std::uint64_t StudioSession::generate() {
  if (!m_backend) {
    Q_EMIT errorOccurred(tr("Generate"), tr("Load a model first (Model menu)."));
    return 0;
  }
  if (m_doc->isEmpty() && !m_backend->info().imageLevel()) {
    Q_EMIT errorOccurred(tr("Generate"), tr("There is no label map: create one with File ▸ New map."));
    return 0;
  }
  if (const QString why = classMismatch(); !why.isEmpty()) {
    Q_EMIT errorOccurred(tr("Generate"), why);
    return 0;
  }
  m_previewTimer.stop();
  if (m_settings.randomSeed) {
    std::random_device rd;
    m_settings.seed = rd() & 0x7fffffffu;  // fits the seed box; 2^31 seeds are plenty
  }
  InferenceRequest req;
  req.kind = Kind::Generate;
  req.labels = modelGridLabels(m_doc->labels());
  req.run.steps = m_settings.steps;
  req.run.solver = m_settings.solver;
  req.run.seed = m_settings.seed;
  req.run.count = std::max(1, m_settings.variations);
  req.previews = m_settings.recordTrajectory;
  return m_worker->submit(std::move(req));
}

void StudioSession::schedulePreview() {
  if (!m_backend || !classMismatch().isEmpty()) return;
  m_previewTimer.start(m_settings.previewDelayMs);
}

bool StudioSession::canApplyEdit() const {
  return m_backend && m_doc->hasPhoto() && !m_doc->referenceLabels().empty() && !m_backend->info().imageLevel();
}

std::uint64_t StudioSession::applyEdit(bool reroll) {
  if (!canApplyEdit()) {
    Q_EMIT errorOccurred(tr("Apply edit"),
                         tr("Open a photo first: Apply edit regenerates a photo from its edited map."));
    return 0;
  }
  if (m_doc->labels() == m_doc->referenceLabels()) {
    Q_EMIT errorOccurred(tr("Apply edit"), tr("Nothing to apply: the map is unchanged since the photo was segmented."));
    return 0;
  }
  if (const QString why = classMismatch(); !why.isEmpty()) {
    Q_EMIT errorOccurred(tr("Apply edit"), why);
    return 0;
  }
  const ModelInfo& info = m_backend->info();
  InferenceRequest req;
  req.kind = Kind::InvertEdit;
  req.photo = m_doc->photo();
  req.photoLabels = m_doc->labels();
  req.photoReference = m_doc->referenceLabels();
  const int mw = info.imageWidth(), mh = info.imageHeight();
  const int lw = info.labelWidth(), lh = info.labelHeight();
  const float feather = m_settings.editFeather, dilate = static_cast<float>(m_settings.editDilate);
  req.prepare = [mw, mh, lw, lh](InferenceRequest& r) -> std::string {
    const imaging::Framing f = imaging::makeFraming(r.photo.width, r.photo.height, mw, mh);
    r.image = imaging::toModel(r.photo, f);
    r.labels = imaging::labelsToModel(r.photoLabels, f, lw, lh);
    r.reference = imaging::labelsToModel(r.photoReference, f, lw, lh);
    if (r.labels == r.reference) {
      if (const auto n = countChanges(r.photoReference, r.photoLabels, f); n.outside > 0 && n.inside == 0)
        return "the changes lie outside the part of the photo the model regenerates (its centred " +
               std::to_string(f.cropWidth) + "x" + std::to_string(f.cropHeight) +
               " crop, of the model's aspect): Apply edit cannot change those pixels";
      return "the changes are smaller than one cell of the model's " + std::to_string(lw) + "x" + std::to_string(lh) +
             " grid; paint a larger region";
    }
    return {};
  };
  req.finish = [mw, mh, feather, dilate](InferenceResult& res) -> std::string {
    const InferenceRequest& r = *res.request;
    const imaging::Framing f = imaging::makeFraming(r.photo.width, r.photo.height, mw, mh);
    const LabelMap changed = imaging::changedMask(r.photoReference, r.photoLabels);
    // The engine's feather and dilation are in model pixels; the composite's in photo pixels.
    const float scale = static_cast<float>(1.0 / std::max(1e-9, f.scaleX()));
    res.photoImage = imaging::compositeEdit(r.photo, res.images.front(), changed, f, feather * scale, dilate * scale);
    if (const auto outside = countChanges(r.photoReference, r.photoLabels, f).outside; outside > 0)
      res.warning += (res.warning.isEmpty() ? QString() : QStringLiteral(" ")) +
                     QStringLiteral(
                         "%1 edited pixels lie outside the centred %2×%3 crop that the model regenerates; "
                         "they keep the photo's pixels.")
                         .arg(outside)
                         .arg(f.cropWidth)
                         .arg(f.cropHeight);
    return {};
  };
  // The cached inversion is reused only when it was made with the current steps.
  req.inversion = m_inversion.steps() == m_settings.steps ? m_inversion : Inversion();
  m_editInverts = !req.inversion.valid();
  req.run.steps = m_settings.steps;
  req.run.solver = m_settings.solver;
  req.run.seed = m_settings.seed;
  req.edit.solver = m_settings.solver;
  req.edit.dilate = m_settings.editDilate;
  req.edit.feather = m_settings.editFeather;
  req.edit.rerollChanged = reroll;
  // A re-roll draws fresh noise for the changed region only; the user's seed stays as set
  // (the result's provenance records the one drawn).
  req.edit.seed = m_settings.seed;
  if (reroll) {
    std::random_device rd;
    req.edit.seed = rd() & 0x7fffffffu;
  }
  req.previews = m_settings.recordTrajectory;
  return m_worker->submit(std::move(req));
}

void StudioSession::cancel() {
  m_previewTimer.stop();
  m_worker->cancel();
}

bool StudioSession::isBusy() const { return m_worker->isBusy(); }

void StudioSession::onFinished(const std::shared_ptr<const InferenceResult>& r) {
  // The pending segmentation ended (done, failed or cancelled): the map may be edited again
  // (views hear it before the map arrives).
  const bool segmentation = isSegmentingPhoto() && r->id == m_segmentId;
  if (segmentation) {
    m_segmentId = 0;
    Q_EMIT segmentingPhotoChanged(false);
  }
  if (r->kind != Kind::Preview && r->id != m_previewId) m_liveTrajectory = false;
  if (r->cancelled || !r->ok) showResultTrajectory();  // not the partial flow of a run that gave nothing
  if (r->cancelled) {
    if (r->kind != Kind::Preview) Q_EMIT runFinished(tr("Cancelled."));
    return;
  }
  if (!r->ok) {
    if (r->kind == Kind::Preview) return;  // a failing preview must not nag
    static const char* titles[] = {"Generate", "Preview", "Segment photo", "Classify", "Apply edit"};
    Q_EMIT errorOccurred(tr(titles[static_cast<int>(r->kind)]), r->error);
    Q_EMIT runFinished(tr("Failed: %1").arg(r->error));
    return;
  }
  if (!r->warning.isEmpty()) Q_EMIT warningOccurred(r->warning);
  switch (r->kind) {
    case Kind::Preview:
      if (r->id == m_previewId && !r->images.empty()) {
        m_preview = r->images.front();
        Q_EMIT previewChanged();
      }
      return;
    case Kind::Generate: onGenerated(*r); break;
    case Kind::Segment:
      if (!segmentation) return;
      onSegmented(*r);
      break;
    case Kind::Classify: {
      if (r->id != m_classifyId) return;
      QVector<ClassScore> top;
      const auto& p = r->classification.probabilities;
      const ClassList& cls = m_backend->info().classes;
      for (int i = 0; i < static_cast<int>(p.size()); ++i)
        top.push_back({i, i < cls.size() ? q(cls.classes[i].name) : QString::number(i), p[i]});
      std::sort(top.begin(), top.end(),
                [](const ClassScore& a, const ClassScore& b) { return a.probability > b.probability; });
      if (top.size() > 5) top.resize(5);
      Q_EMIT classified(m_classifyPath, top);
      Q_EMIT runFinished(tr("Classified in %1 s on %2.").arg(r->seconds, 0, 'f', 2).arg(r->device));
      return;
    }
    case Kind::InvertEdit: onEdited(*r); break;
  }
  if (!r->steps.empty() && (r->kind == Kind::Generate || r->kind == Kind::InvertEdit)) showResultTrajectory();
}

void StudioSession::addResults(std::vector<ResultEntry> entries) {
  if (entries.empty()) return;
  m_results.addBatch(std::move(entries));
  Q_EMIT resultsChanged();
  Q_EMIT currentResultChanged(m_results.current());
}

void StudioSession::onGenerated(const InferenceResult& r) {
  std::vector<ResultEntry> entries;
  const QString labelsHash = labelMapHash(r.request->labels);
  const auto steps = std::make_shared<const std::vector<StepReport>>(r.steps);
  for (std::size_t i = 0; i < r.images.size(); ++i) {
    ResultEntry e;
    e.trajectory = steps;
    e.trajectoryItem = static_cast<int>(i);
    e.image = r.images[i];
    e.labels = labelsAtImageSize(m_doc->labels(), e.image);
    e.provenance = baseProvenance(QStringLiteral("generate"));
    e.provenance.solver = QString::fromLatin1(solverName(r.request->run.solver));
    e.provenance.seed = r.request->run.seed + i;
    e.provenance.steps = r.request->run.steps;
    e.provenance.variation = static_cast<int>(i);
    e.provenance.labelsSha256 = labelsHash;
    e.provenance.seconds = r.seconds;
    e.provenance.device = r.device;
    e.provenance.width = e.image.width;
    e.provenance.height = e.image.height;
    e.provenance.readBack = readBackShare(*steps, static_cast<int>(i), m_doc->classes()).value_or(-1.0);
    entries.push_back(std::move(e));
  }
  const int n = static_cast<int>(entries.size());
  addResults(std::move(entries));
  const QString what = n == 1 ? tr("1 image") : tr("%1 images").arg(n);
  Q_EMIT runFinished(tr("Generated %1 in %2 s on %3 (%4 steps, %5, seed %6).")
                         .arg(what)
                         .arg(r.seconds, 0, 'f', 2)
                         .arg(r.device)
                         .arg(r.request->run.steps)
                         .arg(QString::fromLatin1(solverName(r.request->run.solver)))
                         .arg(r.request->run.seed));
}

void StudioSession::onSegmented(const InferenceResult& r) {
  const ModelInfo& info = m_backend->info();
  RgbImage photo = r.request->photo;
  if (photo.empty() || r.photoLabels.width != photo.width || r.photoLabels.height != photo.height) {
    Q_EMIT errorOccurred(tr("Segment photo"), tr("The segmentation could not be mapped to the photo."));
    return;
  }
  m_framing = imaging::makeFraming(photo.width, photo.height, info.imageWidth(), info.imageHeight());
  m_pinned = true;
  m_photoPath = m_pendingPhotoPath;
  m_inversion = Inversion();
  clearResults();
  m_doc->reset(r.photoLabels, info.classes, std::move(photo));
  m_doc->setReferenceLabels(r.photoLabels);
  m_uncertainty = r.photoUncertainty;
  Q_EMIT uncertaintyChanged();
  Q_EMIT photoSegmented();
  const QString name = m_photoPath.isEmpty() ? tr("the photo") : QFileInfo(m_photoPath).fileName();
  Q_EMIT runFinished(tr("Segmented %1 (%2×%3) in %4 s on %5.")
                         .arg(name)
                         .arg(m_doc->width())
                         .arg(m_doc->height())
                         .arg(r.seconds, 0, 'f', 2)
                         .arg(r.device));
}

void StudioSession::onEdited(const InferenceResult& r) {
  if (r.photoImage.empty() || !m_doc->hasPhoto()) return;
  m_inversion = r.inversion;
  RgbImage composite = r.photoImage;
  ResultEntry e;
  e.trajectory = std::make_shared<const std::vector<StepReport>>(lastSamplerRun(r.steps));
  e.image = std::move(composite);
  e.labels = r.request->photoLabels;
  e.provenance = baseProvenance(r.request->edit.rerollChanged ? QStringLiteral("edit-reroll") : QStringLiteral("edit"));
  e.provenance.seed = r.request->edit.rerollChanged ? r.request->edit.seed : r.request->run.seed;
  e.provenance.steps = r.inversion.steps() > 0 ? r.inversion.steps() : r.request->run.steps;
  e.provenance.labelsSha256 = labelMapHash(r.request->labels);
  e.provenance.seconds = r.seconds;
  e.provenance.device = r.device;
  e.provenance.width = e.image.width;
  e.provenance.height = e.image.height;
  // Of the edited image at the model's size, against the edited map.
  e.provenance.readBack = readBackShare(*e.trajectory, 0, m_doc->classes()).value_or(-1.0);
  std::vector<ResultEntry> v;
  v.push_back(std::move(e));
  addResults(std::move(v));
  Q_EMIT editApplied(m_results.current());
  Q_EMIT runFinished(tr("Applied the edit in %1 s on %2.").arg(r.seconds, 0, 'f', 2).arg(r.device));
}

void StudioSession::clearResults() {
  // Results belong to the document they were made from; a new document starts afresh.
  m_results.clear();
  m_preview = {};
  Q_EMIT resultsChanged();
  Q_EMIT currentResultChanged(-1);
  Q_EMIT previewChanged();
  Q_EMIT trajectoryChanged();
}

void StudioSession::setCurrentResult(int index) {
  if (!m_results.select(index)) return;
  Q_EMIT currentResultChanged(index);
  showResultTrajectory();
}

void StudioSession::showResultTrajectory() { Q_EMIT trajectoryChanged(); }

const std::vector<StepReport>& StudioSession::trajectory() const {
  static const std::vector<StepReport> none;
  if (m_liveTrajectory) return m_liveSteps;
  const ResultEntry* e = m_results.currentEntry();
  return e && e->trajectory ? *e->trajectory : none;
}

int StudioSession::trajectoryItem() const {
  const ResultEntry* e = m_results.currentEntry();
  return m_liveTrajectory || !e ? 0 : e->trajectoryItem;
}

QString StudioSession::trajectoryCaption() const {
  if (m_liveTrajectory) return tr("running");
  const ResultEntry* e = m_results.currentEntry();
  if (!e) return {};
  if (!e->trajectory) return tr("the steps of this result were not kept (it was opened from a project)");
  const Provenance& p = e->provenance;
  QString caption = tr("%1 · seed %2").arg(p.kind).arg(p.seed);
  if (p.variation > 0) caption += tr(" (variation %1 of its batch)").arg(p.variation + 1);
  return caption;
}

// ---- Projects ------------------------------------------------------------------

ProjectData StudioSession::snapshot() const {
  ProjectData p;
  p.labels = m_doc->labels();
  p.reference = m_doc->referenceLabels();
  p.classes = m_doc->classes();
  p.photo = m_doc->photo();
  if (m_uncertainty.size() == static_cast<std::size_t>(p.labels.width) * p.labels.height) p.uncertainty = m_uncertainty;
  p.photoPath = m_photoPath;
  p.modelPath = m_modelPath;
  p.modelSha256 = m_modelSha;
  p.currentClass = m_doc->currentClass();
  p.backgroundClass = m_doc->backgroundClass();
  p.hidden = m_doc->hiddenMask();
  p.locked = m_doc->lockedMask();
  p.settings = m_settings.toJson();
  for (const ResultEntry& r : m_results.entries()) p.results.push_back({r.image, r.provenance, r.labels});
  return p;
}

void StudioSession::restore(const ProjectData& p, bool recovered) {
  dropPendingSegmentation();
  m_worker->cancel();
  m_previewTimer.stop();
  m_settings = RunSettings::fromJson(p.settings);
  m_pinned = true;
  m_mapModelName = p.modelPath.isEmpty() ? QString() : QFileInfo(p.modelPath).completeBaseName();
  m_photoPath = p.photoPath;
  m_inversion = Inversion();
  m_uncertainty = p.uncertainty;  // the map's size (project_file.h), or empty
  m_framing = {};
  if (!p.photo.empty() && m_backend) {
    try {
      m_framing = mapFraming(p.photo.width, p.photo.height);
    } catch (const std::exception&) {
      m_framing = {};
    }
  }
  m_doc->reset(p.labels, p.classes, p.photo);
  m_doc->setReferenceLabels(p.reference);
  m_doc->setCurrentClass(p.currentClass);
  m_doc->setBackgroundClass(p.backgroundClass);
  for (int i = 0; i < 256; ++i) {
    if (p.hidden.test(i)) m_doc->setClassVisible(i, false);
    if (p.locked.test(i)) m_doc->setClassLocked(i, true);
  }
  // A result's own map; projects of before it was kept: the document's map, framed.
  std::vector<ResultEntry> results;
  for (const ProjectResult& r : p.results)
    results.push_back(
        {r.image, r.labels.empty() ? labelsAtImageSize(p.labels, r.image) : r.labels, r.provenance, nullptr});
  m_results.replace(std::move(results));
  m_preview = {};
  if (recovered) {
    // Recovered work is unsaved work: make the title say so until it is saved.
    m_doc->undoStack()->resetClean();
  }
  Q_EMIT settingsChanged();
  Q_EMIT uncertaintyChanged();
  Q_EMIT resultsChanged();
  Q_EMIT currentResultChanged(m_results.current());
  Q_EMIT previewChanged();
  Q_EMIT trajectoryChanged();
  showResultTrajectory();  // says why the results have no steps to show
}

QString StudioSession::previewModelName() const {
  if (!m_backend) return {};
  const std::string path = m_backend->previewModel();
  return path.empty() ? QString() : QFileInfo(QString::fromStdString(path)).completeBaseName();
}

}  // namespace symmflow::ui
