// SPDX-License-Identifier: MIT
#pragma once
// `--flow` of generate and edit: the points of a run that its flow picture shows
// (core/imaging/flow_strip.h), kept as the engine reports them with previews, and the
// pictures written from them. Only the kColumns shown points are kept, so memory does not
// grow with --steps and --count (1000 steps of 64 variations would hold ~9 GB of previews).
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/types.h"

namespace symmflow::cli {

class FlowRecorder {
 public:
  static constexpr int kColumns = 11;

  // The control to run with: previews and a progress callback that keeps the shown points
  // (on), or a plain one (off). The recorder must outlive the run.
  CallControl control(bool on);

  // Writes the picture of batch item i to files[i]; prints "wrote FILE (the flow, 11 of 26
  // points)". An error when the run kept no pictures, or a file cannot be written.
  Status write(const std::vector<std::string>& files, const ClassList& classes) const;

 private:
  std::vector<StepReport> m_kept;
  int m_points = 0;  // of the whole run
};

}  // namespace symmflow::cli
