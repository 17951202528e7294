// SPDX-License-Identifier: MIT
#pragma once
// Plain resizing of images, label maps and probability planes (no framing).
// Precondition violations (empty input, sizes <= 0, inconsistent FloatPlanes) are
// programmer errors and throw std::invalid_argument. Thread-safety: pure functions.
#include "core/types.h"

namespace symmflow::imaging {

// INTER_AREA when the result is smaller in both directions (no aliasing), bicubic
// otherwise (values saturated to 0..255). Same size returns a copy.
RgbImage resizeImage(const RgbImage& image, int width, int height);

// Nearest neighbour on pixel centres (OpenCV INTER_NEAREST_EXACT): every output id,
// including kIgnoreId, is an id of the input.
LabelMap resizeLabels(const LabelMap& labels, int width, int height);

// Each plane resized bilinearly (pixel centres aligned); values are not renormalized.
FloatPlanes resizePlanes(const FloatPlanes& planes, int width, int height);

}  // namespace symmflow::imaging
