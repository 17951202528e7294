// SPDX-License-Identifier: MIT
#pragma once
// Segmenting the whole photo when its aspect differs from the model's.
//
// A model sees one crop of a photo at a time (framing.h, Mode::CenterCrop), so one
// segmentation leaves the bands beyond the crop unlabelled. Windows of the crop's size,
// spread evenly along the photo's long axis, cover it: segment each (the caller runs the
// model), then segmentationFromWindows() blends their per-class probabilities on one grid
// over the whole photo -- each window weighted by the distance to its own border, so no
// seam shows where one ends -- and maps the result to photo size as upsampleLabelsEdgeAware
// does for one crop.
// Precondition violations throw std::invalid_argument. Thread-safety: pure functions.
#include <vector>

#include "core/imaging/framing.h"
#include "core/types.h"

namespace symmflow::imaging {

inline constexpr int kMaxCoveringWindows = 8;

// `framing` first (the centred crop that edits and inversions use), then the other windows
// needed to cover every photo pixel, all of its crop size and model size. Only `framing` in
// Mode::Resize, or when covering would take more than maxWindows windows (an extreme
// panorama: the bands beyond the crop then stay unlabelled).
std::vector<Framing> coveringWindows(const Framing& framing, int maxWindows = kMaxCoveringWindows);

struct CoveredSegmentation {
  LabelMap labels;                 // photo size; outsideFill where no window reaches
  std::vector<float> uncertainty;  // photo size, row-major: the averaged probabilities' entropy / log K, 0 unseen
};

// scores[i]: the per-class probabilities of windows[i] (C planes, any grid of the model's
// aspect; the same size for every window); windows as coveringWindows() returns them; photo
// of the windows' photo size.
CoveredSegmentation segmentationFromWindows(const std::vector<FloatPlanes>& scores, const std::vector<Framing>& windows,
                                            const RgbImage& photo, std::uint8_t outsideFill = LabelMap::kIgnoreId);

}  // namespace symmflow::imaging
