// SPDX-License-Identifier: MIT
#pragma once
// The palette dock: one row per class with its colour, shortcut, name, share of
// the map's pixels, a show/hide toggle and a lock toggle. Selecting a row sets the
// current class; Ctrl-click (or the context menu) sets the eraser's background
// class. It only talks to the document.
#include <QDockWidget>
#include <QTimer>

class QTreeWidget;
class QTreeWidgetItem;
class QLabel;

namespace symmflow::ui {

class LabelDocument;

class PaletteDock : public QDockWidget {
  Q_OBJECT
 public:
  explicit PaletteDock(LabelDocument* doc, QWidget* parent = nullptr);

  // Columns of the tree (for tests).
  enum Column { kColName = 0, kColShare, kColVisible, kColLocked, kColumnCount };
  QTreeWidget* tree() const { return m_tree; }
  // Off while the map is about to be replaced (a photo being segmented): the context
  // menu's Replace all with is disabled then.
  void setMapEditable(bool editable) { m_mapEditable = editable; }

 private:
  void rebuild();
  void refreshCounts();
  void refreshRow(int id);
  void onItemChanged(QTreeWidgetItem* item, int column);
  void showContextMenu(const QPoint& pos);

  LabelDocument* m_doc;
  QTreeWidget* m_tree;
  QLabel* m_background;
  QTimer m_countTimer;
  bool m_updating = false;
  bool m_mapEditable = true;
};

}  // namespace symmflow::ui
