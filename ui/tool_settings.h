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
  // Brush and eraser paint only where the photo looks like it does under the brush
  // (raster::photoAwareLine) and Fill fills the photo's region (raster::photoFill), when a
  // photo of the map's size is open.
  bool snapToPhoto = false;
  static constexpr int kMaxTolerance = 442;  // the RGB cube's diagonal: everything
  int photoTolerance = 40;                   // RGB distance, 1..kMaxTolerance
  // The shorter side of the map these sizes were chosen on (0: not known yet). On a map of
  // another size the sizes are scaled by the ratio of the shorter sides, so that a brush
  // covers the same part of a 4000×3000 photo as of a 192×144 map.
  int sizeReference = 0;
};

}  // namespace symmflow::ui
