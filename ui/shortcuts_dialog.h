// SPDX-License-Identifier: MIT
#pragma once
// Help ▸ Keyboard shortcuts: every menu command that has a shortcut, grouped by menu and
// read from the menu bar itself (so the list cannot drift from the real bindings), then
// the canvas's mouse gestures. An action whose text changes (Undo <step>) gives its
// command's name in the "commandName" property.
#include <QDialog>

class QMenuBar;
class QTreeWidget;

namespace symmflow::ui {

class ShortcutsDialog : public QDialog {
  Q_OBJECT
 public:
  ShortcutsDialog(const QMenuBar* menus, QWidget* parent = nullptr);
  QTreeWidget* tree() const { return m_tree; }  // for tests

 private:
  QTreeWidget* m_tree;
};

}  // namespace symmflow::ui
