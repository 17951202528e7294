// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include "ui/raster_ops.h"

using namespace symmflow;
using namespace symmflow::ui;

namespace {
int count(const LabelMap& m, std::uint8_t id) {
  int n = 0;
  for (auto v : m.ids) n += v == id;
  return n;
}
}  // namespace

TEST(RasterOps, DabOfOnePixelIsOnePixel) {
  LabelMap m(10, 10, 0);
  const QRect r = raster::dab(m, raster::snapBrushCenter({4.7, 3.2}, 1), 1, 5);
  EXPECT_EQ(r, QRect(4, 3, 1, 1));
  EXPECT_EQ(count(m, 5), 1);
  EXPECT_EQ(m.at(4, 3), 5);
}

TEST(RasterOps, DabIsRoundAndSymmetric) {
  LabelMap m(21, 21, 0);
  const QRect r = raster::dab(m, {10.5, 10.5}, 7, 1);
  EXPECT_EQ(r, QRect(7, 7, 7, 7));
  // Corners of the bounding square are outside a round brush.
  EXPECT_EQ(m.at(7, 7), 0);
  EXPECT_EQ(m.at(13, 13), 0);
  EXPECT_EQ(m.at(10, 7), 1);
  EXPECT_EQ(m.at(7, 10), 1);
  // Symmetric under mirroring.
  for (int y = 0; y < 21; ++y)
    for (int x = 0; x < 21; ++x) EXPECT_EQ(m.at(x, y), m.at(20 - x, y));
  EXPECT_EQ(static_cast<std::size_t>(count(m, 1)), raster::brushFootprint(7).size());
}

TEST(RasterOps, DabClipsAtBorders) {
  LabelMap m(5, 5, 0);
  const QRect r = raster::dab(m, {0.5, 0.5}, 5, 2);
  EXPECT_EQ(r.topLeft(), QPoint(0, 0));
  EXPECT_EQ(m.at(0, 0), 2);
  EXPECT_EQ(m.at(4, 4), 0);
}

TEST(RasterOps, LockedClassesAreKept) {
  LabelMap m(10, 1, 0);
  m.at(5, 0) = 3;
  raster::ClassMask locked;
  locked.set(3);
  raster::line(m, {0.5, 0.5}, {9.5, 0.5}, 1, 1, locked);
  EXPECT_EQ(m.at(5, 0), 3);
  EXPECT_EQ(count(m, 1), 9);
}

TEST(RasterOps, LineCoversBothEnds) {
  LabelMap m(20, 20, 0);
  const QRect r = raster::line(m, {2.5, 2.5}, {17.5, 12.5}, 1, 4);
  EXPECT_EQ(m.at(2, 2), 4);
  EXPECT_EQ(m.at(17, 12), 4);
  EXPECT_EQ(r, QRect(QPoint(2, 2), QPoint(17, 12)));
  // A 1-pixel line is connected: every column between the ends has a pixel.
  for (int x = 2; x <= 17; ++x) {
    int col = 0;
    for (int y = 0; y < 20; ++y) col += m.at(x, y) == 4;
    EXPECT_GE(col, 1) << x;
  }
}

TEST(RasterOps, FloodFillStopsAtBoundaries) {
  // Left half 0, a vertical wall of 1 at x=5, right half 0.
  LabelMap m(10, 6, 0);
  for (int y = 0; y < 6; ++y) m.at(5, y) = 1;
  const QRect r = raster::floodFill(m, {1, 1}, 2);
  EXPECT_EQ(r, QRect(0, 0, 5, 6));
  EXPECT_EQ(count(m, 2), 30);
  EXPECT_EQ(m.at(7, 3), 0);
  // Filling with the same class changes nothing.
  EXPECT_TRUE(raster::floodFill(m, {1, 1}, 2).isEmpty());
  // Outside: nothing.
  EXPECT_TRUE(raster::floodFill(m, {-1, 1}, 3).isEmpty());
  // Locked seed class: nothing.
  raster::ClassMask locked;
  locked.set(0);
  EXPECT_TRUE(raster::floodFill(m, {7, 1}, 3, locked).isEmpty());
}

TEST(RasterOps, FloodFillIsFourConnected) {
  LabelMap m(3, 3, 1);
  m.at(0, 0) = 0;
  m.at(1, 1) = 0;  // diagonal neighbour: not connected
  raster::floodFill(m, {0, 0}, 2);
  EXPECT_EQ(m.at(0, 0), 2);
  EXPECT_EQ(m.at(1, 1), 0);
}

TEST(RasterOps, FloodFillHandlesLargeRegions) {
  LabelMap m(1000, 1000, 0);
  const QRect r = raster::floodFill(m, {500, 500}, 7);
  EXPECT_EQ(r, QRect(0, 0, 1000, 1000));
  EXPECT_EQ(count(m, 7), 1000 * 1000);
}

TEST(RasterOps, PolygonFillRectangleIsExact) {
  LabelMap m(10, 10, 0);
  const QRect r = raster::polygonFill(m, QPolygonF({{2, 3}, {7, 3}, {7, 8}, {2, 8}}), 1);
  EXPECT_EQ(r, QRect(2, 3, 5, 5));
  EXPECT_EQ(count(m, 1), 25);
}

TEST(RasterOps, PolygonFillTriangle) {
  LabelMap m(10, 10, 0);
  raster::polygonFill(m, QPolygonF({{0, 0}, {10, 0}, {0, 10}}), 1);
  // Pixel centres with x + y < 10 - 1 ... the diagonal splits: count is 45 or 55.
  EXPECT_EQ(m.at(0, 0), 1);
  EXPECT_EQ(m.at(9, 9), 0);
  EXPECT_EQ(m.at(8, 0), 1);
  EXPECT_EQ(m.at(0, 8), 1);
  const int n = count(m, 1);
  EXPECT_GE(n, 45);
  EXPECT_LE(n, 55);
  EXPECT_TRUE(raster::polygonFill(m, QPolygonF({{0, 0}, {5, 5}}), 2).isEmpty());
}

TEST(RasterOps, CopyPasteAndDiff) {
  LabelMap a(8, 8, 0);
  raster::dab(a, {4, 4}, 4, 3);
  LabelMap b(8, 8, 0);
  EXPECT_EQ(raster::diffRect(a, b), QRect(2, 2, 4, 4));
  const LabelMap patch = raster::copyRect(a, QRect(2, 2, 4, 4));
  raster::pasteRect(b, QRect(2, 2, 4, 4), patch);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(raster::diffRect(a, b).isEmpty());
}

TEST(RasterOps, Histogram) {
  LabelMap m(4, 4, 2);
  m.at(0, 0) = 255;
  const auto h = raster::histogram(m);
  EXPECT_EQ(h[2], 15);
  EXPECT_EQ(h[255], 1);
}

TEST(RasterOps, PhotoAwareLineStopsAtThePhotosEdges) {
  // A photo: dark left half (x < 10), bright right half, and a dark island at (16..17, 4..5)
  // inside the bright half. The map is all class 0.
  RgbImage photo(20, 10, 30);
  for (int y = 0; y < 10; ++y)
    for (int x = 10; x < 20; ++x)
      for (int k = 0; k < 3; ++k) photo.at(x, y)[k] = 220;
  for (int y = 4; y < 6; ++y)
    for (int x = 16; x < 18; ++x)
      for (int k = 0; k < 3; ++k) photo.at(x, y)[k] = 30;
  LabelMap map(20, 10, 0);
  // A dab of diameter 21 at (8.5, 5.5) covers the whole photo; only the dark half connected
  // to its centre is painted, not the bright half, nor the dark island beyond it.
  const QRect r = raster::photoAwareLine(map, photo, {8.5, 5.5}, {8.5, 5.5}, 21, 40, 1);
  EXPECT_EQ(r, QRect(0, 0, 10, 10));
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 20; ++x) ASSERT_EQ(map.at(x, y), x < 10 ? 1 : 0) << x << "," << y;
  // A tolerance over the two colours' distance (329) paints like a plain dab.
  LabelMap plain(20, 10, 0), wide(20, 10, 0);
  raster::line(plain, {8.5, 5.5}, {8.5, 5.5}, 9, 2);
  raster::photoAwareLine(wide, photo, {8.5, 5.5}, {8.5, 5.5}, 9, 400, 2);
  EXPECT_EQ(wide, plain);
  // A stroke along the dark half's bottom row up to the edge: the brush's rim reaches over it
  // but paints nothing there; locked pixels stay but connect what lies beyond them.
  LabelMap stroke(20, 10, 0);
  for (int y = 0; y < 10; ++y) stroke.at(4, y) = 3;
  raster::ClassMask locked;
  locked.set(3);
  raster::photoAwareLine(stroke, photo, {1.5, 8.5}, {9.5, 8.5}, 7, 40, 1, locked);
  EXPECT_EQ(stroke.at(1, 8), 1);
  EXPECT_EQ(stroke.at(4, 8), 3) << "locked";
  EXPECT_EQ(stroke.at(6, 8), 1) << "reached through the locked column";
  EXPECT_EQ(stroke.at(9, 8), 1);
  for (int y = 0; y < 10; ++y)
    for (int x = 10; x < 20; ++x) ASSERT_EQ(stroke.at(x, y), 0) << "bright side " << x << "," << y;
  // Each dab samples the photo under its own centre: where the centre goes into the bright
  // half, the bright half is painted (and the dark one beyond the edge is not).
  raster::photoAwareLine(stroke, photo, {9.5, 8.5}, {13.5, 8.5}, 7, 40, 2);
  EXPECT_EQ(stroke.at(13, 8), 2);
  EXPECT_EQ(stroke.at(8, 8), 1) << "the dark side is left alone from a bright centre";
  // A bright single pixel (a highlight) inside the dark half is painted with its
  // surroundings; the bright half beyond the edge is not a hole.
  RgbImage speckled = photo;
  for (int k = 0; k < 3; ++k) speckled.at(5, 5)[k] = 250;
  LabelMap holes(20, 10, 0);
  raster::photoAwareLine(holes, speckled, {3.5, 5.5}, {3.5, 5.5}, 15, 40, 1);
  EXPECT_EQ(holes.at(5, 5), 1) << "a hole in the fill is closed";
  EXPECT_EQ(holes.at(9, 5), 1);
  EXPECT_EQ(holes.at(10, 5), 0) << "the edge is not";
  // Without a photo of the map's size it is a plain line.
  LabelMap a(20, 10, 0), b(20, 10, 0);
  raster::line(a, {2.5, 2.5}, {15.5, 7.5}, 3, 1);
  raster::photoAwareLine(b, RgbImage(5, 5, 0), {2.5, 2.5}, {15.5, 7.5}, 3, 40, 1);
  EXPECT_EQ(a, b);
}

TEST(RasterOps, PhotoFillTakesThePhotosRegionWhateverTheClasses) {
  // Dark left half (x < 10) with a dark island at (16..17, 4..5) in the bright right half.
  RgbImage photo(20, 10, 30);
  for (int y = 0; y < 10; ++y)
    for (int x = 10; x < 20; ++x)
      for (int k = 0; k < 3; ++k) photo.at(x, y)[k] = (x >= 16 && x < 18 && y >= 4 && y < 6) ? 30 : 220;
  LabelMap map(20, 10, 0);
  for (int y = 0; y < 10; ++y) map.at(3, y) = 2;  // another class inside the dark region
  const QRect r = raster::photoFill(map, photo, QPoint(1, 1), 40, 1);
  EXPECT_EQ(r, QRect(0, 0, 10, 10));
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 20; ++x) ASSERT_EQ(map.at(x, y), x < 10 ? 1 : 0) << x << "," << y;
  // Without a photo of the map's size: the map's own region, as floodFill.
  LabelMap a(20, 10, 0), b(20, 10, 0);
  for (int y = 0; y < 10; ++y) a.at(5, y) = b.at(5, y) = 2;
  raster::floodFill(a, QPoint(1, 1), 1);
  raster::photoFill(b, RgbImage(3, 3, 0), QPoint(1, 1), 40, 1);
  EXPECT_EQ(a, b);
}
