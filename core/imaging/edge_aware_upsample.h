// SPDX-License-Identifier: MIT
#pragma once
// Edge-aware upsampling of per-class probabilities to photo resolution: a coarse
// segmentation from the model becomes a photo-size label map whose boundaries follow
// the photo's edges.
//
// Method: each class plane is resized bilinearly onto the framing's crop at photo
// resolution and refined with a colour guided filter (K. He, J. Sun, X. Tang,
// "Guided Image Filtering", ECCV 2010 / TPAMI 2013) guided by the photo, computed in
// the "fast guided filter" form (K. He, J. Sun, arXiv:1505.00996, 2015): coefficients
// at a subsampled resolution, applied at full resolution. Then argmax over classes.
// Built from OpenCV imgproc primitives (boxFilter, resize); no ximgproc.
// Memory: O(photo pixels) floats, independent of the class count.
#include "core/imaging/framing.h"
#include "core/types.h"

namespace symmflow::imaging {

struct EdgeAwareParams {
  // Guided-filter window radius in photo pixels. 0 = auto: about one probability
  // cell, i.e. max(2, round(crop width / probs width)).
  int radius = 0;
  // Regularization (guide intensities in 0..1, so this is a variance): smaller
  // follows weaker photo edges; larger behaves like plain bilinear upsampling.
  float epsilon = 1e-3f;
  // Coefficient subsampling of the fast guided filter; 0 = auto (radius / 4, >= 1);
  // 1 = the exact guided filter.
  int subsample = 0;
};

// probs: C planes (1 <= C <= 255) of per-class scores (probabilities or logits) on a
// grid of the model's aspect, any size (the model's canvas or label grid). photo: the
// original photo, framing.photoWidth x photoHeight. Returns a photo-size label map
// with ids 0..C-1 inside the crop and `outsideFill` outside it (see framing.h).
// Precondition violations throw std::invalid_argument.
LabelMap upsampleLabelsEdgeAware(const FloatPlanes& probs, const RgbImage& photo, const Framing& framing,
                                 const EdgeAwareParams& params = {}, std::uint8_t outsideFill = LabelMap::kIgnoreId);

// The same without the filter: bilinear per-class upsampling then argmax (the
// baseline the edge-aware version is measured against).
LabelMap upsampleLabelsBilinear(const FloatPlanes& probs, const Framing& framing,
                                std::uint8_t outsideFill = LabelMap::kIgnoreId);

}  // namespace symmflow::imaging
