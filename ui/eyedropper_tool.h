// SPDX-License-Identifier: MIT
#pragma once
// Class picker: the class under the pointer becomes the current class.
#include "ui/tool.h"

namespace symmflow::ui {

class EyedropperTool : public Tool {
 public:
  using Tool::Tool;
  ToolId id() const override { return ToolId::Eyedropper; }
  QString name() const override;
  void begin(const ToolInput& in) override { pick(in); }
  void motion(const ToolInput& in) override { pick(in); }
  void end(const ToolInput&) override {}

 private:
  void pick(const ToolInput& in);
};

}  // namespace symmflow::ui
