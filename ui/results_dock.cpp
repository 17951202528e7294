// SPDX-License-Identifier: MIT
#include "ui/results_dock.h"

#include <QAction>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/qt_image.h"
#include "ui/studio_session.h"

namespace symmflow::ui {
namespace {
constexpr int kThumb = 128;
}

ResultsDock::ResultsDock(StudioSession* session, QAction* exportOne, QAction* exportBatch, QWidget* parent)
    : QDockWidget(tr("Results"), parent), m_session(session) {
  setObjectName(QStringLiteral("ResultsDock"));
  auto* body = new QWidget(this);
  auto* v = new QVBoxLayout(body);
  v->setContentsMargins(4, 4, 4, 4);
  m_list = new QListWidget(body);
  m_list->setViewMode(QListView::IconMode);
  m_list->setFlow(QListView::LeftToRight);
  m_list->setWrapping(true);  // rows fill the dock; a scroll bar only past its height
  m_list->setResizeMode(QListView::Adjust);
  m_list->setMovement(QListView::Static);
  m_list->setIconSize(QSize(kThumb, kThumb));
  m_list->setSpacing(4);
  m_list->setUniformItemSizes(true);
  // Room for the whole caption ("seed 12 · 25 steps") under the thumbnail.
  m_list->setGridSize(QSize(kThumb + 48, kThumb + fontMetrics().height() + 16));
  m_list->setTextElideMode(Qt::ElideMiddle);
  m_list->setMinimumHeight(kThumb + 56);
  m_hint = new QLabel(tr("Each Generate, and each Apply edit on a photo, adds its images here: the latest "
                         "batch is framed in blue. Click one to show it and its flow; Export result… saves "
                         "it with its label map as an image/mask pair."),
                      body);
  m_hint->setWordWrap(true);
  m_hint->setAlignment(Qt::AlignCenter);
  m_hint->setMargin(16);
  m_hint->setStyleSheet(QStringLiteral("color: palette(mid);"));
  m_pages = new QStackedWidget(body);
  m_pages->addWidget(m_hint);
  m_pages->addWidget(m_list);
  v->addWidget(m_pages, 1);
  auto* h = new QHBoxLayout();
  for (QAction* a : {exportOne, exportBatch}) {
    auto* b = new QToolButton(body);
    b->setDefaultAction(a);
    b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    h->addWidget(b);
  }
  h->addStretch(1);
  v->addLayout(h);
  setWidget(body);

  connect(session, &StudioSession::resultsChanged, this, &ResultsDock::rebuild);
  // Captions name the model of results made by another one than the current.
  connect(session, &StudioSession::modelChanged, this, &ResultsDock::rebuild);
  connect(session, &StudioSession::currentResultChanged, this, [this](int i) {
    m_updating = true;
    if (i >= 0 && i < m_list->count()) {
      m_list->setCurrentRow(i);
      m_list->scrollToItem(m_list->item(i));
    }
    m_updating = false;
  });
  connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
    if (!m_updating && row >= 0) m_session->setCurrentResult(row);
  });
  rebuild();
}

QString ResultsDock::emptyHint() const { return m_hint->text(); }

bool ResultsDock::showsHint() const { return m_pages->currentWidget() == m_hint; }

void ResultsDock::rebuild() {
  m_updating = true;
  m_list->clear();
  const auto& results = m_session->results();
  const QString model = m_session->modelInfo() ? QString::fromStdString(m_session->modelInfo()->name) : QString();
  for (int i = 0; i < static_cast<int>(results.size()); ++i) {
    const ResultEntry& r = results[i];
    QPixmap pm(kThumb, kThumb);
    pm.fill(QColor(0x2b, 0x2b, 0x2b));
    {
      QPainter p(&pm);
      p.setRenderHint(QPainter::SmoothPixmapTransform);
      const QImage img = toQImage(r.image);
      const QSize s = img.size().scaled(kThumb, kThumb, Qt::KeepAspectRatio);
      p.drawImage(QRect(QPoint((kThumb - s.width()) / 2, (kThumb - s.height()) / 2), s), img);
      // How much of its map the image reads back as painted: a badge in the corner, so the
      // variations of a batch can be compared at a glance.
      if (r.provenance.readBack >= 0.0) {
        const QString badge = QStringLiteral("%1 %").arg(qRound(100.0 * r.provenance.readBack));
        QFont f = p.font();
        f.setPixelSize(11);
        f.setBold(true);
        p.setFont(f);
        const QRect box = QFontMetrics(f).boundingRect(badge).adjusted(-4, -1, 4, 1);
        const QRect at(pm.width() - box.width() - 5, pm.height() - box.height() - 5, box.width(), box.height());
        p.fillRect(at, QColor(0, 0, 0, 170));
        p.setPen(Qt::white);
        p.drawText(at, Qt::AlignCenter, badge);
      }
      if (i >= m_session->batchStart()) {
        p.setPen(QPen(QColor(80, 160, 255), 3));
        p.drawRect(pm.rect().adjusted(1, 1, -2, -2));
      }
    }
    const auto& pv = r.provenance;
    QString caption = tr("seed %1 · %2 steps").arg(pv.seed).arg(pv.steps);
    if (!pv.kind.isEmpty() && pv.kind != QLatin1String("generate")) caption = pv.kind + QStringLiteral(" · ") + caption;
    if (!pv.modelName.isEmpty() && pv.modelName != model) caption = tr("%1 · %2").arg(pv.modelName, caption);
    // The thumbnail keeps its true colours when selected (the item's frame shows it).
    auto* item = new QListWidgetItem(untintedIcon(pm), caption, m_list);
    item->setToolTip(tr("%1 by %2\nseed %3, %4 steps, %5\n%6 s on %7\n%8×%9")
                         .arg(pv.kind)
                         .arg(pv.modelName.isEmpty() ? tr("an unknown model") : pv.modelName)
                         .arg(pv.seed)
                         .arg(pv.steps)
                         .arg(pv.solver)
                         .arg(pv.seconds, 0, 'f', 2)
                         .arg(pv.device)
                         .arg(pv.width)
                         .arg(pv.height) +
                     (pv.readBack >= 0.0
                          ? tr("\nreads back as its map on %1 % of the pixels").arg(100.0 * pv.readBack, 0, 'f', 1)
                          : QString()));
  }
  m_pages->setCurrentWidget(results.empty() ? static_cast<QWidget*>(m_hint) : m_list);
  const int cur = m_session->currentResult();
  if (cur >= 0 && cur < m_list->count()) {
    m_list->setCurrentRow(cur);
    m_list->scrollToItem(m_list->item(cur));
  }
  m_updating = false;
}

}  // namespace symmflow::ui
