// SPDX-License-Identifier: MIT
#include "ui/palette_dock.h"

#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "ui/label_document.h"
#include "ui/map_edits.h"
#include "ui/qt_image.h"

namespace symmflow::ui {
namespace {

QString shortcutFor(int id) {
  if (id < 9) return QString::number(id + 1);
  if (id == 9) return QStringLiteral("0");
  return {};
}

}  // namespace

PaletteDock::PaletteDock(LabelDocument* doc, QWidget* parent) : QDockWidget(tr("Classes"), parent), m_doc(doc) {
  setObjectName(QStringLiteral("PaletteDock"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  m_tree = new QTreeWidget(body);
  m_tree->setColumnCount(kColumnCount);
  m_tree->setHeaderLabels({tr("Class"), tr("Share"), tr("Show"), tr("Lock")});
  m_tree->setRootIsDecorated(false);
  m_tree->setUniformRowHeights(true);
  m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
  m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
  m_tree->header()->setStretchLastSection(false);
  m_tree->header()->setSectionResizeMode(kColName, QHeaderView::Stretch);
  for (int c : {kColShare, kColVisible, kColLocked})
    m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
  m_tree->setToolTip(
      tr("Click: paint with this class (keys 1-9, 0).\n"
         "Right-click: use as the eraser's background class.\n"
         "Show: hide a class on the canvas. Lock: never paint over it."));
  // Room for a class name beside the three narrow columns, however narrow the window.
  m_tree->setMinimumWidth(250);
  layout->addWidget(m_tree);
  m_background = new QLabel(body);
  layout->addWidget(m_background);
  setWidget(body);

  m_countTimer.setSingleShot(true);
  m_countTimer.setInterval(150);  // coalesce count updates during strokes
  connect(&m_countTimer, &QTimer::timeout, this, &PaletteDock::refreshCounts);

  connect(doc, &LabelDocument::documentReset, this, &PaletteDock::rebuild);
  connect(doc, &LabelDocument::countsChanged, this, [this] {
    if (!m_countTimer.isActive()) m_countTimer.start();
  });
  connect(doc, &LabelDocument::classStateChanged, this, &PaletteDock::refreshRow);
  connect(doc, &LabelDocument::currentClassChanged, this, [this](int id) {
    if (auto* item = m_tree->topLevelItem(id)) {
      m_updating = true;
      m_tree->setCurrentItem(item);
      m_tree->scrollToItem(item);
      m_updating = false;
    }
  });
  connect(doc, &LabelDocument::backgroundClassChanged, this, [this] { rebuild(); });
  connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
    if (m_updating || !item) return;
    m_doc->setCurrentClass(m_tree->indexOfTopLevelItem(item));
  });
  connect(m_tree, &QTreeWidget::itemChanged, this, &PaletteDock::onItemChanged);
  connect(m_tree, &QTreeWidget::customContextMenuRequested, this, &PaletteDock::showContextMenu);
  rebuild();
}

void PaletteDock::rebuild() {
  m_updating = true;
  m_tree->clear();
  const ClassList& classes = m_doc->classes();
  for (int i = 0; i < classes.size(); ++i) {
    auto* item = new QTreeWidgetItem(m_tree);
    const QString sc = shortcutFor(i);
    QString name = QString::fromStdString(classes.classes[i].name);
    if (i == m_doc->backgroundClass()) name += tr("  (eraser)");
    item->setText(kColName, sc.isEmpty() ? name : QStringLiteral("%1  %2").arg(sc, name));
    item->setIcon(kColName, swatchIcon(classColor(classes, i)));  // untinted when selected
    item->setTextAlignment(kColShare, Qt::AlignRight | Qt::AlignVCenter);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
    item->setCheckState(kColVisible, m_doc->isClassVisible(i) ? Qt::Checked : Qt::Unchecked);
    item->setCheckState(kColLocked, m_doc->isClassLocked(i) ? Qt::Checked : Qt::Unchecked);
  }
  if (auto* item = m_tree->topLevelItem(m_doc->currentClass())) m_tree->setCurrentItem(item);
  m_updating = false;
  const int bg = m_doc->backgroundClass();
  m_background->setText(
      bg < classes.size() ? tr("Eraser paints: %1").arg(QString::fromStdString(classes.classes[bg].name)) : QString());
  refreshCounts();
}

void PaletteDock::refreshCounts() {
  const auto& counts = m_doc->classCounts();
  const double total = std::max(1, m_doc->width() * m_doc->height());
  m_updating = true;
  for (int i = 0; i < m_tree->topLevelItemCount() && i < static_cast<int>(counts.size()); ++i) {
    const double share = 100.0 * counts[i] / total;
    auto* item = m_tree->topLevelItem(i);
    item->setText(kColShare, counts[i] == 0 ? QStringLiteral("–")
                             : share < 0.1  ? QStringLiteral("<0.1 %")
                                            : QStringLiteral("%1 %").arg(share, 0, 'f', 1));
    item->setToolTip(kColShare, tr("%n pixel(s)", nullptr, static_cast<int>(counts[i])));
  }
  m_updating = false;
}

void PaletteDock::refreshRow(int id) {
  auto* item = m_tree->topLevelItem(id);
  if (!item) return;
  m_updating = true;
  item->setCheckState(kColVisible, m_doc->isClassVisible(id) ? Qt::Checked : Qt::Unchecked);
  item->setCheckState(kColLocked, m_doc->isClassLocked(id) ? Qt::Checked : Qt::Unchecked);
  m_updating = false;
}

void PaletteDock::onItemChanged(QTreeWidgetItem* item, int column) {
  if (m_updating) return;
  const int id = m_tree->indexOfTopLevelItem(item);
  if (column == kColVisible) m_doc->setClassVisible(id, item->checkState(kColVisible) == Qt::Checked);
  if (column == kColLocked) m_doc->setClassLocked(id, item->checkState(kColLocked) == Qt::Checked);
}

void PaletteDock::showContextMenu(const QPoint& pos) {
  auto* item = m_tree->itemAt(pos);
  if (!item) return;
  const int id = m_tree->indexOfTopLevelItem(item);
  QMenu menu(this);
  menu.addAction(tr("Paint with this class"), this, [this, id] { m_doc->setCurrentClass(id); });
  menu.addAction(tr("Eraser paints this class"), this, [this, id] { m_doc->setBackgroundClass(id); });
  menu.addSeparator();
  menu.addAction(m_doc->isClassVisible(id) ? tr("Hide") : tr("Show"), this,
                 [this, id] { m_doc->setClassVisible(id, !m_doc->isClassVisible(id)); });
  menu.addAction(m_doc->isClassLocked(id) ? tr("Unlock") : tr("Lock"), this,
                 [this, id] { m_doc->setClassLocked(id, !m_doc->isClassLocked(id)); });
  menu.addSeparator();
  // Every pixel of this class becomes another class: one undoable step.
  const ClassList& classes = m_doc->classes();
  const bool locked = m_doc->isClassLocked(id);
  QMenu* replace = menu.addMenu(!m_mapEditable ? tr("Replace all with (wait for the segmentation)")
                                : locked       ? tr("Replace all with (unlock it first)")
                                               : tr("Replace all with"));
  const auto& counts = m_doc->classCounts();
  replace->setEnabled(m_mapEditable && !locked && id < static_cast<int>(counts.size()) && counts[id] > 0);
  for (int to = 0; to < classes.size(); ++to) {
    if (to == id) continue;
    replace->addAction(swatchIcon(classColor(classes, to), 12), QString::fromStdString(classes.classes[to].name), this,
                       [this, id, to] {
                         if (m_mapEditable) replaceClass(*m_doc, id, to);
                       });
  }
  menu.exec(m_tree->viewport()->mapToGlobal(pos));
}

}  // namespace symmflow::ui
