// SPDX-License-Identifier: MIT
#pragma once
// Round, crisp brush painting the current class. Locked classes are not overwritten.
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

 private:
  QPointF m_last;
  bool m_active = false;
};

}  // namespace symmflow::ui
