// SPDX-License-Identifier: MIT
#pragma once
// One result's flow as a single picture, for a figure: a column per grid point from t = 0 to
// t = 1, rows x_t, y_t (class colours) and the one-step estimate ŷ0, a "t = …" heading over
// each column and the row names on the left. layoutFlowStrip() fills the cells and says where
// the words go, so the studio writes them with its fonts (QPainter) and the CLI with
// drawFlowStrip() (OpenCV's Hershey font).
#include <string>
#include <utility>
#include <vector>

#include "core/types.h"

namespace symmflow::imaging {

// One grid point of a flow, as the engine's StepReport previews it for one batch item.
struct FlowFrame {
  double t = 0.0;
  RgbImage x;     // x_t
  LabelMap y;     // argmax of y_t
  LabelMap yHat;  // argmax of the one-step estimate; empty where none was evaluated
};

// A word of the picture and the box it is centred in (headings) or right-aligned in, centred
// vertically (row names). `text` is UTF-8 ("ŷ0"); `ascii` the same for fonts without it
// ("y0" with `hat`: a circumflex goes over its first letter).
struct StripWord {
  int x = 0, y = 0, width = 0, height = 0;
  bool alignRight = false;
  std::string text;
  std::string ascii;
  bool hat = false;
};

struct FlowStripLayout {
  RgbImage image;                // white, cells filled, no words yet; empty without frames
  std::vector<StripWord> words;  // headings first, then row names
};

// The frames of batch item `item` of a run's step reports (the engine's StepReport, whose
// previews have x, y and yHat): one per report, without pictures where it kept none of the
// item. A template so that this layer needs no engine header.
template <class StepReports>
std::vector<FlowFrame> flowFrames(const StepReports& steps, int item) {
  std::vector<FlowFrame> frames;
  for (const auto& s : steps) {
    FlowFrame f;
    f.t = s.t;
    if (item >= 0 && item < static_cast<int>(s.items.size())) {
      const auto& p = s.items[static_cast<std::size_t>(item)];
      f.x = p.x;
      f.y = p.y;
      f.yHat = p.yHat;
    }
    frames.push_back(std::move(f));
  }
  return frames;
}

// Which of `points` grid points a strip of at most `maxColumns` shows: all of them when they
// fit, else `maxColumns` evenly spaced ones that include the first and the last (a
// `maxColumns` under 2 counts as 2).
std::vector<int> stripColumns(int points, int maxColumns);

// The strip of `frames` (those without an x_t picture are skipped). Cells are the pictures
// scaled by a whole factor to at least 96 pixels wide (nearest neighbour, so pixels stay
// crisp); a point without an estimate leaves its ŷ0 cell light grey (232), and the ŷ0 row is
// left out when no shown point has one. Layout: row names 34 pixels wide, headings 20 high,
// 4-pixel gaps. Unknown pixels (id 255) are drawn as a grey checkerboard.
FlowStripLayout layoutFlowStrip(const std::vector<FlowFrame>& frames, const ClassList& classes, int maxColumns = 11);

// The layout with its words drawn (ASCII, OpenCV's Hershey font): the CLI's --flow picture.
RgbImage drawFlowStrip(const FlowStripLayout& layout);

}  // namespace symmflow::imaging
