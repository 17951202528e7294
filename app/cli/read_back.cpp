// SPDX-License-Identifier: MIT
#include "app/cli/read_back.h"

#include "core/imaging/resample.h"
#include "core/metrics.h"

namespace symmflow::cli {

Result<double> readBackShare(const Engine& engine, const RgbImage& image, const LabelMap& labels, std::uint64_t seed) {
  SegmentParams p;
  p.seed = seed;
  auto seg = engine.segment(image, p);
  if (!seg) return Error{seg.error()};
  const LabelMap& read = seg->labels;
  const LabelMap painted = labels.width == read.width && labels.height == read.height
                               ? labels
                               : imaging::resizeLabels(labels, read.width, read.height);
  const auto& classes = engine.info().classes;
  ConfusionMatrix m(classes.size(), classes.ignoreIndex);
  m.add(painted.ids.data(), read.ids.data(), painted.ids.size());
  if (m.total() == 0) return Error{"the label map has no pixel of a class to read back (all void or unknown)"};
  return m.pixelAccuracy();
}

}  // namespace symmflow::cli
