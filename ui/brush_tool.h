// SPDX-License-Identifier: MIT
#pragma once
// Round, crisp brush painting the current class. Locked classes are not overwritten. With
// ToolSettings::snapToPhoto and a photo of the map's size it paints only where the photo looks
// like it does under the brush (raster::photoAwareLine): strokes stop at the photo's edges.
#include <QRect>

#include "ui/tool.h"

namespace symmflow::ui {

class BrushTool : public Tool {
 public:
  using Tool::Tool;
  ToolId id() const override { return ToolId::Brush; }
  QString name() const override;
  void begin(const ToolInput& in) override;
  void motion(const ToolInput& in) override;
  void end(const ToolInput& in) override;
  bool cancel() override;
  int brushSize() const override;
  void setBrushSize(int size) override;

 protected:
  // The class this tool paints with.
  virtual int paintClass() const;
  // Paints a stroke segment (a dab when from == to); returns the changed pixels.
  QRect paint(QPointF from, QPointF to);

 private:
  QPointF m_last;
  bool m_active = false;
};

}  // namespace symmflow::ui
