// SPDX-License-Identifier: MIT
#include "ui/brush_tool.h"

#include <algorithm>

#include "ui/label_document.h"
#include "ui/raster_ops.h"
#include "ui/tool_settings.h"

namespace symmflow::ui {

QString BrushTool::name() const { return QStringLiteral("Brush"); }

int BrushTool::paintClass() const { return m_doc.currentClass(); }

int BrushTool::brushSize() const { return m_settings.brushSize; }

void BrushTool::setBrushSize(int size) {
  m_settings.brushSize = std::clamp(size, ToolSettings::kMinSize, ToolSettings::kMaxSize);
}

QRect BrushTool::paint(QPointF from, QPointF to) {
  const auto id = static_cast<std::uint8_t>(paintClass());
  if (m_settings.snapToPhoto)
    return raster::photoAwareLine(m_doc.mutableLabels(), m_doc.photo(), from, to, brushSize(),
                                  m_settings.photoTolerance, id, m_doc.lockedMask());
  return raster::line(m_doc.mutableLabels(), from, to, brushSize(), id, m_doc.lockedMask());
}

void BrushTool::begin(const ToolInput& in) {
  if (m_doc.isEmpty()) return;
  m_doc.beginGesture(name());
  m_active = true;
  m_last = raster::snapBrushCenter(in.pos, brushSize());
  m_doc.touch(paint(m_last, m_last));
}

void BrushTool::motion(const ToolInput& in) {
  if (!m_active) return;
  const QPointF p = raster::snapBrushCenter(in.pos, brushSize());
  if (p == m_last) return;
  const QRect r = paint(m_last, p);
  m_last = p;
  m_doc.touch(r);
}

void BrushTool::end(const ToolInput& in) {
  if (!m_active) return;
  motion(in);
  m_active = false;
  m_doc.endGesture();
}

bool BrushTool::cancel() {
  if (!m_active) return false;
  m_active = false;
  m_doc.cancelGesture();
  return true;
}

}  // namespace symmflow::ui
