// SPDX-License-Identifier: MIT
#pragma once
// The brush, painting the document's background class with its own size.
#include "ui/brush_tool.h"

namespace symmflow::ui {

class EraserTool : public BrushTool {
 public:
  using BrushTool::BrushTool;
  ToolId id() const override { return ToolId::Eraser; }
  QString name() const override;
  int brushSize() const override;
  void setBrushSize(int size) override;

 protected:
  int paintClass() const override;
};

}  // namespace symmflow::ui
