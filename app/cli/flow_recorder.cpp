// SPDX-License-Identifier: MIT
#include "app/cli/flow_recorder.h"

#include <algorithm>
#include <iostream>

#include "core/imaging/flow_strip.h"
#include "core/imaging/image_io.h"

namespace symmflow::cli {

CallControl FlowRecorder::control(bool on) {
  CallControl c;
  if (!on) return c;
  c.previews = true;
  c.progress = [this](const StepReport& s) {
    m_points = s.totalSteps + 1;
    const std::vector<int> shown = imaging::stripColumns(m_points, kColumns);
    if (std::binary_search(shown.begin(), shown.end(), s.step)) m_kept.push_back(s);
  };
  return c;
}

Status FlowRecorder::write(const std::vector<std::string>& files, const ClassList& classes) const {
  for (std::size_t i = 0; i < files.size(); ++i) {
    const RgbImage strip = imaging::drawFlowStrip(
        imaging::layoutFlowStrip(imaging::flowFrames(m_kept, static_cast<int>(i)), classes, kColumns));
    if (strip.empty()) return Error{"the run kept no pictures of its flow"};
    if (auto s = imaging::savePng(strip, files[i]); !s) return s;
    std::cout << "wrote " << files[i] << " (the flow, " << m_kept.size() << " of " << m_points << " points)"
              << std::endl;
  }
  return {};
}

}  // namespace symmflow::cli
