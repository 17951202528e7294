// SPDX-License-Identifier: MIT
#include "ui/result_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>

namespace symmflow::ui {

ResultView::ResultView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(160, 120);
  setMouseTracking(true);
  m_placeholder = tr("Results appear here.\nPaint a map and press Generate (Ctrl+Return).");
}

void ResultView::setImage(const QImage& image, const QString& caption) {
  m_image = image;
  m_caption = caption;
  update();
}

void ResultView::setBefore(const QImage& before, const QString& caption) {
  m_before = before;
  m_beforeCaption = caption;
  update();
}

void ResultView::setMode(Mode mode) {
  m_mode = mode;
  update();
}

void ResultView::setSplit(double split) {
  m_split = std::clamp(split, 0.0, 1.0);
  Q_EMIT splitChanged(m_split);
  update();
}

void ResultView::setShowBefore(bool before) {
  m_showBefore = before;
  update();
}

void ResultView::setPlaceholder(const QString& text) {
  m_placeholder = text;
  update();
}

QRectF ResultView::imageRect() const {
  if (m_image.isNull()) return {};
  const QSizeF s = QSizeF(m_image.size()).scaled(QSizeF(size()) - QSizeF(16, 16), Qt::KeepAspectRatio);
  return QRectF(QPointF((width() - s.width()) / 2.0, (height() - s.height()) / 2.0), s);
}

void ResultView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), QColor(0x2b, 0x2b, 0x2b));
  if (m_image.isNull()) {
    p.setPen(QColor(190, 190, 190));
    p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    return;
  }
  const QRectF r = imageRect();
  // Enlarged small model outputs stay crisp; large photos are smoothed when shrunk.
  p.setRenderHint(QPainter::SmoothPixmapTransform, r.width() < m_image.width());
  const bool compare = canCompare() && m_mode != Mode::Single;
  const bool before = compare && m_mode == Mode::Toggle && m_showBefore;
  p.drawImage(r, before ? m_before : m_image);
  if (compare && m_mode == Mode::Split) {
    const double sx = r.left() + m_split * r.width();
    const QRectF left(r.topLeft(), QPointF(sx, r.bottom()));
    p.save();
    p.setClipRect(left);
    p.drawImage(r, m_before);
    p.restore();
    p.setPen(QPen(QColor(255, 255, 255, 230), 2));
    p.drawLine(QPointF(sx, r.top()), QPointF(sx, r.bottom()));
    p.setBrush(QColor(255, 255, 255, 230));
    p.drawEllipse(QPointF(sx, r.center().y()), 7, 7);
  }
  // A caption in a dark box, elided to `width` pixels at most.
  auto label = [&](const QString& full, Qt::Alignment align, double width) {
    if (full.isEmpty() || width < 24) return;
    const QString text = p.fontMetrics().elidedText(full, Qt::ElideRight, static_cast<int>(width) - 8);
    const QRectF box = r.adjusted(6, 6, -6, -6);
    const QRectF tr = p.boundingRect(box, align, text).adjusted(-4, -2, 4, 2);
    p.fillRect(tr, QColor(0, 0, 0, 150));
    p.setPen(Qt::white);
    p.drawText(tr, Qt::AlignCenter, text);
  };
  const double room = r.width() - 12;
  if (compare && m_mode == Mode::Split) {
    // Side by side, never over each other: the original's caption first, the rest for the result's.
    const double left = std::min(room / 2, p.fontMetrics().horizontalAdvance(m_beforeCaption) + 8.0);
    label(m_beforeCaption, Qt::AlignLeft | Qt::AlignTop, left);
    label(m_caption, Qt::AlignRight | Qt::AlignTop, room - left - 6);
  } else {
    label(before ? m_beforeCaption : m_caption, Qt::AlignLeft | Qt::AlignTop, room);
  }
}

void ResultView::mousePressEvent(QMouseEvent* e) {
  if (canCompare() && m_mode == Mode::Split && e->button() == Qt::LeftButton) {
    m_dragging = true;
    const QRectF r = imageRect();
    setSplit((e->position().x() - r.left()) / std::max(1.0, r.width()));
  } else if (canCompare() && m_mode == Mode::Toggle && e->button() == Qt::LeftButton) {
    setShowBefore(true);
  }
}

void ResultView::mouseMoveEvent(QMouseEvent* e) {
  if (m_dragging) {
    const QRectF r = imageRect();
    setSplit((e->position().x() - r.left()) / std::max(1.0, r.width()));
  }
  if (canCompare() && m_mode == Mode::Split)
    setCursor(Qt::SplitHCursor);
  else
    unsetCursor();
}

void ResultView::mouseReleaseEvent(QMouseEvent*) {
  m_dragging = false;
  if (m_mode == Mode::Toggle) setShowBefore(false);
}

}  // namespace symmflow::ui
