// SPDX-License-Identifier: MIT
#pragma once
// The results strip: thumbnails of every result in the session's history (the
// latest batch of variations side by side, marked), with seed and steps. Clicking
// one makes it the current result; the export actions work on the selection or
// on the latest batch.
#include <QDockWidget>

class QAction;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace symmflow::ui {

class StudioSession;

class ResultsDock : public QDockWidget {
  Q_OBJECT
 public:
  ResultsDock(StudioSession* session, QAction* exportOne, QAction* exportBatch, QWidget* parent = nullptr);
  QListWidget* list() const { return m_list; }
  // What the dock says while it has no result (shown instead of the empty list).
  QString emptyHint() const;
  bool showsHint() const;

 private:
  void rebuild();

  StudioSession* m_session;
  QStackedWidget* m_pages;  // the hint while empty, else the list
  QLabel* m_hint;
  QListWidget* m_list;
  bool m_updating = false;
};

}  // namespace symmflow::ui
