// SPDX-License-Identifier: MIT
#include "ui/line_tool.h"

#include <algorithm>
#include <cmath>

#include "ui/label_document.h"
#include "ui/raster_ops.h"
#include "ui/tool_settings.h"

namespace symmflow::ui {

QString LineTool::name() const { return QStringLiteral("Line"); }

int LineTool::brushSize() const { return m_settings.lineWidth; }

void LineTool::setBrushSize(int size) {
  m_settings.lineWidth = std::clamp(size, ToolSettings::kMinSize, ToolSettings::kMaxSize);
}

QPointF LineTool::constrained(const ToolInput& in) const {
  const QPointF p = raster::snapBrushCenter(in.pos, brushSize());
  if (!(in.modifiers & Qt::ShiftModifier)) return p;
  const QPointF d = p - m_start;
  const double len = std::hypot(d.x(), d.y());
  constexpr double kQuarterPi = 0.78539816339744830962;
  const double step = kQuarterPi;
  const double a = std::round(std::atan2(d.y(), d.x()) / step) * step;
  return raster::snapBrushCenter(m_start + QPointF(std::cos(a), std::sin(a)) * len, brushSize());
}

void LineTool::begin(const ToolInput& in) {
  if (m_doc.isEmpty()) return;
  m_start = raster::snapBrushCenter(in.pos, brushSize());
  m_end = m_start;
  m_active = true;
}

void LineTool::motion(const ToolInput& in) {
  if (m_active) m_end = constrained(in);
}

void LineTool::end(const ToolInput& in) {
  if (!m_active) return;
  m_end = constrained(in);
  m_active = false;
  m_doc.beginGesture(name());
  m_doc.touch(raster::line(m_doc.mutableLabels(), m_start, m_end, brushSize(),
                           static_cast<std::uint8_t>(m_doc.currentClass()), m_doc.lockedMask()));
  m_doc.endGesture();
}

bool LineTool::cancel() {
  const bool was = m_active;
  m_active = false;
  return was;
}

QPolygonF LineTool::preview() const {
  if (!m_active) return {};
  return QPolygonF({m_start, m_end});
}

}  // namespace symmflow::ui
