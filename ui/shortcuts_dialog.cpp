// SPDX-License-Identifier: MIT
#include "ui/shortcuts_dialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace symmflow::ui {
namespace {

QString plainText(QString text) { return text.remove('&').remove(QStringLiteral("…")).trimmed(); }

// Rows for `menu`'s commands with shortcuts, its submenus' under their own titles.
void addMenu(QTreeWidget* tree, const QMenu* menu, const QString& title) {
  QTreeWidgetItem* group = nullptr;
  for (QAction* a : menu->actions()) {
    if (a->menu()) {
      addMenu(tree, a->menu(), title + QStringLiteral(" ▸ ") + plainText(a->text()));
      continue;
    }
    if (a->isSeparator() || a->shortcuts().isEmpty()) continue;
    if (!group) {
      group = new QTreeWidgetItem(tree, {title});
      group->setFirstColumnSpanned(true);
      QFont bold = group->font(0);
      bold.setBold(true);
      group->setFont(0, bold);
    }
    QStringList keys;
    for (const QKeySequence& k : a->shortcuts()) keys << k.toString(QKeySequence::NativeText);
    const QVariant name = a->property("commandName");  // a fixed name where the text changes
    new QTreeWidgetItem(group,
                        {name.isValid() ? name.toString() : plainText(a->text()), keys.join(QStringLiteral(", "))});
  }
}

}  // namespace

ShortcutsDialog::ShortcutsDialog(const QMenuBar* menus, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Keyboard shortcuts"));
  auto* v = new QVBoxLayout(this);
  m_tree = new QTreeWidget(this);
  m_tree->setColumnCount(2);
  m_tree->setHeaderLabels({tr("Command"), tr("Keys")});
  m_tree->setRootIsDecorated(false);
  m_tree->setSelectionMode(QAbstractItemView::NoSelection);
  for (QAction* a : menus->actions())
    if (a->menu()) addMenu(m_tree, a->menu(), plainText(a->text()));
  auto* canvas = new QTreeWidgetItem(m_tree, {tr("Canvas")});
  canvas->setFirstColumnSpanned(true);
  QFont bold = canvas->font(0);
  bold.setBold(true);
  canvas->setFont(0, bold);
  const QList<QStringList> gestures{
      {tr("Paint with the current tool"), tr("Left drag")},
      {tr("Pan"), tr("Space + drag, or middle drag")},
      {tr("Zoom at the pointer"), tr("Mouse wheel")},
      {tr("Use a class as the eraser's class"), tr("Right-click it in Classes")},
  };
  for (const QStringList& g : gestures) new QTreeWidgetItem(canvas, g);
  m_tree->expandAll();
  m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  m_tree->header()->setSectionResizeMode(1, QHeaderView::Stretch);
  v->addWidget(m_tree);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  v->addWidget(buttons);
  resize(520, 640);
}

}  // namespace symmflow::ui
