// SPDX-License-Identifier: MIT
#pragma once
// Shows the current result image (generated, preview or edited photo), fitted to
// the widget, and compares two images: an A/B split with a draggable divider, or
// a toggle (Before shown while the "B" key / button is held). Purely a view.
#include <QImage>
#include <QString>
#include <QWidget>

namespace symmflow::ui {

class ResultView : public QWidget {
  Q_OBJECT
 public:
  enum class Mode { Single, Split, Toggle };
  explicit ResultView(QWidget* parent = nullptr);

  // The image shown (B, "after"), with a caption drawn in a corner.
  void setImage(const QImage& image, const QString& caption);
  // The comparison image (A, "before"); null disables comparing.
  void setBefore(const QImage& before, const QString& caption);
  bool canCompare() const { return !m_before.isNull() && !m_image.isNull(); }
  void setMode(Mode mode);
  Mode mode() const { return m_mode; }
  // Split position, 0..1 of the image width (A left of it, B right).
  void setSplit(double split);
  double split() const { return m_split; }
  // Toggle mode: show A instead of B.
  void setShowBefore(bool before);
  void setPlaceholder(const QString& text);
  const QImage& image() const { return m_image; }

  QSize sizeHint() const override { return {480, 360}; }

 Q_SIGNALS:
  void splitChanged(double split);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  QRectF imageRect() const;

  QImage m_image;
  QImage m_before;
  QString m_caption;
  QString m_beforeCaption;
  QString m_placeholder;
  Mode m_mode = Mode::Single;
  double m_split = 0.5;
  bool m_showBefore = false;
  bool m_dragging = false;
};

}  // namespace symmflow::ui
