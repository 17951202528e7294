// SPDX-License-Identifier: MIT
#pragma once
// Flood fill: replaces the 4-connected region under the click with the current class; with
// ToolSettings::snapToPhoto, the photo's region of colours like the clicked one (raster::photoFill).
#include "ui/tool.h"

namespace symmflow::ui {

class FillTool : public Tool {
 public:
  using Tool::Tool;
  ToolId id() const override { return ToolId::Fill; }
  QString name() const override;
  void begin(const ToolInput& in) override;
  void motion(const ToolInput&) override {}
  void end(const ToolInput&) override {}
};

}  // namespace symmflow::ui
