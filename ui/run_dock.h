// SPDX-License-Identifier: MIT
#pragma once
// The run dock: steps, solver, seed (fixed or random), variations, live preview;
// Generate / Cancel; for photos Apply edit and Re-roll changed region; a progress
// bar. Edits RunSettings of the session; the actions themselves live in MainActions.
#include <QDockWidget>
#include <QString>

class QAbstractButton;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QAction;

namespace symmflow::ui {

class StudioSession;

class RunDock : public QDockWidget {
  Q_OBJECT
 public:
  RunDock(StudioSession* session, QAction* generate, QAction* cancel, QAction* applyEdit, QAction* reroll,
          QWidget* parent = nullptr);

  // Copies the session's RunSettings into the widgets.
  void syncFromSettings();

 private:
  void pushToSettings();

  StudioSession* m_session;
  QSpinBox* m_steps;
  QComboBox* m_solver;
  QSpinBox* m_seed;
  QCheckBox* m_randomSeed;
  QSpinBox* m_variations;
  QCheckBox* m_live;
  QSpinBox* m_previewSteps;
  QCheckBox* m_record;
  QDoubleSpinBox* m_feather;
  QProgressBar* m_progress;
  QLabel* m_status;
  bool m_syncing = false;
  QString m_phase;
};

}  // namespace symmflow::ui
