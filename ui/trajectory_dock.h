// SPDX-License-Identifier: MIT
#pragma once
// The trajectory dock: a slider over the steps of the last run showing x_t, y_t
// (as class colours) and the one-step label estimate at each step, play/pause, and
// QCustomPlot plots of the per-step velocity norms, the class coverage of the
// one-step estimate over t, and the mean confidence; a cursor on every plot follows
// the slider.
#include <QDockWidget>
#include <QTimer>
#include <optional>
#include <vector>

#include "core/engine.h"
#include "core/result.h"

class QCustomPlot;
class QCPItemStraightLine;
class QLabel;
class QSlider;
class QToolButton;

namespace symmflow::ui {

class StudioSession;

class TrajectoryDock : public QDockWidget {
  Q_OBJECT
 public:
  explicit TrajectoryDock(StudioSession* session, QWidget* parent = nullptr);

  QSlider* slider() const { return m_slider; }
  int graphCount() const;  // for tests
  // The estimate's heading ("of the result" at the end of a generation) and whether the
  // point shown has an estimate picture (for tests).
  QString estimateTitle() const;
  bool showsEstimate() const;
  // At the end of a generation or edit: the share of the map's pixels (y at t = 0, void left
  // out) that the result's one-step segmentation labels the same; shown in the caption.
  std::optional<double> readBack() const;
  // Writes the shown flow as one picture (flow_strip.h) to `path` (PNG). An error says why
  // nothing was written (no pictures recorded, or the file could not be written).
  Status saveFlowPicture(const QString& path) const;
  QToolButton* saveButton() const { return m_save; }

 private:
  void rebuild();
  void askSaveFlowPicture();
  void showStep(int index);
  QCustomPlot* makePlot(const QString& yLabel);

  StudioSession* m_session;
  QLabel* m_xImage;
  QLabel* m_yImage;
  QLabel* m_yHatImage;
  QLabel* m_yHatTitle;
  QLabel* m_caption = nullptr;
  std::optional<double> m_readBack;
  QLabel* m_stepLabel;
  QSlider* m_slider;
  QToolButton* m_play;
  QToolButton* m_save;
  bool m_recorded = false;  // some point of the shown flow kept pictures of its item (rebuild())
  QTimer m_playTimer;
  QCustomPlot* m_velocity;
  QCustomPlot* m_coverage;
  QCustomPlot* m_confidence;
  std::vector<QCPItemStraightLine*> m_cursors;
};

}  // namespace symmflow::ui
