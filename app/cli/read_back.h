// SPDX-License-Identifier: MIT
#pragma once
// Read-back of a generated image: the model segments what it made (one step, the studio's 4
// evaluations: 2 noise draws and, for a flip-trained model, their mirror images) and the map
// it was made from is scored against that. The share of the map's pixels labelled back as
// painted (void and unknown ids left out) says whether the image shows what was asked for;
// `generate --min-read-back` keeps only images that do, as a filter for synthetic pairs.
#include <cstdint>

#include "core/engine.h"
#include "core/types.h"

namespace symmflow::cli {

// image: at the model's image size (what Engine::generate returns); labels: the map it was
// made from, at the model's label or image size. Fails with the engine's error, or when no
// pixel of the map counts (all void).
Result<double> readBackShare(const Engine& engine, const RgbImage& image, const LabelMap& labels, std::uint64_t seed);

}  // namespace symmflow::cli
