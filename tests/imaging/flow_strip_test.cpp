// SPDX-License-Identifier: MIT
// The flow as one picture: which points, where each picture lands, where the words go.
#include "core/imaging/flow_strip.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/imaging/mask_io.h"

namespace symmflow::imaging {
namespace {

ClassList threeClasses() {
  ClassList c;
  c.classes = {{"sky", {10, 20, 200}}, {"road", {90, 90, 90}}, {"car", {200, 30, 30}}};
  return c;
}

std::array<std::uint8_t, 3> pixel(const RgbImage& image, int x, int y) {
  const std::uint8_t* p = image.at(x, y);
  return {p[0], p[1], p[2]};
}

TEST(FlowStrip, ColumnsAreEveryPointOrAnEvenSpreadWithBothEnds) {
  EXPECT_EQ(stripColumns(5, 11), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(stripColumns(26, 6), (std::vector<int>{0, 5, 10, 15, 20, 25}));
  const auto many = stripColumns(1001, 11);
  ASSERT_EQ(many.size(), 11u);
  EXPECT_EQ(many.front(), 0);
  EXPECT_EQ(many.back(), 1000);
  EXPECT_TRUE(std::is_sorted(many.begin(), many.end()));
  EXPECT_EQ(stripColumns(7, 1), (std::vector<int>{0, 6})) << "both ends at least";
  EXPECT_TRUE(stripColumns(0, 11).empty());
}

// Three points: x_t at point k is a solid (40k, 20, 30) 4x3 picture, y_t a 2x3 map (a coarser
// label grid) of class k, and only the end has an estimate (class 2).
std::vector<FlowFrame> threeFrames() {
  std::vector<FlowFrame> frames(3);
  for (int k = 0; k < 3; ++k) {
    frames[k].t = k / 2.0;
    frames[k].x = RgbImage(4, 3);
    for (int px = 0; px < 12; ++px) {
      frames[k].x.pixels[px * 3] = static_cast<std::uint8_t>(40 * k);
      frames[k].x.pixels[px * 3 + 1] = 20;
      frames[k].x.pixels[px * 3 + 2] = 30;
    }
    frames[k].y = LabelMap(2, 3, static_cast<std::uint8_t>(k));
  }
  frames[2].yHat = LabelMap(4, 3, 2);
  frames[2].yHat.at(0, 0) = LabelMap::kIgnoreId;
  return frames;
}

TEST(FlowStrip, EachPictureLandsInItsCellScaledToAtLeast96Pixels) {
  const FlowStripLayout s = layoutFlowStrip(threeFrames(), threeClasses());
  // 4x3 pictures scaled 24x: cells of 96x72, 3 columns and 3 rows with 4-pixel gaps, the row
  // names (34 px) on the left and the headings (20 px) on top.
  ASSERT_EQ(s.image.width, 34 + 3 * 96 + 2 * 4);
  ASSERT_EQ(s.image.height, 20 + 3 * 72 + 2 * 4);
  const auto centre = [&](int col, int row) { return pixel(s.image, 34 + col * 100 + 48, 20 + row * 76 + 36); };
  using P = std::array<std::uint8_t, 3>;
  EXPECT_EQ(centre(1, 0), (P{40, 20, 30})) << "x_t at the middle point";
  EXPECT_EQ(centre(2, 1), (P{200, 30, 30})) << "y_t at the end: class 2, stretched from its 2x3 grid";
  EXPECT_EQ(pixel(s.image, 34 + 95, 20 + 71 + 76), (P{10, 20, 200})) << "y_t's last pixel, first column";
  EXPECT_EQ(centre(2, 2), (P{200, 30, 30})) << "the estimate at the end";
  EXPECT_NE(pixel(s.image, 34 + 200 + 1, 20 + 152 + 1), (P{200, 30, 30})) << "its unknown pixel is not a class";
  EXPECT_EQ(centre(0, 2), (P{232, 232, 232})) << "no estimate at t = 0";
  EXPECT_EQ(pixel(s.image, 34 + 96 + 1, 100), (P{255, 255, 255})) << "the gap";
  // The words: a heading over each column, then a name for each row.
  ASSERT_EQ(s.words.size(), 6u);
  EXPECT_EQ(s.words[1].text, "t = 0.50");
  EXPECT_EQ(s.words[1].x, 34 + 100);
  EXPECT_EQ(s.words[5].text, "ŷ0");
  EXPECT_EQ(s.words[5].ascii, "y0");
  EXPECT_TRUE(s.words[5].hat);
  EXPECT_TRUE(s.words[5].alignRight);
  EXPECT_EQ(s.words[5].y, 20 + 2 * 76);
}

TEST(FlowStrip, WithoutEstimatesTwoRowsAndWithoutPicturesNothing) {
  auto frames = threeFrames();
  frames[2].yHat = {};
  const FlowStripLayout two = layoutFlowStrip(frames, threeClasses());
  EXPECT_EQ(two.image.height, 20 + 2 * 72 + 4);
  EXPECT_EQ(two.words.size(), 5u);
  for (auto& f : frames) f.x = {};
  EXPECT_TRUE(layoutFlowStrip(frames, threeClasses()).image.empty());
  EXPECT_TRUE(drawFlowStrip({}).empty());
}

// The CLI's picture: the layout's cells untouched, dark text in each word's box.
TEST(FlowStrip, DrawnWordsStayInTheirBoxes) {
  const FlowStripLayout s = layoutFlowStrip(threeFrames(), threeClasses());
  const RgbImage drawn = drawFlowStrip(s);
  ASSERT_EQ(drawn.width, s.image.width);
  ASSERT_EQ(drawn.height, s.image.height);
  std::vector<bool> inWord(static_cast<std::size_t>(drawn.width) * drawn.height, false);
  for (const StripWord& w : s.words) {
    int dark = 0;
    for (int y = w.y; y < w.y + w.height; ++y)
      for (int x = w.x; x < w.x + w.width; ++x) {
        inWord[static_cast<std::size_t>(y) * drawn.width + x] = true;
        dark += pixel(drawn, x, y)[0] < 128;
      }
    EXPECT_GT(dark, 5) << w.ascii;
  }
  for (int y = 0; y < drawn.height; ++y)
    for (int x = 0; x < drawn.width; ++x)
      if (!inWord[static_cast<std::size_t>(y) * drawn.width + x])
        ASSERT_EQ(pixel(drawn, x, y), pixel(s.image, x, y)) << "at " << x << "," << y;
}

}  // namespace
}  // namespace symmflow::imaging
