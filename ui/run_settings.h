// SPDX-License-Identifier: MIT
#pragma once
// The run options of the studio (steps, solver, seed, variations, previews, segmentation and
// edit settings): what the run dock edits, the session reads and the settings store keeps.
#include <QJsonObject>
#include <cstdint>

#include "core/engine.h"

namespace symmflow::ui {

struct RunSettings {
  int steps = 10;  // generate / invert steps
  Solver solver = Solver::Euler;
  std::uint64_t seed = 1;
  bool randomSeed = false;   // draw a new seed for every Generate
  int variations = 1;        // images per Generate (seeds seed, seed+1, ...)
  bool livePreview = false;  // a quick run a moment after each change
  int previewSteps = 3;
  int previewDelayMs = 500;
  int segmentSteps = 1;
  int segmentDraws = 4;
  float editFeather = 3.0f;  // model pixels
  int editDilate = 2;        // model pixels
  // Generate and Apply edit keep every step's x_t, y_t and ŷ0 estimate (the Trajectory dock)
  // and evaluate the result once more at t = 1 to read it back as a map: one more network
  // evaluation per run and a copy of each point to the host. Live previews never record.
  bool recordTrajectory = true;

  // Every field but previewDelayMs. fromJson takes the default for what
  // is missing and clamps the rest to its range (steps 1..1000, variations 1..16, preview
  // steps 1..50, segmentation steps 1..100, draws 1..32, feather and dilation 0..100).
  QJsonObject toJson() const;
  static RunSettings fromJson(const QJsonObject& o);
};

}  // namespace symmflow::ui
