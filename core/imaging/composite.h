// SPDX-License-Identifier: MIT
#pragma once
// Putting a regenerated (model-size) image back into the original photo so that
// only the edited region changes.
// Precondition violations throw std::invalid_argument. Thread-safety: pure functions.
#include "core/imaging/framing.h"
#include "core/types.h"

namespace symmflow::imaging {

// A binary mask of the same size: 1 where the ids differ, 0 elsewhere.
LabelMap changedMask(const LabelMap& before, const LabelMap& after);

// Blends `regeneratedAtModelSize` (the framing's model size) into `originalPhoto`
// (the framing's photo size) inside the changed region.
// changedMaskAtPhotoSize: photo size; any non-zero id marks a changed pixel.
// Weights: with d the Euclidean distance in photo pixels from a pixel to the nearest
// changed pixel, the regenerated image (resized to the crop, see imageToPhoto) has
// weight 1 where d <= dilatePx, falling linearly to 0 at d = dilatePx + featherPx
// (featherPx = 0: hard edge). Every pixel with weight 0 -- at least every pixel with
// d > dilatePx + featherPx, and every pixel outside the framing's crop -- is
// byte-identical to originalPhoto, and so is the whole photo when nothing changed.
// Distances are exact Euclidean (cv::distanceTransform, DIST_MASK_PRECISE).
// featherPx, dilatePx: finite and >= 0.
RgbImage compositeEdit(const RgbImage& originalPhoto, const RgbImage& regeneratedAtModelSize,
                       const LabelMap& changedMaskAtPhotoSize, const Framing& framing, float featherPx,
                       float dilatePx = 2.0f);

}  // namespace symmflow::imaging
