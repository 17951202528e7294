// SPDX-License-Identifier: MIT
#pragma once
// Polygon and lasso fill with the current class.
// - Click, click, ... then double-click, Enter, or click on the first vertex: fills
//   the polygon. Esc drops it.
// - Press and drag: a freehand lasso, filled on release.
// The fill is one gesture (one undo command).
#include "ui/tool.h"

namespace symmflow::ui {

class PolygonTool : public Tool {
 public:
  using Tool::Tool;
  ToolId id() const override { return ToolId::Polygon; }
  QString name() const override;
  void begin(const ToolInput& in) override;
  void motion(const ToolInput& in) override;
  void end(const ToolInput& in) override;
  void hover(const ToolInput& in) override;
  void doubleClick(const ToolInput& in) override;
  bool finish() override;
  bool cancel() override;
  QPolygonF preview() const override;

 private:
  void fill(const QPolygonF& polygon);

  QPolygonF m_points;  // vertices placed so far
  QPointF m_hover;     // rubber-band end
  QPointF m_pressPos;
  bool m_pressed = false;
  bool m_lasso = false;
};

}  // namespace symmflow::ui
