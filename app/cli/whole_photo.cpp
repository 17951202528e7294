// SPDX-License-Identifier: MIT
#include "app/cli/whole_photo.h"

#include <utility>
#include <vector>

#include "core/imaging/framing.h"

namespace symmflow::cli {

Result<imaging::CoveredSegmentation> segmentWholePhoto(const Engine& engine, const RgbImage& photo,
                                                       const SegmentParams& params) {
  const auto& info = engine.info();
  if (info.imageLevel()) return Error{"this model classifies whole images; use 'symmflow classify'"};
  const auto framing = imaging::makeFraming(photo.width, photo.height, info.imageWidth(), info.imageHeight());
  const auto windows = imaging::coveringWindows(framing);
  std::vector<FloatPlanes> scores;
  for (const auto& window : windows) {
    auto seg = engine.segment(imaging::toModel(photo, window), params);
    if (!seg) return Error{seg.error()};
    scores.push_back(std::move(seg->probabilities));
  }
  return imaging::segmentationFromWindows(scores, windows, photo);
}

}  // namespace symmflow::cli
