// SPDX-License-Identifier: MIT
#pragma once
// The results strip: thumbnails of every result in the session's history (the
// latest batch of variations side by side, marked), with seed and steps. Clicking
// one makes it the current result; the export actions work on the selection or
// on the latest batch.
#include <QDockWidget>

class QListWidget;
class QAction;

namespace symmflow::ui {

class StudioSession;

class ResultsDock : public QDockWidget {
  Q_OBJECT
 public:
  ResultsDock(StudioSession* session, QAction* exportOne, QAction* exportBatch, QWidget* parent = nullptr);
  QListWidget* list() const { return m_list; }

 private:
  void rebuild();

  StudioSession* m_session;
  QListWidget* m_list;
  bool m_updating = false;
};

}  // namespace symmflow::ui
