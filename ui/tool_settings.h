// SPDX-License-Identifier: MIT
#pragma once
// Sizes and options shared by the painting tools (persisted by the settings store).

namespace symmflow::ui {

struct ToolSettings {
  static constexpr int kMinSize = 1;
  static constexpr int kMaxSize = 512;
  int brushSize = 9;    // diameter in map pixels
  int eraserSize = 15;  // diameter in map pixels
  int lineWidth = 3;    // in map pixels
};

}  // namespace symmflow::ui
