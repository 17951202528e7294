// SPDX-License-Identifier: MIT
#pragma once
// Straight line of the current class: press at one end, release at the other.
// Shift constrains the angle to multiples of 45 degrees.
#include "ui/tool.h"

namespace symmflow::ui {

class LineTool : public Tool {
 public:
  using Tool::Tool;
  ToolId id() const override { return ToolId::Line; }
  QString name() const override;
  void begin(const ToolInput& in) override;
  void motion(const ToolInput& in) override;
  void end(const ToolInput& in) override;
  bool cancel() override;
  int brushSize() const override;
  void setBrushSize(int size) override;
  QPolygonF preview() const override;

 private:
  QPointF constrained(const ToolInput& in) const;
  QPointF m_start;
  QPointF m_end;
  bool m_active = false;
};

}  // namespace symmflow::ui
