// SPDX-License-Identifier: MIT
#include "ui/polygon_tool.h"

#include <QLineF>

#include "ui/label_document.h"
#include "ui/raster_ops.h"

namespace symmflow::ui {

QString PolygonTool::name() const { return QStringLiteral("Polygon fill"); }

void PolygonTool::begin(const ToolInput& in) {
  if (m_doc.isEmpty()) return;
  m_pressed = true;
  m_lasso = false;
  m_pressPos = in.pos;
  m_hover = in.pos;
}

void PolygonTool::motion(const ToolInput& in) {
  if (!m_pressed) return;
  m_hover = in.pos;
  // A drag that starts a new shape becomes a lasso once it leaves the press point.
  if (!m_lasso && m_points.isEmpty() && QLineF(m_pressPos, in.pos).length() > 2.0 * in.tolerance) {
    m_lasso = true;
    m_points << m_pressPos;
  }
  if (m_lasso && QLineF(m_points.last(), in.pos).length() >= 0.5) m_points << in.pos;
}

void PolygonTool::end(const ToolInput& in) {
  if (!m_pressed) return;
  m_pressed = false;
  if (m_lasso) {
    m_points << in.pos;
    const QPolygonF shape = m_points;
    m_points.clear();
    m_lasso = false;
    fill(shape);
    return;
  }
  // A click near the first vertex closes the polygon.
  if (m_points.size() >= 3 && QLineF(m_points.first(), in.pos).length() <= 2.0 * in.tolerance) {
    finish();
    return;
  }
  if (m_points.isEmpty() || QLineF(m_points.last(), in.pos).length() > 0.25) m_points << in.pos;
}

void PolygonTool::hover(const ToolInput& in) { m_hover = in.pos; }

void PolygonTool::doubleClick(const ToolInput&) { finish(); }

bool PolygonTool::finish() {
  if (m_points.size() < 3) {
    const bool had = !m_points.isEmpty();
    m_points.clear();
    return had;
  }
  const QPolygonF shape = m_points;
  m_points.clear();
  fill(shape);
  return true;
}

bool PolygonTool::cancel() {
  const bool had = !m_points.isEmpty() || m_pressed;
  m_points.clear();
  m_pressed = false;
  m_lasso = false;
  return had;
}

QPolygonF PolygonTool::preview() const {
  if (m_points.isEmpty()) return {};
  QPolygonF p = m_points;
  if (!m_lasso) p << m_hover;
  return p;
}

void PolygonTool::fill(const QPolygonF& polygon) {
  m_doc.beginGesture(name());
  m_doc.touch(raster::polygonFill(m_doc.mutableLabels(), polygon, static_cast<std::uint8_t>(m_doc.currentClass()),
                                  m_doc.lockedMask()));
  m_doc.endGesture();
}

}  // namespace symmflow::ui
