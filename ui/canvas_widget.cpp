// SPDX-License-Identifier: MIT
#include "ui/canvas_widget.h"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QFontMetrics>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPainter>
#include <QPlainTextEdit>
#include <QTextEdit>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "ui/label_document.h"
#include "ui/qt_image.h"
#include "ui/raster_ops.h"
#include "ui/tool_controller.h"

namespace symmflow::ui {
namespace {
constexpr double kMinZoom = 0.05;
constexpr double kMaxZoom = 64.0;
constexpr double kGridZoom = 8.0;  // show the pixel grid from this zoom on
}  // namespace

CanvasWidget::CanvasWidget(LabelDocument* doc, ToolController* tools, QWidget* parent)
    : QWidget(parent), m_doc(doc), m_tools(tools) {
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setMinimumSize(200, 150);
  m_veilTimer.setSingleShot(true);
  m_veilTimer.setInterval(kVeilDelayMs);
  connect(&m_veilTimer, &QTimer::timeout, this, [this] {
    m_veilShown = !m_busyMessage.isEmpty();
    update();
  });
  // Space is taken application-wide while the pointer is over the canvas (eventFilter).
  qApp->installEventFilter(this);
  connect(doc, &LabelDocument::documentReset, this, [this] {
    m_uncertainty = {};
    m_fitPending = true;
    rebuildAll();
    fitToWindow();
  });
  connect(doc, &LabelDocument::labelsChanged, this, &CanvasWidget::onLabelsChanged);
  connect(doc, &LabelDocument::classStateChanged, this, [this] { rebuildAll(); });
  connect(doc, &LabelDocument::photoChanged, this, [this] {
    m_photoImage = toQImage(m_doc->photo());
    update();
  });
  connect(doc, &LabelDocument::referenceChanged, this, [this] {
    rebuildDiff(raster::mapRect(m_doc->labels()));
    update();
  });
  connect(tools, &ToolController::previewChanged, this, qOverload<>(&CanvasWidget::update));
  connect(tools, &ToolController::sizeChanged, this, [this] { update(); });
  connect(tools, &ToolController::toolChanged, this, [this] {
    updateCursor();
    update();
  });
  rebuildAll();
  updateCursor();
}

CanvasWidget::~CanvasWidget() = default;

QPointF CanvasWidget::toMap(QPointF w) const { return (w - m_offset) / m_zoom; }
QPointF CanvasWidget::toWidget(QPointF m) const { return m * m_zoom + m_offset; }

QRect CanvasWidget::mapRectToWidget(const QRect& r) const {
  const QPointF a = toWidget(r.topLeft());
  const QPointF b = toWidget(QPointF(r.right() + 1, r.bottom() + 1));
  return QRectF(a, b).toAlignedRect().adjusted(-2, -2, 2, 2);
}

void CanvasWidget::rebuildAll() {
  m_labelImage = labelsToImage(m_doc->labels(), m_doc->classes(), m_doc->hiddenMask());
  m_photoImage = toQImage(m_doc->photo());
  rebuildDiff(raster::mapRect(m_doc->labels()));
  update();
}

void CanvasWidget::onLabelsChanged(const QRect& rect) {
  if (m_labelImage.size() != QSize(m_doc->width(), m_doc->height())) {
    rebuildAll();
    return;
  }
  paintLabels(m_labelImage, m_doc->labels(), m_doc->classes(), m_doc->hiddenMask(), rect);
  if (m_showDiff) rebuildDiff(rect);
  update(mapRectToWidget(rect));
}

void CanvasWidget::rebuildDiff(const QRect& rect) {
  const LabelMap& ref = m_doc->referenceLabels();
  const LabelMap& cur = m_doc->labels();
  if (!m_showDiff || ref.empty() || ref.width != cur.width || ref.height != cur.height) {
    m_diffImage = {};
    return;
  }
  if (m_diffImage.size() != QSize(cur.width, cur.height)) {
    m_diffImage = QImage(cur.width, cur.height, QImage::Format_ARGB32_Premultiplied);
    m_diffImage.fill(Qt::transparent);
  }
  // A pixel's outline status depends on its neighbours: redo one pixel around the rect.
  const QRect r = rect.adjusted(-1, -1, 1, 1).intersected(raster::mapRect(cur));
  const auto changed = [&](int x, int y) {
    return x >= 0 && y >= 0 && x < cur.width && y < cur.height && ref.at(x, y) != cur.at(x, y);
  };
  // The outline of every changed region in a bright dashed line that stands out over any
  // class colour; inside it the painted classes stay visible.
  for (int y = r.top(); y <= r.bottom(); ++y) {
    auto* line = reinterpret_cast<QRgb*>(m_diffImage.scanLine(y));
    for (int x = r.left(); x <= r.right(); ++x) {
      const bool edge =
          changed(x, y) && (!changed(x - 1, y) || !changed(x + 1, y) || !changed(x, y - 1) || !changed(x, y + 1));
      line[x] = edge ? (((x + y) & 3) < 2 ? qRgba(255, 0, 255, 255) : qRgba(255, 255, 255, 255)) : 0;
    }
  }
}

void CanvasWidget::setUncertainty(const std::vector<float>& values, int width, int height) {
  m_uncertainty = heatOverlay(values, width, height);
  update();
}

void CanvasWidget::setZoom(double zoom, QPointF anchor) {
  zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
  const QPointF mapAnchor = toMap(anchor);
  m_zoom = zoom;
  m_offset = anchor - mapAnchor * m_zoom;
  m_fitPending = false;
  Q_EMIT zoomChanged(m_zoom);
  update();
}

void CanvasWidget::zoomIn() { setZoom(m_zoom * 1.25, rect().center()); }
void CanvasWidget::zoomOut() { setZoom(m_zoom / 1.25, rect().center()); }

void CanvasWidget::fitToWindow() {
  if (m_doc->isEmpty() || width() <= 0 || height() <= 0) return;
  const double margin = 16.0;
  const double z = std::min((width() - 2 * margin) / m_doc->width(), (height() - 2 * margin) / m_doc->height());
  m_zoom = std::clamp(z, kMinZoom, kMaxZoom);
  m_offset = QPointF((width() - m_doc->width() * m_zoom) / 2.0, (height() - m_doc->height() * m_zoom) / 2.0);
  m_fitPending = true;  // keep fitting on resize until the user zooms
  Q_EMIT zoomChanged(m_zoom);
  update();
}

void CanvasWidget::actualSize() {
  const QPointF center = rect().center();
  const QPointF mapCenter(m_doc->width() / 2.0, m_doc->height() / 2.0);
  m_zoom = 1.0;
  m_offset = center - mapCenter;
  m_fitPending = false;
  Q_EMIT zoomChanged(m_zoom);
  update();
}

void CanvasWidget::setOverlayOpacity(double opacity) {
  m_opacity = std::clamp(opacity, 0.0, 1.0);
  update();
}

void CanvasWidget::setShowPhoto(bool show) {
  m_showPhoto = show;
  update();
}

void CanvasWidget::setShowUncertainty(bool show) {
  m_showUncertainty = show;
  update();
}

void CanvasWidget::setShowDiff(bool show) {
  m_showDiff = show;
  rebuildDiff(raster::mapRect(m_doc->labels()));
  update();
}

double CanvasWidget::tolerance() const { return 5.0 / m_zoom; }

const QPainterPath& CanvasWidget::footprintPath(int size) {
  auto it = m_footprints.find(size);
  if (it != m_footprints.end()) return it->second;
  QPainterPath path;
  if (size > 96) {
    // Large brushes: the circle is indistinguishable from the pixel outline.
    path.addEllipse(QPointF(0, 0), size / 2.0, size / 2.0);
  } else {
    // The exact outline: every footprint pixel edge that has no footprint neighbour.
    const auto pts = raster::brushFootprint(size);
    std::set<std::pair<int, int>> in;
    for (const QPoint& p : pts) in.insert({p.x(), p.y()});
    const QPointF c = size % 2 == 1 ? QPointF(0.5, 0.5) : QPointF(0, 0);
    auto has = [&](int x, int y) { return in.count({x, y}) > 0; };
    for (const QPoint& p : pts) {
      const double x = p.x() - c.x(), y = p.y() - c.y();
      if (!has(p.x(), p.y() - 1)) {
        path.moveTo(x, y);
        path.lineTo(x + 1, y);
      }
      if (!has(p.x(), p.y() + 1)) {
        path.moveTo(x, y + 1);
        path.lineTo(x + 1, y + 1);
      }
      if (!has(p.x() - 1, p.y())) {
        path.moveTo(x, y);
        path.lineTo(x, y + 1);
      }
      if (!has(p.x() + 1, p.y())) {
        path.moveTo(x + 1, y);
        path.lineTo(x + 1, y + 1);
      }
    }
  }
  return m_footprints.emplace(size, path).first->second;
}

void CanvasWidget::paintGrid(QPainter& p, const QRectF& visible) {
  const int x0 = std::max(0, static_cast<int>(std::floor(visible.left())));
  const int x1 = std::min(m_doc->width(), static_cast<int>(std::ceil(visible.right())));
  const int y0 = std::max(0, static_cast<int>(std::floor(visible.top())));
  const int y1 = std::min(m_doc->height(), static_cast<int>(std::ceil(visible.bottom())));
  p.setPen(QPen(QColor(0, 0, 0, 60), 0));
  for (int x = x0; x <= x1; ++x) p.drawLine(toWidget(QPointF(x, y0)), toWidget(QPointF(x, y1)));
  for (int y = y0; y <= y1; ++y) p.drawLine(toWidget(QPointF(x0, y)), toWidget(QPointF(x1, y)));
}

void CanvasWidget::paintEvent(QPaintEvent* event) {
  QPainter p(this);
  p.fillRect(event->rect(), QColor(0x2b, 0x2b, 0x2b));
  if (!m_doc->isEmpty()) {
    paintDocument(p);
  } else if (!m_veilShown) {
    p.setPen(QColor(200, 200, 200));
    p.drawText(rect(), Qt::AlignCenter, tr("No label map.\nFile ▸ New map, open a mask or a photo."));
  }
  if (m_veilShown) paintBusy(p);
}

void CanvasWidget::paintBusy(QPainter& p) {
  // The map under the veil is about to be replaced: dim it and say what comes.
  p.fillRect(rect(), QColor(0x20, 0x20, 0x20, 170));
  QFont font = p.font();
  font.setPointSizeF(font.pointSizeF() * 1.25);
  p.setFont(font);
  const QFontMetrics fm(font);
  const QRect text = fm.boundingRect(rect().adjusted(24, 0, -24, 0), Qt::AlignCenter | Qt::TextWordWrap, m_busyMessage);
  const QRect box = text.adjusted(-18, -12, 18, 12);
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setPen(QPen(QColor(255, 255, 255, 60), 1));
  p.setBrush(QColor(0x2b, 0x2b, 0x2b, 230));
  p.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
  p.setPen(QColor(235, 235, 235));
  p.drawText(text, Qt::AlignCenter | Qt::TextWordWrap, m_busyMessage);
}

void CanvasWidget::setBusyMessage(const QString& message) {
  if (message == m_busyMessage) return;
  m_busyMessage = message;
  // Input stops at once; the veil waits a moment, so a quick segmentation does not flash it.
  if (message.isEmpty()) {
    m_veilTimer.stop();
    m_veilShown = false;
  } else if (!m_veilShown) {
    m_veilTimer.start();
  }
  updateCursor();
  update();
}

void CanvasWidget::paintDocument(QPainter& p) {
  const QRectF target(m_offset, QSizeF(m_doc->width() * m_zoom, m_doc->height() * m_zoom));
  const QRectF source(0, 0, m_doc->width(), m_doc->height());
  const bool smooth = m_zoom < 1.0;
  const bool photo = m_showPhoto && !m_photoImage.isNull();

  // A checkerboard under the map shows hidden classes as "nothing".
  p.fillRect(target, QBrush(QColor(70, 70, 70), Qt::Dense4Pattern));
  if (photo) {
    p.setRenderHint(QPainter::SmoothPixmapTransform, smooth);
    p.drawImage(target, m_photoImage, source);
  }
  p.setRenderHint(QPainter::SmoothPixmapTransform, false);
  p.setOpacity(photo ? m_opacity : 1.0);
  p.drawImage(target, m_labelImage, source);
  p.setOpacity(1.0);
  if (m_showUncertainty && !m_uncertainty.isNull()) {
    p.setRenderHint(QPainter::SmoothPixmapTransform, true);
    p.drawImage(target, m_uncertainty, QRectF(0, 0, m_uncertainty.width(), m_uncertainty.height()));
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
  }
  if (m_showDiff && !m_diffImage.isNull()) {
    p.setOpacity(0.75);
    p.drawImage(target, m_diffImage, source);
    p.setOpacity(1.0);
  }
  if (m_zoom >= kGridZoom) paintGrid(p, QRectF(toMap(QPointF(0, 0)), toMap(QPointF(width(), height()))));
  p.setPen(QPen(QColor(0, 0, 0, 160), 1));
  p.drawRect(target.adjusted(-0.5, -0.5, 0.5, 0.5));
  if (m_doc->width() == 1 && m_doc->height() == 1) {
    // An image-level map: one class for the whole image; say so under the swatch.
    const int id = m_doc->labels().ids[0];
    const ClassList& classes = m_doc->classes();
    const QString name = id < classes.size() ? QString::fromStdString(classes.classes[id].name) : QString::number(id);
    const QRectF below(0, target.bottom() + 8, width(), height() - target.bottom() - 8);
    p.setPen(QColor(220, 220, 220));
    p.drawText(below, Qt::AlignHCenter | Qt::AlignTop,
               tr("Whole-image class: %1\nPick another in the Classes list (keys 1–9, 0).").arg(name));
  }

  // Tool preview (polygon in progress, line rubber band).
  const QPolygonF preview = m_tools->currentTool()->preview();
  if (!preview.isEmpty()) {
    QPolygonF w;
    for (const QPointF& q : preview) w << toWidget(q);
    p.setRenderHint(QPainter::Antialiasing, true);
    const QColor c = classColor(m_doc->classes(), m_doc->currentClass());
    if (m_tools->currentToolId() == ToolId::Line) {
      p.setPen(QPen(c, std::max(1.0, m_tools->currentTool()->brushSize() * m_zoom), Qt::SolidLine, Qt::RoundCap));
      p.drawPolyline(w);
    } else {
      QColor fill = c;
      fill.setAlpha(90);
      p.setBrush(fill);
      p.setPen(QPen(Qt::white, 1, Qt::DashLine));
      p.drawPolygon(w);
      p.setBrush(Qt::NoBrush);
      p.setPen(QPen(Qt::black, 1));
      for (const QPointF& q : w) p.drawRect(QRectF(q - QPointF(2.5, 2.5), QSizeF(5, 5)));
    }
    p.setRenderHint(QPainter::Antialiasing, false);
  }

  // Brush footprint: the exact pixels the next dab will paint.
  const int size = m_tools->currentTool()->brushSize();
  if (m_hovering && size > 0 && !m_panning && !m_spaceDown && m_busyMessage.isEmpty() &&
      m_tools->currentToolId() != ToolId::Line) {
    const QPointF c = raster::snapBrushCenter(toMap(m_hoverWidget), size);
    QTransform t;
    t.translate(toWidget(c).x(), toWidget(c).y());
    t.scale(m_zoom, m_zoom);
    const QPainterPath path = t.map(footprintPath(size));
    p.setRenderHint(QPainter::Antialiasing, size > 96);
    p.setPen(QPen(QColor(0, 0, 0, 200), 3));
    p.drawPath(path);
    p.setPen(QPen(QColor(255, 255, 255, 230), 1));
    p.drawPath(path);
    // A small cross so the cursor stays visible when the footprint is tiny.
    p.setRenderHint(QPainter::Antialiasing, false);
    const QPointF h = m_hoverWidget;
    p.setPen(QPen(QColor(0, 0, 0, 200), 3));
    p.drawLine(h - QPointF(4, 0), h + QPointF(4, 0));
    p.drawLine(h - QPointF(0, 4), h + QPointF(0, 4));
    p.setPen(QPen(QColor(255, 255, 255), 1));
    p.drawLine(h - QPointF(4, 0), h + QPointF(4, 0));
    p.drawLine(h - QPointF(0, 4), h + QPointF(0, 4));
  }
}

void CanvasWidget::resizeEvent(QResizeEvent*) {
  if (m_fitPending) fitToWindow();
}

void CanvasWidget::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (steps == 0.0) return;
  setZoom(m_zoom * std::pow(1.2, steps), event->position());
  event->accept();
}

void CanvasWidget::mousePressEvent(QMouseEvent* event) {
  setFocus();
  if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceDown)) {
    m_panning = true;
    m_panStart = event->position();
    m_panOffsetStart = m_offset;
    updateCursor();
    return;
  }
  if (!m_busyMessage.isEmpty()) return;  // the map is about to be replaced: no edits
  if (event->button() == Qt::LeftButton) {
    m_tools->press({toMap(event->position()), event->modifiers(), tolerance()});
  } else if (event->button() == Qt::RightButton) {
    // Right click finishes a polygon (like many editors); otherwise nothing.
    m_tools->finish();
  }
}

void CanvasWidget::mouseMoveEvent(QMouseEvent* event) {
  const QPointF old = m_hoverWidget;
  m_hoverWidget = event->position();
  m_hovering = true;
  if (m_panning) {
    m_offset = m_panOffsetStart + (event->position() - m_panStart);
    m_fitPending = false;
    update();
    return;
  }
  const QPointF mp = toMap(event->position());
  if (m_busyMessage.isEmpty()) m_tools->move({mp, event->modifiers(), tolerance()});
  const QPoint px(static_cast<int>(std::floor(mp.x())), static_cast<int>(std::floor(mp.y())));
  Q_EMIT hoverChanged(px, px.x() >= 0 && px.y() >= 0 && px.x() < m_doc->width() && px.y() < m_doc->height());
  // Repaint only around the old and new cursor footprints.
  const int size = m_tools->currentTool()->brushSize();
  const double r = (size / 2.0 + 2) * m_zoom + 4;
  update(QRectF(old - QPointF(r, r), QSizeF(2 * r, 2 * r)).toAlignedRect());
  update(QRectF(m_hoverWidget - QPointF(r, r), QSizeF(2 * r, 2 * r)).toAlignedRect());
}

void CanvasWidget::mouseReleaseEvent(QMouseEvent* event) {
  if (m_panning && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
    m_panning = false;
    updateCursor();
    return;
  }
  if (event->button() == Qt::LeftButton && m_busyMessage.isEmpty())
    m_tools->release({toMap(event->position()), event->modifiers(), tolerance()});
}

void CanvasWidget::mouseDoubleClickEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton && !m_spaceDown && m_busyMessage.isEmpty())
    m_tools->doubleClick({toMap(event->position()), event->modifiers(), tolerance()});
}

void CanvasWidget::setSpaceDown(bool down) {
  if (m_spaceDown == down) return;
  m_spaceDown = down;
  updateCursor();
  update();
}

void CanvasWidget::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space) {
    if (!event->isAutoRepeat()) setSpaceDown(true);
    return;
  }
  QWidget::keyPressEvent(event);
}

void CanvasWidget::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space) {
    if (!event->isAutoRepeat()) setSpaceDown(false);
    return;
  }
  QWidget::keyReleaseEvent(event);
}

bool CanvasWidget::eventFilter(QObject* watched, QEvent* event) {
  const QEvent::Type type = event->type();
  if (type != QEvent::KeyPress && type != QEvent::KeyRelease && type != QEvent::ShortcutOverride) return false;
  auto* key = static_cast<QKeyEvent*>(event);
  if (key->key() != Qt::Key_Space || watched == this || !watched->isWidgetType()) return false;
  auto* target = static_cast<QWidget*>(watched);
  if (target->window() != window()) return false;  // a dialog's, another window's
  if (type == QEvent::KeyRelease) {
    if (!m_spaceDown) return false;
    if (!key->isAutoRepeat()) setSpaceDown(false);
    return true;
  }
  if (!(m_hovering || m_panning) || !isVisible()) return false;
  // Where a space is text, it stays text.
  const bool textField = (qobject_cast<QLineEdit*>(target) && !qobject_cast<QAbstractSpinBox*>(target->parent())) ||
                         qobject_cast<QTextEdit*>(target) || qobject_cast<QPlainTextEdit*>(target);
  if (textField) return false;
  if (type == QEvent::ShortcutOverride) {
    event->accept();  // no shortcut of a focused widget takes it
    return true;
  }
  setSpaceDown(true);  // auto-repeats too: the pointer may have come back with it held
  return true;
}

void CanvasWidget::leaveEvent(QEvent*) {
  m_hovering = false;
  // A space held over the canvas no longer means "pan" elsewhere (unless dragging).
  if (!m_panning) setSpaceDown(false);
  Q_EMIT hoverChanged({}, false);
  update();
}

void CanvasWidget::enterEvent(QEnterEvent*) { m_hovering = true; }

void CanvasWidget::focusOutEvent(QFocusEvent*) {
  m_spaceDown = false;
  updateCursor();
}

void CanvasWidget::updateCursor() {
  if (m_panning) {
    setCursor(Qt::ClosedHandCursor);
  } else if (m_spaceDown) {
    setCursor(Qt::OpenHandCursor);
  } else if (!m_busyMessage.isEmpty()) {
    setCursor(Qt::ArrowCursor);  // no tool: no footprint (the application shows it is busy)
  } else if (m_tools->currentTool()->brushSize() > 0 && m_tools->currentToolId() != ToolId::Line) {
    setCursor(Qt::BlankCursor);  // the footprint is the cursor
  } else {
    setCursor(Qt::CrossCursor);
  }
}

}  // namespace symmflow::ui
