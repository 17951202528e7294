// SPDX-License-Identifier: MIT
#pragma once
// The painting canvas: the label map over the photo (adjustable opacity), optional
// uncertainty and map-diff overlays, zoom around the cursor, fit / 100 %, a pixel
// grid at high zoom, panning (space-drag or middle button) and a brush-footprint
// cursor. Space over the canvas means "pan" wherever the keyboard focus is (a dock's
// checkbox would otherwise take it and the drag would paint); text fields keep it. Pointer input is converted to map
// coordinates and handed to the ToolController; the canvas never edits the document itself.
#include <QImage>
#include <QPainterPath>
#include <QPointF>
#include <QTimer>
#include <QWidget>
#include <map>
#include <vector>

#include "core/types.h"

namespace symmflow::ui {

class LabelDocument;
class ToolController;

class CanvasWidget : public QWidget {
  Q_OBJECT
 public:
  CanvasWidget(LabelDocument* doc, ToolController* tools, QWidget* parent = nullptr);
  ~CanvasWidget() override;

  double zoom() const { return m_zoom; }
  // Map <-> widget coordinates.
  QPointF toMap(QPointF widgetPos) const;
  QPointF toWidget(QPointF mapPos) const;

  double overlayOpacity() const { return m_opacity; }
  bool showPhoto() const { return m_showPhoto; }
  bool showUncertainty() const { return m_showUncertainty; }
  bool showDiff() const { return m_showDiff; }

  // Per-pixel uncertainty in [0,1] at the map's size (empty clears it).
  void setUncertainty(const std::vector<float>& values, int width, int height);
  bool hasUncertainty() const { return !m_uncertainty.isNull(); }

  // While not empty, the canvas takes no tool input (panning and zoom still work) and, after
  // kVeilDelayMs, dims the map and shows `message` over it: the map is about to be replaced.
  void setBusyMessage(const QString& message);
  QString busyMessage() const { return m_busyMessage; }
  bool isVeiled() const { return m_veilShown; }
  static constexpr int kVeilDelayMs = 250;

  QSize sizeHint() const override { return {800, 600}; }

 public Q_SLOTS:
  void setZoom(double zoom, QPointF anchorWidget);
  void zoomIn();
  void zoomOut();
  void fitToWindow();
  void actualSize();
  void setOverlayOpacity(double opacity);  // 0..1, used when a photo is shown
  void setShowPhoto(bool show);
  void setShowUncertainty(bool show);
  void setShowDiff(bool show);

 Q_SIGNALS:
  void zoomChanged(double zoom);
  // The pointer is over map pixel `pos` (or left the map: valid = false).
  void hoverChanged(QPoint pos, bool valid);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void leaveEvent(QEvent* event) override;
  void enterEvent(QEnterEvent* event) override;
  void focusOutEvent(QFocusEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void rebuildAll();
  void onLabelsChanged(const QRect& rect);
  void rebuildDiff(const QRect& rect);
  void updateCursor();
  void setSpaceDown(bool down);
  double tolerance() const;
  const QPainterPath& footprintPath(int size);
  void paintDocument(QPainter& p);
  void paintBusy(QPainter& p);
  void paintGrid(QPainter& p, const QRectF& visibleMap);
  QRect mapRectToWidget(const QRect& r) const;

  LabelDocument* m_doc;
  ToolController* m_tools;
  QImage m_labelImage;
  QImage m_photoImage;
  QImage m_uncertainty;
  QImage m_diffImage;
  double m_zoom = 1.0;
  QPointF m_offset;  // widget position of map point (0,0)
  double m_opacity = 0.6;
  bool m_showPhoto = true;
  bool m_showUncertainty = false;
  bool m_showDiff = false;
  bool m_fitPending = true;
  QString m_busyMessage;
  QTimer m_veilTimer;
  bool m_veilShown = false;

  bool m_spaceDown = false;
  bool m_panning = false;
  QPointF m_panStart;
  QPointF m_panOffsetStart;
  bool m_hovering = false;
  QPointF m_hoverWidget;
  std::map<int, QPainterPath> m_footprints;
};

}  // namespace symmflow::ui
