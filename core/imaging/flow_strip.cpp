// SPDX-License-Identifier: MIT
#include "core/imaging/flow_strip.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <opencv2/imgproc.hpp>

#include "core/imaging/detail/cv_convert.h"
#include "core/imaging/mask_io.h"

namespace symmflow::imaging {
namespace {
constexpr int kMinCellWidth = 96;
constexpr int kGap = 4;
constexpr int kLeft = 34;  // row names
constexpr int kTop = 20;   // "t = 0.40"
constexpr std::uint8_t kNoEstimate = 232;

// Draws `cell` into the width x height box of `strip` at (x0, y0), nearest neighbour (a
// picture of the box's size divided by a whole factor gets square blocks).
void paste(RgbImage& strip, const RgbImage& cell, int x0, int y0, int width, int height) {
  for (int y = 0; y < height; ++y) {
    std::uint8_t* out = strip.at(x0, y0 + y);
    const std::uint8_t* in = cell.at(0, static_cast<int>(static_cast<std::int64_t>(y) * cell.height / height));
    for (int x = 0; x < width; ++x)
      std::memcpy(out + 3 * x, in + 3 * (static_cast<std::int64_t>(x) * cell.width / width), 3);
  }
}

void fill(RgbImage& strip, int x0, int y0, int width, int height, std::uint8_t value) {
  for (int y = y0; y < y0 + height; ++y) std::memset(strip.at(x0, y), value, static_cast<std::size_t>(width) * 3);
}
}  // namespace

std::vector<int> stripColumns(int points, int maxColumns) {
  std::vector<int> cols;
  if (points <= 0) return cols;
  maxColumns = std::max(2, maxColumns);  // at least both ends
  if (points <= maxColumns) {
    for (int i = 0; i < points; ++i) cols.push_back(i);
    return cols;
  }
  for (int k = 0; k < maxColumns; ++k)
    cols.push_back(static_cast<int>(std::lround(static_cast<double>(k) * (points - 1) / (maxColumns - 1))));
  return cols;  // distinct: the spacing is over 1 when points > maxColumns
}

FlowStripLayout layoutFlowStrip(const std::vector<FlowFrame>& frames, const ClassList& classes, int maxColumns) {
  std::vector<const FlowFrame*> kept;
  for (const FlowFrame& f : frames)
    if (!f.x.empty()) kept.push_back(&f);
  FlowStripLayout layout;
  if (kept.empty()) return layout;
  std::vector<const FlowFrame*> shown;
  for (int c : stripColumns(static_cast<int>(kept.size()), maxColumns))
    shown.push_back(kept[static_cast<std::size_t>(c)]);
  const RgbImage& first = shown.front()->x;
  const int scale = std::max(1, (kMinCellWidth + first.width - 1) / first.width);
  const int cw = first.width * scale, ch = first.height * scale;
  const bool estimates = std::any_of(shown.begin(), shown.end(), [](const FlowFrame* f) { return !f->yHat.empty(); });
  const int rows = estimates ? 3 : 2;
  const int n = static_cast<int>(shown.size());
  layout.image = RgbImage(kLeft + n * cw + (n - 1) * kGap, kTop + rows * ch + (rows - 1) * kGap, 255);
  for (int k = 0; k < n; ++k) {
    const FlowFrame& f = *shown[static_cast<std::size_t>(k)];
    const int x0 = kLeft + k * (cw + kGap);
    char heading[32];
    std::snprintf(heading, sizeof heading, "t = %.2f", f.t);
    layout.words.push_back({x0, 0, cw, kTop, false, heading, heading, false});
    const RgbImage cells[3] = {f.x, colorize(f.y, classes, IgnoreStyle::Checker),
                               f.yHat.empty() ? RgbImage() : colorize(f.yHat, classes, IgnoreStyle::Checker)};
    for (int r = 0; r < rows; ++r) {
      const int y0 = kTop + r * (ch + kGap);
      if (cells[r].empty())
        fill(layout.image, x0, y0, cw, ch, kNoEstimate);
      else
        paste(layout.image, cells[r], x0, y0, cw, ch);  // y_t may be at the label resolution
    }
  }
  const char* names[3][2] = {{"x_t", "x_t"}, {"y_t", "y_t"}, {"ŷ0", "y0"}};
  for (int r = 0; r < rows; ++r)
    layout.words.push_back({0, kTop + r * (ch + kGap), kLeft - 4, ch, true, names[r][0], names[r][1], r == 2});
  return layout;
}

RgbImage drawFlowStrip(const FlowStripLayout& layout) {
  RgbImage out = layout.image;
  if (out.empty()) return out;
  cv::Mat m = detail::viewOf(out);
  constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
  constexpr double kScale = 0.4;
  for (const StripWord& w : layout.words) {
    int baseline = 0;
    const cv::Size size = cv::getTextSize(w.ascii, kFont, kScale, 1, &baseline);
    const int x = w.alignRight ? w.x + w.width - size.width : w.x + (w.width - size.width) / 2;
    const int y = w.y + (w.height + size.height) / 2;
    cv::putText(m, w.ascii, cv::Point(x, y), kFont, kScale, cv::Scalar(0, 0, 0), 1, cv::LINE_AA);
    if (w.hat && !w.ascii.empty()) {
      // Over the first letter, above the height of a lower-case letter (about 60 % of a capital's).
      const int letter = cv::getTextSize(w.ascii.substr(0, 1), kFont, kScale, 1, &baseline).width;
      const int top = y - size.height * 6 / 10 - 3;
      const cv::Point left(x + 1, top), apex(x + letter / 2, top - 3), right(x + letter - 1, top);
      cv::line(m, left, apex, cv::Scalar(0, 0, 0), 1, cv::LINE_AA);
      cv::line(m, apex, right, cv::Scalar(0, 0, 0), 1, cv::LINE_AA);
    }
  }
  return out;
}

}  // namespace symmflow::imaging
