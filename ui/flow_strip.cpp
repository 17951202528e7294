// SPDX-License-Identifier: MIT
#include "ui/flow_strip.h"

#include <QFont>
#include <QPainter>

#include "ui/qt_image.h"

namespace symmflow::ui {

QImage flowStrip(const std::vector<StepReport>& steps, int item, const ClassList& classes, int maxColumns) {
  const imaging::FlowStripLayout layout =
      imaging::layoutFlowStrip(imaging::flowFrames(steps, item), classes, maxColumns);
  if (layout.image.empty()) return {};
  QImage strip = toQImage(layout.image).convertToFormat(QImage::Format_RGB32);
  QPainter p(&strip);
  QFont font = p.font();
  font.setPixelSize(12);
  p.setFont(font);
  p.setPen(Qt::black);
  for (const imaging::StripWord& w : layout.words)
    p.drawText(QRect(w.x, w.y, w.width, w.height),
               (w.alignRight ? Qt::AlignRight : Qt::AlignHCenter) | Qt::AlignVCenter, QString::fromStdString(w.text));
  return strip;
}

}  // namespace symmflow::ui
