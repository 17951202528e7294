// SPDX-License-Identifier: MIT
#include "ui/fill_tool.h"

#include <cmath>

#include "ui/label_document.h"
#include "ui/raster_ops.h"
#include "ui/tool_settings.h"

namespace symmflow::ui {

QString FillTool::name() const { return QStringLiteral("Fill"); }

void FillTool::begin(const ToolInput& in) {
  if (m_doc.isEmpty()) return;
  const QPoint seed(static_cast<int>(std::floor(in.pos.x())), static_cast<int>(std::floor(in.pos.y())));
  m_doc.beginGesture(name());
  const auto id = static_cast<std::uint8_t>(m_doc.currentClass());
  // With Snap to photo edges the region is the photo's (colours like the clicked one), not the map's.
  m_doc.touch(m_settings.snapToPhoto ? raster::photoFill(m_doc.mutableLabels(), m_doc.photo(), seed,
                                                         m_settings.photoTolerance, id, m_doc.lockedMask())
                                     : raster::floodFill(m_doc.mutableLabels(), seed, id, m_doc.lockedMask()));
  m_doc.endGesture();
}

}  // namespace symmflow::ui
