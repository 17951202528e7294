// SPDX-License-Identifier: MIT
#include "ui/fill_tool.h"

#include <cmath>

#include "ui/label_document.h"
#include "ui/raster_ops.h"

namespace symmflow::ui {

QString FillTool::name() const { return QStringLiteral("Fill"); }

void FillTool::begin(const ToolInput& in) {
  if (m_doc.isEmpty()) return;
  const QPoint seed(static_cast<int>(std::floor(in.pos.x())), static_cast<int>(std::floor(in.pos.y())));
  m_doc.beginGesture(name());
  m_doc.touch(raster::floodFill(m_doc.mutableLabels(), seed, static_cast<std::uint8_t>(m_doc.currentClass()),
                                m_doc.lockedMask()));
  m_doc.endGesture();
}

}  // namespace symmflow::ui
