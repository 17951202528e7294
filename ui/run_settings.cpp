// SPDX-License-Identifier: MIT
#include "ui/run_settings.h"

#include <QString>
#include <algorithm>

namespace symmflow::ui {

QJsonObject RunSettings::toJson() const {
  QJsonObject o;
  o["steps"] = steps;
  o["solver"] = QString::fromLatin1(solverName(solver));
  o["seed"] = QString::number(seed);
  o["random_seed"] = randomSeed;
  o["variations"] = variations;
  o["live_preview"] = livePreview;
  o["preview_steps"] = previewSteps;
  o["segment_steps"] = segmentSteps;
  o["segment_draws"] = segmentDraws;
  o["edit_feather"] = editFeather;
  o["edit_dilate"] = editDilate;
  o["record_flow"] = recordTrajectory;
  return o;
}

RunSettings RunSettings::fromJson(const QJsonObject& o) {
  RunSettings s;
  s.steps = std::clamp(o["steps"].toInt(s.steps), 1, 1000);
  s.solver = o["solver"].toString() == QLatin1String("heun") ? Solver::Heun : Solver::Euler;
  s.seed = o["seed"].toString(QStringLiteral("1")).toULongLong();
  s.randomSeed = o["random_seed"].toBool(false);
  s.variations = std::clamp(o["variations"].toInt(1), 1, 16);
  s.livePreview = o["live_preview"].toBool(false);
  s.previewSteps = std::clamp(o["preview_steps"].toInt(3), 1, 50);
  s.segmentSteps = std::clamp(o["segment_steps"].toInt(1), 1, 100);
  s.segmentDraws = std::clamp(o["segment_draws"].toInt(4), 1, 32);
  s.editFeather = static_cast<float>(std::clamp(o["edit_feather"].toDouble(3.0), 0.0, 100.0));
  s.editDilate = std::clamp(o["edit_dilate"].toInt(2), 0, 100);
  s.recordTrajectory = o["record_flow"].toBool(true);
  return s;
}

}  // namespace symmflow::ui
