// SPDX-License-Identifier: MIT
#pragma once
// Owns the tools and the tool settings, routes pointer input (in map coordinates)
// to the active tool, and handles tool-level keys ([ and ] resize, Enter, Esc).
// Views call it; it edits the document through the tools. No widgets.
#include <QObject>
#include <QPolygonF>
#include <memory>
#include <vector>

#include "ui/tool.h"
#include "ui/tool_settings.h"

namespace symmflow::ui {

class LabelDocument;

class ToolController : public QObject {
  Q_OBJECT
 public:
  explicit ToolController(LabelDocument* doc, QObject* parent = nullptr);
  ~ToolController() override;

  LabelDocument* document() const { return m_doc; }
  ToolId currentToolId() const;
  Tool* currentTool() const { return m_current; }
  Tool* tool(ToolId id) const;
  void setTool(ToolId id);

  ToolSettings& settings() { return m_settings; }
  const ToolSettings& settings() const { return m_settings; }

  // Pointer input, map coordinates. Alt+press with a painting tool picks the class
  // under the pointer instead (like most paint programs).
  void press(const ToolInput& in);
  void move(const ToolInput& in);  // pressed or not
  void release(const ToolInput& in);
  void doubleClick(const ToolInput& in);
  bool isPressed() const { return m_pressed; }

  // [ and ]: smaller/larger brush (steps grow with the size). Returns the new size.
  int decreaseSize();
  int increaseSize();
  void setSize(int size);
  // Scales the brush, eraser and line sizes to the document's map (see
  // ToolSettings::sizeReference). Called on every document reset; call it after replacing
  // settings().
  void fitSizesToMap();
  // Enter / Esc. Return true when the tool had something pending.
  bool finish();
  bool cancel();

 Q_SIGNALS:
  void toolChanged(symmflow::ui::ToolId id);
  void sizeChanged(int size);
  // The shape preview (polygon, line) changed: repaint.
  void previewChanged();

 private:
  LabelDocument* m_doc;
  ToolSettings m_settings;
  std::vector<std::unique_ptr<Tool>> m_tools;
  Tool* m_current = nullptr;
  Tool* m_pressedTool = nullptr;  // the tool that got the press (Alt picks)
  bool m_pressed = false;
};

}  // namespace symmflow::ui
