// SPDX-License-Identifier: MIT
#pragma once
// A photo segmented at its own size, as `symmflow segment` writes it: crops of the model's
// aspect cover the photo (core/imaging/covering.h), each is segmented with the engine, and
// their probabilities are blended and upsampled edge-aware to the photo's pixels. Shared by
// `segment` and `eval --native`, so that what eval scores is what segment writes.
#include "core/engine.h"
#include "core/imaging/covering.h"
#include "core/types.h"

namespace symmflow::cli {

// photo: any size the engine's model can frame; fails with the engine's error (e.g. an
// image-level model, or a cancelled or failed run).
Result<imaging::CoveredSegmentation> segmentWholePhoto(const Engine& engine, const RgbImage& photo,
                                                       const SegmentParams& params);

}  // namespace symmflow::cli
