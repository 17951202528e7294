// SPDX-License-Identifier: MIT
#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUrl>
#include <algorithm>

#include "core/model_paths.h"
#include "ui/about_dialog.h"
#include "ui/autosave_manager.h"
#include "ui/canvas_widget.h"
#include "ui/file_controller.h"
#include "ui/label_document.h"
#include "ui/main_actions.h"
#include "ui/map_edits.h"
#include "ui/model_menu.h"
#include "ui/palette_dock.h"
#include "ui/qt_image.h"
#include "ui/result_view.h"
#include "ui/results_dock.h"
#include "ui/run_dock.h"
#include "ui/settings_store.h"
#include "ui/shortcuts_dialog.h"
#include "ui/speck_dialog.h"
#include "ui/studio_session.h"
#include "ui/tool_controller.h"
#include "ui/trajectory_dock.h"

namespace symmflow::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setAcceptDrops(true);
  m_settings = new SettingsStore();
  m_doc = new LabelDocument(this);
  m_session = new StudioSession(m_doc, this);
  m_session->settings() = m_settings->runSettings();
  m_tools = new ToolController(m_doc, this);
  m_tools->settings() = m_settings->toolSettings();
  m_tools->fitSizesToMap();
  m_autosave = new AutosaveManager(QString(), this);
  m_autosave->setSnapshotProvider([this] { return m_session->snapshot(); });
  m_actions = new MainActions(this);
  m_files = new FileController(m_session, m_settings, m_autosave, this);
  buildUi();
  m_modelMenu = new ModelMenu(m_session, m_settings, m_actions, this);
  m_modelMenu->setSaveGuard([this] { return m_files->maybeSave(); });
  wireActions();
  wireSession();
  restoreGeometry(m_settings->windowGeometry());
  restoreState(m_settings->windowState());
  updateTitle();
  updateEnabled();
  updateResultView();
}

MainWindow::~MainWindow() {
  // The children are deleted after this body (by ~QWidget), the document first; its undo
  // stack emits indexChanged while it clears. The window is no longer a MainWindow then,
  // so nothing of it may react (UBSan: "member access ... not an object of type
  // 'MainWindow'").
  m_doc->disconnect(this);
  m_doc->undoStack()->disconnect(this);
  m_doc->undoStack()->disconnect(m_autosave);
  delete m_settings;
}

void MainWindow::buildUi() {
  setObjectName(QStringLiteral("MainWindow"));
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
  // The right docks (classes, run) run the full height; the bottom ones sit under the views.
  setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
  setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
  m_actions->build(this);

  m_canvas = new CanvasWidget(m_doc, m_tools, this);
  m_resultView = new ResultView(this);
  m_splitter = new QSplitter(Qt::Horizontal, this);
  m_splitter->addWidget(m_canvas);
  m_splitter->addWidget(m_resultView);
  m_splitter->setStretchFactor(0, 1);
  m_splitter->setStretchFactor(1, 1);
  m_splitter->setChildrenCollapsible(false);
  setCentralWidget(m_splitter);

  m_palette = new PaletteDock(m_doc, this);
  addDockWidget(Qt::RightDockWidgetArea, m_palette);
  m_run = new RunDock(m_session, m_actions->generate, m_actions->cancel, m_actions->applyEdit, m_actions->reroll, this);
  addDockWidget(Qt::RightDockWidgetArea, m_run);
  m_results = new ResultsDock(m_session, m_actions->exportResult, m_actions->exportBatch, this);
  addDockWidget(Qt::BottomDockWidgetArea, m_results);
  m_trajectory = new TrajectoryDock(m_session, this);
  addDockWidget(Qt::BottomDockWidgetArea, m_trajectory);
  splitDockWidget(m_results, m_trajectory, Qt::Horizontal);
  for (QDockWidget* d : {static_cast<QDockWidget*>(m_palette), static_cast<QDockWidget*>(m_run),
                         static_cast<QDockWidget*>(m_results), static_cast<QDockWidget*>(m_trajectory)})
    m_actions->viewMenu()->addAction(d->toggleViewAction());

  // Tool options: brush size and overlay opacity.
  QToolBar* opts = m_actions->optionsBar();
  opts->addWidget(new QLabel(tr(" Size "), opts));
  m_sizeSpin = new QSpinBox(opts);
  m_sizeSpin->setRange(ToolSettings::kMinSize, ToolSettings::kMaxSize);
  m_sizeSpin->setSuffix(tr(" px"));
  m_sizeSpin->setToolTip(tr("Brush diameter in map pixels ([ and ] change it)"));
  m_sizeSpin->setValue(m_tools->currentTool()->brushSize());
  opts->addWidget(m_sizeSpin);
  opts->addAction(m_actions->snapToPhoto);
  m_toleranceSpin = new QSpinBox(opts);
  m_toleranceSpin->setRange(1, ToolSettings::kMaxTolerance);
  m_toleranceSpin->setPrefix(QStringLiteral("± "));
  m_toleranceSpin->setToolTip(
      tr("Snap tolerance: how far a pixel's colour may be from the photo's under the brush (RGB distance)"));
  m_toleranceSpin->setValue(m_tools->settings().photoTolerance);
  m_actions->snapToPhoto->setChecked(m_tools->settings().snapToPhoto);
  opts->addWidget(m_toleranceSpin);
  opts->addSeparator();
  opts->addWidget(new QLabel(tr(" Map opacity "), opts));
  m_opacity = new QSlider(Qt::Horizontal, opts);
  m_opacity->setRange(0, 100);
  m_opacity->setFixedWidth(140);
  m_opacity->setToolTip(tr("Opacity of the label map over the photo"));
  m_opacity->setValue(static_cast<int>(m_settings->overlayOpacity() * 100));
  m_canvas->setOverlayOpacity(m_settings->overlayOpacity());
  opts->addWidget(m_opacity);
  opts->addSeparator();
  opts->addAction(m_actions->showPhoto);
  opts->addAction(m_actions->showUncertainty);
  opts->addAction(m_actions->showDiff);

  m_cursorLabel = new QLabel(this);
  m_zoomLabel = new QLabel(this);
  m_deviceLabel = new QLabel(tr("no model"), this);
  m_timingLabel = new QLabel(this);
  m_classWarning = new QLabel(this);
  m_classWarning->setObjectName(QStringLiteral("classWarning"));
  m_classWarning->setStyleSheet(QStringLiteral("QLabel { color: white; background: #b5471b; border-radius: 3px; }"));
  m_classWarning->hide();
  for (QLabel* l : {m_classWarning, m_cursorLabel, m_zoomLabel, m_deviceLabel, m_timingLabel}) {
    l->setContentsMargins(6, 0, 6, 0);
    statusBar()->addPermanentWidget(l);
  }
  m_cursorLabel->setMinimumWidth(180);
  // A first start fits the screen (a 1366x768 laptop included); later starts restore the
  // user's geometry.
  QSize size(1500, 940);
  if (const QScreen* screen = QGuiApplication::primaryScreen())
    size = size.boundedTo(screen->availableGeometry().size() * 0.95);
  resize(size);
  // The plots whole where the screen allows; on a laptop the canvas keeps over half the
  // height (1366x768: 291 px of docks, the trajectory scrolls, instead of 370).
  const int bottom = std::clamp(size.height() * 2 / 5, 200, 370);
  resizeDocks({m_results, m_trajectory}, {bottom, bottom}, Qt::Vertical);
  resizeDocks({m_results, m_trajectory}, {520, 700}, Qt::Horizontal);
  resizeDocks({m_palette, m_run}, {320, 320}, Qt::Horizontal);
  resizeDocks({m_palette, m_run}, {420, 480}, Qt::Vertical);
}

void MainWindow::wireActions() {
  MainActions* a = m_actions;
  connect(a->newMap, &QAction::triggered, m_files, &FileController::newMap);
  connect(a->openProject, &QAction::triggered, m_files, &FileController::openProjectDialog);
  connect(a->saveProject, &QAction::triggered, m_files, &FileController::save);
  connect(a->saveProjectAs, &QAction::triggered, m_files, &FileController::saveAs);
  connect(a->importMask, &QAction::triggered, m_files, &FileController::importMaskDialog);
  connect(a->openPhoto, &QAction::triggered, m_files, &FileController::openPhotoDialog);
  connect(a->pastePhoto, &QAction::triggered, m_files, &FileController::pastePhoto);
  connect(a->removeSpecks, &QAction::triggered, this, &MainWindow::askRemoveSpecks);
  connect(a->classifyImage, &QAction::triggered, m_files, &FileController::classifyDialog);
  connect(a->exportResult, &QAction::triggered, m_files, &FileController::exportResult);
  connect(a->exportBatch, &QAction::triggered, m_files, &FileController::exportBatch);
  connect(a->exportMap, &QAction::triggered, m_files, &FileController::exportMap);
  connect(a->quit, &QAction::triggered, this, &QWidget::close);
  connect(a->about, &QAction::triggered, this, [this] { AboutDialog(m_session->deviceName(), this).exec(); });
  connect(a->shortcuts, &QAction::triggered, this, [this] { ShortcutsDialog(menuBar(), this).exec(); });

  connect(a->undo, &QAction::triggered, m_doc->undoStack(), &QUndoStack::undo);
  connect(a->redo, &QAction::triggered, m_doc->undoStack(), &QUndoStack::redo);
  // Undo and redo stay off while a photo is being segmented (its map replaces this one).
  connect(m_doc->undoStack(), &QUndoStack::canUndoChanged, this, &MainWindow::updateEnabled);
  connect(m_doc->undoStack(), &QUndoStack::canRedoChanged, this, &MainWindow::updateEnabled);
  connect(m_doc->undoStack(), &QUndoStack::undoTextChanged, this,
          [a](const QString& t) { a->undo->setText(t.isEmpty() ? tr("&Undo") : tr("&Undo %1").arg(t)); });
  connect(m_doc->undoStack(), &QUndoStack::redoTextChanged, this,
          [a](const QString& t) { a->redo->setText(t.isEmpty() ? tr("&Redo") : tr("&Redo %1").arg(t)); });
  a->undo->setEnabled(false);
  a->redo->setEnabled(false);

  const std::pair<QAction*, ToolId> tools[] = {{a->brush, ToolId::Brush}, {a->eraser, ToolId::Eraser},
                                               {a->fill, ToolId::Fill},   {a->polygon, ToolId::Polygon},
                                               {a->line, ToolId::Line},   {a->eyedropper, ToolId::Eyedropper}};
  for (const auto& [action, id] : tools) {
    const ToolId tid = id;
    connect(action, &QAction::triggered, this, [this, tid] { m_tools->setTool(tid); });
  }
  connect(m_tools, &ToolController::toolChanged, this, [this, a](ToolId id) {
    for (QAction* act : a->toolGroup->actions()) act->setChecked(false);
    switch (id) {
      case ToolId::Brush: a->brush->setChecked(true); break;
      case ToolId::Eraser: a->eraser->setChecked(true); break;
      case ToolId::Fill: a->fill->setChecked(true); break;
      case ToolId::Polygon: a->polygon->setChecked(true); break;
      case ToolId::Line: a->line->setChecked(true); break;
      case ToolId::Eyedropper: a->eyedropper->setChecked(true); break;
    }
    const int size = m_tools->currentTool()->brushSize();
    m_sizeSpin->setEnabled(size > 0);
    if (size > 0) m_sizeSpin->setValue(size);
    showStatus(tr("%1 tool").arg(m_tools->currentTool()->name()), 3000);
  });
  connect(a->smaller, &QAction::triggered, m_tools, &ToolController::decreaseSize);
  connect(a->larger, &QAction::triggered, m_tools, &ToolController::increaseSize);
  connect(m_tools, &ToolController::sizeChanged, this, [this](int s) {
    if (s > 0 && m_sizeSpin->value() != s) m_sizeSpin->setValue(s);
  });
  connect(m_sizeSpin, qOverload<int>(&QSpinBox::valueChanged), this, [this](int v) { m_tools->setSize(v); });
  connect(a->snapToPhoto, &QAction::toggled, this, [this](bool on) {
    m_tools->settings().snapToPhoto = on;
    updateEnabled();
  });
  connect(m_toleranceSpin, qOverload<int>(&QSpinBox::valueChanged), this,
          [this](int v) { m_tools->settings().photoTolerance = v; });
  connect(a->finishShape, &QAction::triggered, m_tools, &ToolController::finish);
  for (QAction* k : a->classKeys)
    connect(k, &QAction::triggered, this, [this, k] { m_doc->setCurrentClass(k->data().toInt()); });

  connect(a->generate, &QAction::triggered, this, [this] { m_session->generate(); });
  // Esc first drops a half-drawn shape; otherwise it cancels the model work.
  connect(a->cancel, &QAction::triggered, this, [this] {
    if (!m_tools->cancel()) m_session->cancel();
  });
  connect(a->applyEdit, &QAction::triggered, this, [this] { m_session->applyEdit(false); });
  connect(a->reroll, &QAction::triggered, this, [this] { m_session->applyEdit(true); });
  connect(a->segmentAgain, &QAction::triggered, this, [this] {
    if (!m_files->maybeSave()) return;
    if (auto s = m_session->segmentPhotoAgain(); !s)
      QMessageBox::warning(this, tr("Segment photo again"),
                           tr("The photo could not be segmented again: %1.").arg(QString::fromStdString(s.error())));
  });

  connect(a->zoomIn, &QAction::triggered, m_canvas, &CanvasWidget::zoomIn);
  connect(a->zoomOut, &QAction::triggered, m_canvas, &CanvasWidget::zoomOut);
  connect(a->fit, &QAction::triggered, m_canvas, &CanvasWidget::fitToWindow);
  connect(a->actualSize, &QAction::triggered, m_canvas, &CanvasWidget::actualSize);
  connect(a->showPhoto, &QAction::toggled, m_canvas, &CanvasWidget::setShowPhoto);
  connect(a->showUncertainty, &QAction::toggled, m_canvas, &CanvasWidget::setShowUncertainty);
  connect(a->showDiff, &QAction::toggled, m_canvas, &CanvasWidget::setShowDiff);
  connect(a->compareSplit, &QAction::toggled, this, [this, a](bool on) {
    if (!m_syncingCompare) m_wantSplit = on;
    if (on) a->compareToggle->setChecked(false);
    m_resultView->setMode(on ? ResultView::Mode::Split
                             : (a->compareToggle->isChecked() ? ResultView::Mode::Toggle : ResultView::Mode::Single));
  });
  connect(a->compareToggle, &QAction::toggled, this, [this, a](bool on) {
    if (!m_syncingCompare) m_wantToggle = on;
    if (on) a->compareSplit->setChecked(false);
    m_resultView->setMode(on ? ResultView::Mode::Toggle
                             : (a->compareSplit->isChecked() ? ResultView::Mode::Split : ResultView::Mode::Single));
  });
  connect(m_opacity, &QSlider::valueChanged, this, [this](int v) {
    m_canvas->setOverlayOpacity(v / 100.0);
    m_settings->setOverlayOpacity(v / 100.0);
  });
  connect(m_canvas, &CanvasWidget::zoomChanged, this,
          [this](double z) { m_zoomLabel->setText(QStringLiteral("%1 %").arg(z * 100.0, 0, 'f', z < 0.1 ? 1 : 0)); });
  connect(m_canvas, &CanvasWidget::hoverChanged, this, [this](QPoint p, bool valid) {
    if (!valid) {
      m_cursorLabel->clear();
      return;
    }
    const int id = m_doc->labels().at(p.x(), p.y());
    const QString name = id < m_doc->classes().size()
                             ? QString::fromStdString(m_doc->classes().classes[id].name)
                             : (id == LabelMap::kIgnoreId ? tr("ignore") : QString::number(id));
    m_cursorLabel->setText(QStringLiteral("%1, %2 · %3").arg(p.x()).arg(p.y()).arg(name));
  });

  connect(m_files, &FileController::statusMessage, this, &MainWindow::showStatus);
  connect(m_files, &FileController::titleChanged, this, &MainWindow::updateTitle);
  connect(m_files, &FileController::recentFilesChanged, this, &MainWindow::rebuildRecentMenu);
  connect(m_modelMenu, &ModelMenu::statusMessage, this, &MainWindow::showStatus);
  connect(m_actions->recentMenu(), &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
  connect(m_actions->samplesMenu(), &QMenu::aboutToShow, this, &MainWindow::rebuildSamplesMenu);
}

void MainWindow::wireSession() {
  connect(m_doc, &LabelDocument::modifiedChanged, this, &MainWindow::updateTitle);
  connect(m_doc->undoStack(), &QUndoStack::indexChanged, m_autosave, [this] {
    if (m_doc->isModified()) m_autosave->markDirty();
  });
  connect(m_doc, &LabelDocument::documentReset, this, [this] {
    updateTitle();
    updateEnabled();
    updateClassWarning();
  });
  connect(m_session, &StudioSession::resultsChanged, this, &MainWindow::updateEnabled);
  connect(m_session, &StudioSession::runStarted, this, [this](const QString& what) {
    // Replace the previous run's outcome ("Cancelled.", "Generated …") at once.
    showStatus(tr("%1…").arg(what), 0);
  });
  connect(m_doc, &LabelDocument::photoChanged, this, [this] {
    updateEnabled();
    updateResultView();
  });
  connect(m_doc, &LabelDocument::currentClassChanged, this, [this](int id) {
    if (id < m_doc->classes().size())
      showStatus(tr("Painting with %1").arg(QString::fromStdString(m_doc->classes().classes[id].name)), 2500);
  });
  connect(m_session, &StudioSession::modelChanged, this, [this] {
    const ModelInfo* info = m_session->modelInfo();
    m_deviceLabel->setText(m_session->deviceName());
    m_deviceLabel->setToolTip(tr("Where the model runs"));
    updateTitle();
    updateEnabled();
    updateClassWarning();
    m_resultView->setPlaceholder(info && info->imageLevel()
                                     ? tr("Pick a class in the palette and press Generate (Ctrl+Return),\n"
                                          "or File ▸ Classify image.")
                                     : tr("Results appear here.\nPaint a map and press Generate (Ctrl+Return)."));
    if (m_startPending) finishStart();
  });
  connect(m_session, &StudioSession::modelLoadFailed, this, [this](const QString& message) {
    if (m_startPending && !m_pendingStart.script.empty())
      qCritical("symmflow-studio: the script did not run: %s", qPrintable(message));
    m_startPending = false;
  });
  connect(m_session, &StudioSession::errorOccurred, this,
          [this](const QString& title, const QString& msg) { QMessageBox::warning(this, title, msg); });
  connect(m_session, &StudioSession::warningOccurred, this, [this](const QString& msg) {
    showStatus(msg, 15000);
    m_deviceLabel->setText(m_session->deviceName());
  });
  connect(m_session, &StudioSession::runFinished, this, [this](const QString& summary) {
    showStatus(summary, 15000);
    m_deviceLabel->setText(m_session->deviceName());
    const QString timing = summary.section(QStringLiteral(" in "), 1).section(QLatin1Char(' '), 0, 1);
    if (!timing.isEmpty() && timing.endsWith(QLatin1Char('s'))) m_timingLabel->setText(tr("last run %1").arg(timing));
  });
  connect(m_session, &StudioSession::busyChanged, this, [this](bool busy) {
    m_actions->cancel->setEnabled(busy || m_tools->currentTool()->preview().size() > 0);
    if (busy) {
      QApplication::setOverrideCursor(Qt::BusyCursor);
    } else {
      QApplication::restoreOverrideCursor();
    }
  });
  connect(m_session, &StudioSession::currentResultChanged, this, [this] {
    m_showingPreview = false;
    updateResultView();
  });
  connect(m_session, &StudioSession::previewChanged, this, [this] {
    if (m_session->previewImage().empty()) return;
    m_showingPreview = true;
    updateResultView();
  });
  connect(m_session, &StudioSession::uncertaintyChanged, this, [this] {
    const auto& u = m_session->uncertainty();
    m_canvas->setUncertainty(u, u.empty() ? 0 : m_doc->width(), u.empty() ? 0 : m_doc->height());
    updateEnabled();
  });
  connect(m_session, &StudioSession::segmentingPhotoChanged, this, [this](bool segmenting) {
    // The photo's map will replace this one: no edits meanwhile (they would be lost), and the
    // canvas says what is coming. New map, an import or a project drop the segmentation.
    if (segmenting) m_tools->cancel();
    m_canvas->setBusyMessage(segmenting ? tr("Segmenting %1…\nIts label map replaces this one when it is ready "
                                             "(Esc cancels).")
                                              .arg(m_session->segmentingPhotoName())
                                        : QString());
    m_palette->setMapEditable(!segmenting);
    updateEnabled();
  });
  connect(m_session, &StudioSession::photoSegmented, this, [this] {
    m_actions->showDiff->setChecked(false);
    m_actions->showPhoto->setChecked(true);
    updateResultView();
  });
  connect(m_session, &StudioSession::editApplied, this, [this] {
    updateCompareActions();
    m_actions->compareSplit->setChecked(true);
    m_actions->showDiff->setChecked(true);
  });
  connect(m_autosave, &AutosaveManager::failed, this,
          [this](const QString& msg) { showStatus(tr("Autosave failed: %1").arg(msg), 15000); });
}

void MainWindow::start(const StartOptions& options) {
  m_pendingStart = options;
  m_startPending = true;
  if (options.autosaveDelayMs > 0) m_autosave->setDelay(options.autosaveDelayMs);
  const bool loading = options.model.isEmpty() ? m_modelMenu->loadDefault() : m_modelMenu->load(options.model);
  if (!loading) {
    m_startPending = false;
    showStatus(tr("No model found: choose one with Model ▸ Open model file…"), 0);
    if (!options.file.isEmpty() && QFileInfo(options.file).suffix() == QLatin1String("symmflow"))
      m_files->openProject(options.file);
  }
  if (options.recovery == RecoveryMode::Ask) QTimer::singleShot(0, m_files, &FileController::offerRecovery);
  // No dialog: recover now, so the document is in place before the model is.
  if (options.recovery == RecoveryMode::Latest) m_files->recoverLatest();
}

void MainWindow::finishStart() {
  m_startPending = false;
  if (!m_pendingStart.file.isEmpty()) m_files->openAny(m_pendingStart.file);
  if (!m_pendingStart.script.empty()) runScript(m_pendingStart.script);
  if (m_pendingStart.generate) QTimer::singleShot(200, this, [this] { m_session->generate(); });
}

void MainWindow::runScript(const std::vector<ScriptCommand>& script) {
  for (const ScriptCommand& c : script) {
    if (applyPaintCommand(c, *m_tools)) continue;
    if (c.op == ScriptCommand::Op::Save && !m_files->saveTo(c.path)) {
      qCritical("symmflow-studio: script line %d: saving %s failed", c.line, qPrintable(c.path));
      return;
    }
    // Queued, so the window finishes starting (and saved work stays saved) before it closes.
    if (c.op == ScriptCommand::Op::Quit) QTimer::singleShot(0, this, &QWidget::close);
  }
  qInfo("symmflow-studio: script done (%zu commands)", script.size());
}

void MainWindow::updateTitle() {
  QString model;
  if (const ModelInfo* info = m_session->modelInfo())
    model = QStringLiteral(" — %1").arg(QString::fromStdString(info->name));
  setWindowTitle(QStringLiteral("%1[*]%2 — SymmFlow Studio").arg(m_files->displayName(), model));
  setWindowModified(m_doc->isModified());
}

void MainWindow::updateEnabled() {
  const bool model = m_session->hasModel();
  const bool imageLevel = model && m_session->modelInfo()->imageLevel();
  m_actions->generate->setEnabled(model);
  m_actions->applyEdit->setEnabled(m_session->canApplyEdit());
  m_actions->reroll->setEnabled(m_session->canApplyEdit());
  m_actions->openPhoto->setEnabled(model && !imageLevel);
  m_actions->pastePhoto->setEnabled(model && !imageLevel);
  // While a photo is being segmented, its map is about to replace this one: no edits.
  const bool editable = !m_session->isSegmentingPhoto();
  m_actions->undo->setEnabled(editable && m_doc->undoStack()->canUndo());
  m_actions->redo->setEnabled(editable && m_doc->undoStack()->canRedo());
  m_actions->removeSpecks->setEnabled(editable && (m_doc->width() > 1 || m_doc->height() > 1));
  m_actions->segmentAgain->setEnabled(editable && model && !imageLevel && m_doc->hasPhoto());
  m_actions->classifyImage->setEnabled(model);
  m_actions->importMask->setEnabled(model && !imageLevel);
  m_actions->showUncertainty->setEnabled(m_canvas->hasUncertainty());
  m_actions->showDiff->setEnabled(!m_doc->referenceLabels().empty());
  m_actions->snapToPhoto->setEnabled(m_doc->hasPhoto());
  m_toleranceSpin->setEnabled(m_doc->hasPhoto() && m_actions->snapToPhoto->isChecked());
  m_actions->cancel->setEnabled(m_session->isBusy());
  const bool results = !m_session->results().empty();
  m_actions->exportResult->setEnabled(results && m_session->currentResult() >= 0);
  m_actions->exportBatch->setEnabled(results);
}

void MainWindow::updateClassWarning() {
  const QString why = m_session->classMismatch();
  if (why.isEmpty()) {
    m_classWarning->hide();
    m_actions->generate->setToolTip(m_actions->generate->statusTip());
    return;
  }
  const ModelInfo* info = m_session->modelInfo();
  m_classWarning->setText(tr("⚠ Map and model %1 differ: generation is off").arg(QString::fromStdString(info->name)));
  m_classWarning->setToolTip(why);
  m_actions->generate->setToolTip(why);
  m_classWarning->show();
}

void MainWindow::updateCompareActions() {
  // Without an original (a generated result, a preview) there is nothing to compare:
  // the buttons are off and disabled; the user's choice comes back with the next edit.
  const bool can = m_resultView->canCompare();
  QAction* split = m_actions->compareSplit;
  QAction* toggle = m_actions->compareToggle;
  m_syncingCompare = true;
  split->setEnabled(can);
  toggle->setEnabled(can);
  split->setChecked(can && m_wantSplit);
  toggle->setChecked(can && m_wantToggle && !m_wantSplit);
  m_syncingCompare = false;
}

void MainWindow::updateResultView() {
  const auto& results = m_session->results();
  const int i = m_session->currentResult();
  if (m_showingPreview && !m_session->previewImage().empty()) {
    const QString small = m_session->previewModelName();
    const int steps = m_session->settings().previewSteps;
    m_resultView->setImage(toQImage(m_session->previewImage()),
                           small.isEmpty() ? tr("Live preview (%1 steps)").arg(steps)
                                           : tr("Live preview (%1 steps, by %2)").arg(steps).arg(small));
  } else if (i >= 0 && i < static_cast<int>(results.size())) {
    const auto& r = results[i];
    m_resultView->setImage(toQImage(r.image), tr("%1 · seed %2 · %3 steps · %4")
                                                  .arg(r.provenance.kind)
                                                  .arg(r.provenance.seed)
                                                  .arg(r.provenance.steps)
                                                  .arg(r.provenance.solver));
  } else if (m_doc->hasPhoto()) {
    m_resultView->setImage(toQImage(m_doc->photo()), tr("Photo"));
  } else {
    m_resultView->setImage({}, {});
  }
  const bool editResult = i >= 0 && i < static_cast<int>(results.size()) &&
                          results[i].provenance.kind.startsWith(QLatin1String("edit")) && !m_showingPreview;
  m_resultView->setBefore(editResult && m_doc->hasPhoto() ? toQImage(m_doc->photo()) : QImage(), tr("Original"));
  updateCompareActions();
}

void MainWindow::rebuildRecentMenu() {
  QMenu* menu = m_actions->recentMenu();
  menu->clear();
  const QStringList files = m_settings->recentFiles();
  menu->setToolTipsVisible(true);
  for (int i = 0; i < files.size(); ++i) {
    const QString& f = files[i];
    const QFileInfo fi(f);
    // "&1 photo.png — /data/street": the name first, its folder after it (several
    // folders hold a labels.png or a 0001.png).
    QString name = fi.fileName();
    name.replace(QLatin1Char('&'), QStringLiteral("&&"));
    QString dir = QDir::toNativeSeparators(fi.absolutePath());
    dir.replace(QLatin1Char('&'), QStringLiteral("&&"));
    const QString number = i < 9 ? QStringLiteral("&%1 ").arg(i + 1) : QString();
    QAction* act = menu->addAction(QStringLiteral("%1%2 — %3").arg(number, name, dir));
    act->setToolTip(QDir::toNativeSeparators(f));
    connect(act, &QAction::triggered, this, [this, f] { m_files->openRecent(f); });
  }
  if (files.isEmpty()) menu->addAction(tr("(none)"))->setEnabled(false);
}

void MainWindow::rebuildSamplesMenu() {
  QMenu* menu = m_actions->samplesMenu();
  menu->clear();
  menu->setToolTipsVisible(true);
  const ModelInfo* info = m_session->modelInfo();
  const auto files = info ? listSampleMaps(info->name) : std::vector<std::string>{};
  for (const std::string& file : files) {
    const QString path = QString::fromStdString(file);
    QString name = QFileInfo(path).completeBaseName();
    name.replace(QLatin1Char('&'), QStringLiteral("&&"));
    QAction* act = menu->addAction(name);
    act->setToolTip(QDir::toNativeSeparators(path));
    // An index map of the model's classes: imported as it is (undoable, like any import).
    connect(act, &QAction::triggered, this, [this, path] { m_files->importMask(path, /*quiet=*/true); });
  }
  if (files.empty())
    menu->addAction(info ? tr("(none for %1)").arg(QString::fromStdString(info->name)) : tr("(load a model first)"))
        ->setEnabled(false);
}

void MainWindow::askRemoveSpecks() {
  if (m_doc->isEmpty()) return;
  SpeckDialog dialog(*m_doc, m_speckSize, this);
  if (dialog.exec() != QDialog::Accepted) return;
  m_speckSize = dialog.minPixels();
  // Under 0.25 s up to 250 000 runs (a 12 MP segmentation: ~0.05 s); a map as fragmented as
  // noise (up to 25 s at 12 MP) shows a progress dialog whose Cancel must not look busy, so
  // there is no wait cursor (removeSpecks in ui/map_edits.h).
  showStatus(removeSpecksNow(m_speckSize));
}

QString MainWindow::removeSpecksNow(int minPixels) {
  const imaging::SpeckReport r = removeSpecks(*m_doc, minPixels, this);
  if (r.cancelled) return tr("Remove specks was cancelled: the map is as it was.");
  if (r.pixels == 0) return tr("No island under %L1 pixels to remove.").arg(minPixels);
  const QString islands = islandsPhrase(r.merges);
  return tr("Merged %1 under %L2 pixels into their surroundings (%3 changed; Ctrl+Z undoes it).")
      .arg(islands)
      .arg(minPixels)
      .arg(pixelsPhrase(r.pixels));
}

void MainWindow::showStatus(const QString& text, int timeoutMs) { statusBar()->showMessage(text, timeoutMs); }

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  QStringList paths;
  for (const QUrl& url : event->mimeData()->urls()) paths << (url.isLocalFile() ? url.toLocalFile() : url.toString());
  event->acceptProposedAction();
  // Opening may show dialogs; let the drag finish first.
  QTimer::singleShot(0, this, [this, paths] { m_files->openDropped(paths); });
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!m_files->maybeSave()) {
    event->ignore();
    return;
  }
  m_session->cancel();
  m_settings->setToolSettings(m_tools->settings());
  m_settings->setRunSettings(m_session->settings());
  m_settings->setWindowLayout(saveGeometry(), saveState());
  m_autosave->markClean();
  event->accept();
}

}  // namespace symmflow::ui
