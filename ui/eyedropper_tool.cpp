// SPDX-License-Identifier: MIT
#include "ui/eyedropper_tool.h"

#include <cmath>

#include "ui/label_document.h"

namespace symmflow::ui {

QString EyedropperTool::name() const { return QStringLiteral("Class picker"); }

void EyedropperTool::pick(const ToolInput& in) {
  const int x = static_cast<int>(std::floor(in.pos.x()));
  const int y = static_cast<int>(std::floor(in.pos.y()));
  if (x < 0 || y < 0 || x >= m_doc.width() || y >= m_doc.height()) return;
  const int id = m_doc.labels().at(x, y);
  if (id < m_doc.classes().size()) m_doc.setCurrentClass(id);
}

}  // namespace symmflow::ui
