// SPDX-License-Identifier: MIT
#include "ui/eraser_tool.h"

#include <algorithm>

#include "ui/label_document.h"
#include "ui/tool_settings.h"

namespace symmflow::ui {

QString EraserTool::name() const { return QStringLiteral("Eraser"); }

int EraserTool::paintClass() const { return m_doc.backgroundClass(); }

int EraserTool::brushSize() const { return m_settings.eraserSize; }

void EraserTool::setBrushSize(int size) {
  m_settings.eraserSize = std::clamp(size, ToolSettings::kMinSize, ToolSettings::kMaxSize);
}

}  // namespace symmflow::ui
