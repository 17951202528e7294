// SPDX-License-Identifier: MIT
#pragma once
// The studio's main window: puts the canvas and the result view side by side,
// adds the docks, toolbars and status bar, and wires actions to the document,
// the tools, the session, the file controller and the model menu. The work itself
// lives in those classes; this one only composes them.
#include <QMainWindow>
#include <QString>
#include <vector>

#include "ui/studio_script.h"

class QLabel;
class QSlider;
class QSpinBox;
class QSplitter;

namespace symmflow::ui {

class AutosaveManager;
class CanvasWidget;
class FileController;
class LabelDocument;
class MainActions;
class ModelMenu;
class PaletteDock;
class ResultView;
class ResultsDock;
class RunDock;
class SettingsStore;
class StudioSession;
class ToolController;
class TrajectoryDock;

enum class RecoveryMode {
  Ask,     // offer the newest autosave of a crashed editor in a dialog
  Latest,  // recover it without asking (--recover-latest)
  Never,   // leave autosaves alone (--no-recover)
};

struct StartOptions {
  QString model;  // name or path; empty = last used / shipped default
  QString file;   // a project, photo or mask to open once the model is ready
  RecoveryMode recovery = RecoveryMode::Ask;
  bool generate = false;    // press Generate once the file is open (screenshots, demos)
  int autosaveDelayMs = 0;  // > 0: delay between a change and its autosave (default 20 s)
  // Run once the model is ready and the file is open (see ui/studio_script.h).
  std::vector<ScriptCommand> script;
};

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Loads the model and opens the file of `options`, asynchronously.
  void start(const StartOptions& options);

  LabelDocument* document() const { return m_doc; }
  StudioSession* session() const { return m_session; }
  ToolController* tools() const { return m_tools; }
  CanvasWidget* canvas() const { return m_canvas; }
  ResultView* resultView() const { return m_resultView; }
  MainActions* actions() const { return m_actions; }
  FileController* files() const { return m_files; }
  // Edit ▸ Remove specks of `minPixels` (one undoable step); returns what the status bar says.
  QString removeSpecksNow(int minPixels);

 protected:
  void closeEvent(QCloseEvent* event) override;
  // Files dropped on the window open as File ▸ Open would (FileController::openDropped).
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildUi();
  void wireActions();
  void wireSession();
  void updateTitle();
  void updateResultView();
  void updateEnabled();
  // The status bar's persistent note when the map's classes do not match the model.
  void updateClassWarning();
  // Compare split/toggle only apply while the right pane has an original to compare.
  void updateCompareActions();
  void rebuildRecentMenu();
  void rebuildSamplesMenu();
  void showStatus(const QString& text, int timeoutMs = 8000);
  // Edit ▸ Remove specks: asks for the size, then removeSpecksNow().
  void askRemoveSpecks();
  // What start() asked for once the model is ready: open the file, run the script,
  // generate.
  void finishStart();
  void runScript(const std::vector<ScriptCommand>& script);

  SettingsStore* m_settings;
  LabelDocument* m_doc;
  StudioSession* m_session;
  ToolController* m_tools;
  AutosaveManager* m_autosave;
  MainActions* m_actions;
  FileController* m_files;
  ModelMenu* m_modelMenu;
  CanvasWidget* m_canvas;
  ResultView* m_resultView;
  QSplitter* m_splitter;
  PaletteDock* m_palette;
  RunDock* m_run;
  ResultsDock* m_results;
  TrajectoryDock* m_trajectory;
  QSpinBox* m_sizeSpin;
  int m_speckSize = 0;        // the last size asked for Remove specks (0: the map's default)
  QSpinBox* m_toleranceSpin;  // ToolSettings::photoTolerance
  QSlider* m_opacity;
  QLabel* m_cursorLabel;
  QLabel* m_zoomLabel;
  QLabel* m_deviceLabel;
  QLabel* m_timingLabel;
  QLabel* m_classWarning;
  bool m_showingPreview = false;
  // The compare mode the user chose (kept while a result without an original is shown).
  bool m_wantSplit = false;
  bool m_wantToggle = false;
  bool m_syncingCompare = false;
  StartOptions m_pendingStart;
  bool m_startPending = false;
};

}  // namespace symmflow::ui
