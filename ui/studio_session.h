// SPDX-License-Identifier: MIT
#pragma once
// The editor's working state and workflows, without widgets: the loaded model, the
// inference worker, the photo framing and its inversion, the run settings and the
// results. The main window and the docks drive it and listen to its signals; tests
// drive it with a fake backend.
//
// Threading: GUI thread only. Model work goes through InferenceWorker; model
// loading through a thread-pool task. No call here waits on the model.
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QTimer>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/engine.h"
#include "core/imaging/framing.h"
#include "core/imaging/mask_io.h"
#include "ui/inference_worker.h"
#include "ui/project_file.h"
#include "ui/provenance.h"
#include "ui/result_history.h"
#include "ui/run_settings.h"

namespace symmflow::ui {

class InferenceBackend;
class LabelDocument;

struct ClassScore {
  int id = 0;
  QString name;
  double probability = 0.0;
};

class StudioSession : public QObject {
  Q_OBJECT
 public:
  explicit StudioSession(LabelDocument* doc, QObject* parent = nullptr);
  ~StudioSession() override;

  LabelDocument* document() const { return m_doc; }
  InferenceWorker* worker() const { return m_worker; }
  RunSettings& settings() { return m_settings; }
  const RunSettings& settings() const { return m_settings; }

  // ---- Model ----------------------------------------------------------------
  // What a model switch does to the open document (the user's choice when it matters).
  enum class MapOnSwitch {
    Keep,          // keep the user's work; an untouched map of other classes is replaced
    New,           // start a new map of the model's size
    SegmentPhoto,  // segment the open photo with the new model (a dense one)
  };
  // Installs a backend at once (tests, or after an asynchronous load). An empty or
  // untouched document whose classes differ is replaced by a new map of the model's
  // size; the user's work (edited, opened or imported) is kept unless `onSwitch` says
  // otherwise: a warning says the classes differ, and runs are refused until they
  // match (classMismatch()).
  void setBackend(std::shared_ptr<InferenceBackend> backend, const QString& path, const QString& sha256,
                  MapOnSwitch onSwitch = MapOnSwitch::Keep);
  // Loads a model file on the thread pool; modelChanged or modelLoadFailed follows.
  void loadModelAsync(const QString& path, DeviceKind device = DeviceKind::Auto,
                      MapOnSwitch onSwitch = MapOnSwitch::Keep);
  bool isLoadingModel() const { return m_loadWatcher.isRunning(); }
  bool hasModel() const { return m_backend != nullptr; }
  const ModelInfo* modelInfo() const;
  QString modelPath() const { return m_modelPath; }
  QString modelSha256() const { return m_modelSha; }
  QString deviceName() const;
  // Empty when the document can run on the loaded model (same class names and count,
  // and a 1x1 map exactly for an image-level model; also empty without a model or a
  // map). Otherwise one message for the user that says what differs and what to do.
  QString classMismatch() const;
  // The same check against another model (`info`, e.g. one about to be loaded);
  // without `withFix`, only what differs (for a prompt whose buttons are the fixes).
  QString classMismatchWith(const ModelInfo& info, bool withFix = true) const;
  // The document holds the user's work: edited, or opened, imported or restored.
  bool hasUserWork() const;
  static bool sameClasses(const ClassList& a, const ClassList& b);

  // ---- Documents ------------------------------------------------------------
  // A map filled with `fillClass` (clears the photo); width/height 0 = the model's
  // label size.
  void newMap(int fillClass, int width = 0, int height = 0);
  // The classes an imported mask is read with: the document's when it has a map (the
  // mask goes into it), else the model's.
  const ClassList& maskClasses() const;
  // Reads a mask with maskClasses(). The map is not applied: call
  // applyImportedMask() with it after showing the report.
  Result<std::pair<LabelMap, imaging::MaskReport>> readMask(const QString& path,
                                                            const imaging::MaskImportOptions& options) const;
  // What applyImportedMask() will do to a width x height map, as a phrase for the
  // import report ("scaled from 480×360 to the photo's 320×240", with a note when the
  // aspect ratios differ by more than 2 %); empty when it is used as it is.
  QString importFitNote(int width, int height) const;
  // Puts an imported map in the document (one undoable step). With a photo, a map of
  // another size is scaled (nearest neighbour) to the photo's size and the photo is
  // kept; without one, a map of another size replaces the map (undo restores the old
  // size). Returns importFitNote() of the map.
  QString applyImportedMask(const LabelMap& labels, const QString& path);
  // Loads a photo and segments it (asynchronous; photoSegmented or an error follows).
  // Returns an error at once when the file cannot be read; the document is unchanged.
  Status openPhoto(const QString& path);
  // Segments the open photo again with the loaded model, as opening it again would: the
  // map and the results are replaced when the segmentation arrives (photoSegmented).
  Status segmentPhotoAgain();
  // A photo is being segmented (openPhoto, segmentPhotoAgain): its map will replace the
  // document when it arrives, so views keep the map from being edited meanwhile. Starting
  // another document (newMap, an imported mask, a project, another model) drops it: the
  // newest action wins and a late result is never applied.
  bool isSegmentingPhoto() const { return m_segmentId != 0; }
  // The file name of the photo being segmented ("the photo" when it has none).
  QString segmentingPhotoName() const;
  // Image-level models: classifies an image (classified follows).
  Status classifyImage(const QString& path);

  // ---- Runs -----------------------------------------------------------------
  // Generate from the current map with the run settings. Returns 0 when not possible
  // (errorOccurred says why).
  std::uint64_t generate();
  // Restarts the live-preview timer (called after each change when enabled).
  void schedulePreview();
  // Regenerates the photo with the edited map, preserving unedited regions.
  // reroll: fresh noise in the changed region with a new seed.
  std::uint64_t applyEdit(bool reroll = false);
  void cancel();
  bool isBusy() const;
  bool canApplyEdit() const;

  // ---- Results --------------------------------------------------------------
  const std::vector<ResultEntry>& results() const { return m_results.entries(); }
  // Index of the first result of the latest batch (variations side by side).
  int batchStart() const { return m_results.batchStart(); }
  int currentResult() const { return m_results.current(); }
  void setCurrentResult(int index);
  // The live preview image (not in the history).
  const RgbImage& previewImage() const { return m_preview; }
  // Name (file stem) of the smaller model that renders live previews, e.g. "camvid-small";
  // empty when previews come from the document's model itself.
  QString previewModelName() const;
  // The grid points of the current result's run (with previews when recorded), from its
  // start to its end; while a generation or an edit runs, its points so far.
  const std::vector<StepReport>& trajectory() const;
  // Which item of each report's previews belongs to the current result (its variation).
  int trajectoryItem() const;
  // Whose steps those are ("generate · seed 4", "running"), or why there are none.
  QString trajectoryCaption() const;
  // Per-pixel uncertainty of the photo's segmentation, at the document's size.
  const std::vector<float>& uncertainty() const { return m_uncertainty; }
  const imaging::Framing& framing() const { return m_framing; }

  // ---- Projects -------------------------------------------------------------
  ProjectData snapshot() const;
  // Replaces everything with the project's content (the model is not reloaded here;
  // see ProjectData::modelPath). The document is marked as modified when `recovered`.
  void restore(const ProjectData& project, bool recovered = false);
  QString photoPath() const { return m_photoPath; }

 Q_SIGNALS:
  void modelChanged();
  // newMap() replaced the document with a fresh map (not undoable).
  void newMapStarted();
  // RunSettings were replaced (a project was opened): views should re-read them.
  void settingsChanged();
  void modelLoadFailed(const QString& message);
  void runStarted(const QString& what);
  void runProgress(int step, int total);
  void runFinished(const QString& summary);
  void busyChanged(bool busy);
  void errorOccurred(const QString& title, const QString& message);
  void warningOccurred(const QString& message);
  void resultsChanged();
  void currentResultChanged(int index);
  void previewChanged();
  void trajectoryChanged();
  void uncertaintyChanged();
  void photoSegmented();
  // isSegmentingPhoto() changed.
  void segmentingPhotoChanged(bool segmenting);
  void editApplied(int resultIndex);
  void classified(const QString& path, const QVector<symmflow::ui::ClassScore>& top);
  void stepReported(const symmflow::StepReport& report);

 private:
  struct LoadOutcome;
  void onFinished(const std::shared_ptr<const InferenceResult>& r);
  void onSegmented(const InferenceResult& r);
  // Segments the photo `source` gives (read on the worker thread) at the model size.
  void submitSegmentation(std::function<Result<RgbImage>()> source, const QString& path);
  // Forgets the pending segmentation (cancelled; its result, even one already on its way,
  // is ignored).
  void dropPendingSegmentation();
  void onEdited(const InferenceResult& r);
  void onGenerated(const InferenceResult& r);
  LabelMap modelGridLabels(const LabelMap& map) const;
  bool m_pinned = false;  // the document holds the user's work (project, photo, import)
  bool m_syncingImageLevel = false;
  int m_runKind = -1;             // kind of the run in progress (for progress labels)
  int m_runSequence = 0;          // samplers started within it
  bool m_liveTrajectory = false;  // the run in progress fills m_liveSteps point by point
  // The dock shows the current result's steps again (trajectory() derives them).
  void showResultTrajectory();
  bool m_editInverts = false;  // the Apply edit in flight computes its inversion
  imaging::Framing mapFraming(int width, int height) const;
  Provenance baseProvenance(const QString& kind) const;
  void addResults(std::vector<ResultEntry> entries);
  void clearResults();

  LabelDocument* m_doc;
  InferenceWorker* m_worker;
  std::shared_ptr<InferenceBackend> m_backend;
  QString m_modelPath;
  QString m_modelSha;
  // The model whose classes the document's map uses, when known (for messages).
  QString m_mapModelName;
  RunSettings m_settings;
  QTimer m_previewTimer;
  QFutureWatcher<std::shared_ptr<LoadOutcome>> m_loadWatcher;

  // Photo workflow
  QString m_photoPath;
  QString m_pendingPhotoPath;
  std::uint64_t m_segmentId = 0;
  std::uint64_t m_previewId = 0;
  std::uint64_t m_classifyId = 0;
  QString m_classifyPath;
  imaging::Framing m_framing;
  Inversion m_inversion;  // of the current photo at the model size (cached)
  std::vector<float> m_uncertainty;

  ResultHistory m_results;
  RgbImage m_preview;
  std::vector<StepReport> m_liveSteps;                          // the running generation's or edit's
  std::shared_ptr<const std::vector<StepReport>> m_shownSteps;  // the current result's
  int m_shownItem = 0;
};

}  // namespace symmflow::ui

Q_DECLARE_METATYPE(symmflow::ui::ClassScore)
Q_DECLARE_METATYPE(QVector<symmflow::ui::ClassScore>)
