// SPDX-License-Identifier: MIT
#include "ui/tool_controller.h"

#include <algorithm>
#include <cmath>

#include "ui/brush_tool.h"
#include "ui/eraser_tool.h"
#include "ui/eyedropper_tool.h"
#include "ui/fill_tool.h"
#include "ui/label_document.h"
#include "ui/line_tool.h"
#include "ui/polygon_tool.h"

namespace symmflow::ui {

ToolController::ToolController(LabelDocument* doc, QObject* parent) : QObject(parent), m_doc(doc) {
  m_tools.push_back(std::make_unique<BrushTool>(*doc, m_settings));
  m_tools.push_back(std::make_unique<EraserTool>(*doc, m_settings));
  m_tools.push_back(std::make_unique<FillTool>(*doc, m_settings));
  m_tools.push_back(std::make_unique<PolygonTool>(*doc, m_settings));
  m_tools.push_back(std::make_unique<LineTool>(*doc, m_settings));
  m_tools.push_back(std::make_unique<EyedropperTool>(*doc, m_settings));
  m_current = m_tools.front().get();
  // A new document must not inherit half-finished shapes.
  connect(doc, &LabelDocument::documentReset, this, [this] {
    m_current->cancel();
    m_pressed = false;
    fitSizesToMap();
    Q_EMIT previewChanged();
  });
}

ToolController::~ToolController() = default;

ToolId ToolController::currentToolId() const { return m_current->id(); }

Tool* ToolController::tool(ToolId id) const {
  for (const auto& t : m_tools)
    if (t->id() == id) return t.get();
  return nullptr;
}

void ToolController::setTool(ToolId id) {
  Tool* t = tool(id);
  if (!t || t == m_current) return;
  if (m_pressed && m_pressedTool) m_pressedTool->cancel();
  m_current->cancel();
  m_pressed = false;
  m_current = t;
  Q_EMIT toolChanged(id);
  Q_EMIT sizeChanged(m_current->brushSize());
  Q_EMIT previewChanged();
}

void ToolController::press(const ToolInput& in) {
  m_pressed = true;
  m_pressedTool = m_current;
  if ((in.modifiers & Qt::AltModifier) && m_current->id() != ToolId::Eyedropper)
    m_pressedTool = tool(ToolId::Eyedropper);
  m_pressedTool->begin(in);
  Q_EMIT previewChanged();
}

void ToolController::move(const ToolInput& in) {
  if (m_pressed && m_pressedTool) {
    m_pressedTool->motion(in);
  } else {
    m_current->hover(in);
  }
  if (!m_current->preview().isEmpty() || m_pressed) Q_EMIT previewChanged();
}

void ToolController::release(const ToolInput& in) {
  if (!m_pressed) return;
  m_pressed = false;
  if (m_pressedTool) m_pressedTool->end(in);
  m_pressedTool = nullptr;
  Q_EMIT previewChanged();
}

void ToolController::doubleClick(const ToolInput& in) {
  m_current->doubleClick(in);
  Q_EMIT previewChanged();
}

int ToolController::decreaseSize() {
  const int s = m_current->brushSize();
  if (s <= 0) return s;
  setSize(s - std::max(1, s / 8));
  return m_current->brushSize();
}

int ToolController::increaseSize() {
  const int s = m_current->brushSize();
  if (s <= 0) return s;
  setSize(s + std::max(1, s / 8));
  return m_current->brushSize();
}

void ToolController::setSize(int size) {
  if (m_current->brushSize() <= 0) return;
  m_current->setBrushSize(size);
  Q_EMIT sizeChanged(m_current->brushSize());
}

void ToolController::fitSizesToMap() {
  const int side = std::min(m_doc->width(), m_doc->height());
  if (side <= 0) return;
  int& reference = m_settings.sizeReference;
  if (reference > 0 && reference != side) {
    const double scale = double(side) / reference;
    for (int* size : {&m_settings.brushSize, &m_settings.eraserSize, &m_settings.lineWidth})
      *size = std::clamp(int(std::lround(*size * scale)), ToolSettings::kMinSize, ToolSettings::kMaxSize);
  }
  reference = side;
  Q_EMIT sizeChanged(m_current->brushSize());
}

bool ToolController::finish() {
  const bool r = m_current->finish();
  Q_EMIT previewChanged();
  return r;
}

bool ToolController::cancel() {
  bool r = false;
  if (m_pressed && m_pressedTool) r = m_pressedTool->cancel();
  m_pressed = false;
  r = m_current->cancel() || r;
  Q_EMIT previewChanged();
  return r;
}

}  // namespace symmflow::ui
