// SPDX-License-Identifier: MIT
// Each tool's effect on a known map, and undo/redo restoring pixels exactly.
#include <gtest/gtest.h>

#include "fake_backend.h"
#include "ui/label_document.h"
#include "ui/raster_ops.h"
#include "ui/tool_controller.h"

using namespace symmflow;
using namespace symmflow::ui;

namespace {

struct Fixture : ::testing::Test {
  LabelDocument doc;
  ToolController tools{&doc};
  LabelMap start;

  void SetUp() override {
    // Left half class 0, right half class 2.
    start = LabelMap(40, 30, 0);
    for (int y = 0; y < 30; ++y)
      for (int x = 20; x < 40; ++x) start.at(x, y) = 2;
    doc.reset(start, test::threeClasses());
    doc.setCurrentClass(1);
  }
  static ToolInput at(double x, double y, Qt::KeyboardModifiers m = {}) {
    ToolInput in;
    in.pos = {x, y};
    in.modifiers = m;
    in.tolerance = 1.0;
    return in;
  }
  void click(double x, double y) {
    tools.press(at(x, y));
    tools.release(at(x, y));
  }
  int count(std::uint8_t id) const {
    int n = 0;
    for (auto v : doc.labels().ids) n += v == id;
    return n;
  }
  // Undo restores the start exactly, redo the result exactly.
  void expectUndoRedoExact() {
    const LabelMap after = doc.labels();
    ASSERT_EQ(doc.undoStack()->count(), 1);
    doc.undoStack()->undo();
    EXPECT_EQ(doc.labels(), start);
    doc.undoStack()->redo();
    EXPECT_EQ(doc.labels(), after);
  }
};

}  // namespace

TEST_F(Fixture, BrushStrokeIsOneCommand) {
  tools.setTool(ToolId::Brush);
  tools.setSize(3);
  tools.press(at(5.2, 5.2));
  tools.move(at(10.2, 5.2));
  tools.move(at(15.2, 5.2));
  tools.release(at(15.2, 5.2));
  EXPECT_EQ(doc.labels().at(5, 5), 1);
  EXPECT_EQ(doc.labels().at(10, 5), 1);
  EXPECT_EQ(doc.labels().at(15, 5), 1);
  EXPECT_EQ(doc.labels().at(5, 7), 0);  // radius 1.5
  EXPECT_EQ(count(1), 3 * 13);          // a diameter-3 brush is a 3x3 square; caps add a column each
  expectUndoRedoExact();
}

TEST_F(Fixture, EraserPaintsBackgroundClass) {
  doc.setBackgroundClass(0);
  tools.setTool(ToolId::Eraser);
  tools.setSize(1);
  tools.press(at(25.5, 10.5));
  tools.move(at(29.5, 10.5));
  tools.release(at(29.5, 10.5));
  for (int x = 25; x <= 29; ++x) EXPECT_EQ(doc.labels().at(x, 10), 0);
  EXPECT_EQ(doc.labels().at(30, 10), 2);
  EXPECT_EQ(doc.currentClass(), 1);  // erasing does not change the current class
  expectUndoRedoExact();
}

TEST_F(Fixture, FillReplacesRegion) {
  tools.setTool(ToolId::Fill);
  click(30, 10);
  EXPECT_EQ(count(1), 20 * 30);
  EXPECT_EQ(count(0), 20 * 30);
  expectUndoRedoExact();
}

TEST_F(Fixture, FillRespectsLock) {
  doc.setClassLocked(2, true);
  tools.setTool(ToolId::Fill);
  click(30, 10);
  EXPECT_EQ(doc.labels(), start);
  EXPECT_EQ(doc.undoStack()->count(), 0);
}

TEST_F(Fixture, PolygonByClicksAndEnter) {
  tools.setTool(ToolId::Polygon);
  click(2, 2);
  click(12, 2);
  click(12, 12);
  click(2, 12);
  EXPECT_EQ(doc.labels(), start);  // nothing until the shape is closed
  EXPECT_FALSE(tools.currentTool()->preview().isEmpty());
  EXPECT_TRUE(tools.finish());
  EXPECT_EQ(count(1), 100);
  EXPECT_EQ(doc.labels().at(2, 2), 1);
  EXPECT_EQ(doc.labels().at(11, 11), 1);
  EXPECT_EQ(doc.labels().at(12, 12), 0);
  expectUndoRedoExact();
}

TEST_F(Fixture, PolygonClosesOnFirstVertex) {
  tools.setTool(ToolId::Polygon);
  click(2, 2);
  click(12, 2);
  click(12, 12);
  click(2.3, 2.2);              // near the first vertex
  EXPECT_EQ(count(1), 50 + 5);  // a triangle: about half of 10x10 plus the diagonal
  expectUndoRedoExact();
}

TEST_F(Fixture, LassoByDragging) {
  tools.setTool(ToolId::Polygon);
  tools.press(at(2, 2));
  for (double x = 2; x <= 12; x += 1) tools.move(at(x, 2));
  for (double y = 2; y <= 12; y += 1) tools.move(at(12, y));
  for (double x = 12; x >= 2; x -= 1) tools.move(at(x, 12));
  tools.release(at(2, 12));
  EXPECT_EQ(count(1), 100);
  expectUndoRedoExact();
}

TEST_F(Fixture, PolygonEscapeDrops) {
  tools.setTool(ToolId::Polygon);
  click(2, 2);
  click(12, 2);
  EXPECT_TRUE(tools.cancel());
  EXPECT_FALSE(tools.finish());
  EXPECT_EQ(doc.labels(), start);
}

TEST_F(Fixture, LineBetweenPressAndRelease) {
  tools.setTool(ToolId::Line);
  tools.setSize(1);
  tools.press(at(1.5, 20.5));
  tools.move(at(10.5, 20.5));
  EXPECT_EQ(doc.labels(), start);  // preview only while dragging
  EXPECT_EQ(tools.currentTool()->preview().size(), 2);
  tools.release(at(30.5, 20.5));
  for (int x = 1; x <= 30; ++x) EXPECT_EQ(doc.labels().at(x, 20), 1) << x;
  EXPECT_EQ(count(1), 30);
  expectUndoRedoExact();
}

TEST_F(Fixture, LineShiftConstrainsTo45Degrees) {
  tools.setTool(ToolId::Line);
  tools.setSize(1);
  tools.press(at(5.5, 5.5));
  tools.release(at(15.5, 6.4, Qt::ShiftModifier));  // nearly horizontal -> horizontal
  for (int x = 5; x <= 15; ++x) EXPECT_EQ(doc.labels().at(x, 5), 1) << x;
}

TEST_F(Fixture, EyedropperPicksClassWithoutEditing) {
  tools.setTool(ToolId::Eyedropper);
  click(30, 5);
  EXPECT_EQ(doc.currentClass(), 2);
  EXPECT_EQ(doc.undoStack()->count(), 0);
  // Alt+click with the brush picks too.
  tools.setTool(ToolId::Brush);
  doc.setCurrentClass(1);
  tools.press(at(3, 3, Qt::AltModifier));
  tools.release(at(3, 3, Qt::AltModifier));
  EXPECT_EQ(doc.currentClass(), 0);
  EXPECT_EQ(doc.labels(), start);
}

TEST_F(Fixture, BracketsResizeTheBrush) {
  tools.setTool(ToolId::Brush);
  tools.setSize(10);
  EXPECT_GT(tools.increaseSize(), 10);
  tools.setSize(1);
  EXPECT_EQ(tools.decreaseSize(), 1);  // never below 1
  tools.setSize(100000);
  EXPECT_EQ(tools.currentTool()->brushSize(), ToolSettings::kMaxSize);
  // The eraser keeps its own size.
  tools.setTool(ToolId::Eraser);
  tools.setSize(4);
  tools.setTool(ToolId::Brush);
  EXPECT_EQ(tools.currentTool()->brushSize(), ToolSettings::kMaxSize);
}

TEST_F(Fixture, SizesKeepTheirShareOfTheMapOnAnotherSize) {
  // The fixture's map is 40x30: the sizes below were chosen on a shorter side of 30.
  EXPECT_EQ(tools.settings().sizeReference, 30);
  tools.setTool(ToolId::Brush);
  tools.setSize(9);
  tools.setTool(ToolId::Eraser);
  tools.setSize(15);
  int shown = 0;
  QObject::connect(&tools, &ToolController::sizeChanged, [&](int s) { shown = s; });

  // A photo with a shorter side 100/3 times as long gets sizes 100/3 times as wide; the
  // spin box hears of the current tool's (the eraser's).
  doc.reset(LabelMap(1500, 1000, 0), test::threeClasses());
  EXPECT_EQ(tools.settings().brushSize, 300);
  EXPECT_EQ(tools.settings().eraserSize, 500);
  EXPECT_EQ(tools.settings().lineWidth, 100);  // 3 px
  EXPECT_EQ(shown, 500);
  EXPECT_EQ(tools.settings().sizeReference, 1000);
  // Beyond the limit, the limit.
  doc.reset(LabelMap(4000, 3000, 0), test::threeClasses());
  EXPECT_EQ(tools.settings().brushSize, ToolSettings::kMaxSize);  // 900
  EXPECT_EQ(tools.settings().eraserSize, ToolSettings::kMaxSize);

  // Within the limits the ratio is kept both ways: 9 px on 30 -> 27 on 90 -> 9 on 30.
  doc.reset(start, test::threeClasses());
  tools.setTool(ToolId::Brush);
  tools.setSize(9);
  doc.reset(LabelMap(120, 90, 0), test::threeClasses());
  EXPECT_EQ(tools.currentTool()->brushSize(), 27);
  doc.reset(LabelMap(40, 30, 0), test::threeClasses());
  EXPECT_EQ(tools.currentTool()->brushSize(), 9);
  // A reset of the same size (new classes, a photo) leaves the sizes alone.
  tools.setSize(11);
  doc.reset(LabelMap(30, 40, 0), test::threeClasses());
  EXPECT_EQ(tools.currentTool()->brushSize(), 11);

  // Settings from an older version (no reference) are taken as they are for the first map.
  tools.settings() = ToolSettings{};
  tools.fitSizesToMap();
  EXPECT_EQ(tools.settings().brushSize, ToolSettings{}.brushSize);
  EXPECT_EQ(tools.settings().sizeReference, 30);
}

TEST_F(Fixture, BrushSnapsToThePhotosEdgesWhenAsked) {
  // A photo dark left of x = 20, bright right of it (where the map's class 2 starts).
  RgbImage photo(40, 30, 25);
  for (int y = 0; y < 30; ++y)
    for (int x = 20; x < 40; ++x)
      for (int k = 0; k < 3; ++k) photo.at(x, y)[k] = 230;
  doc.reset(start, test::threeClasses(), photo);
  doc.setCurrentClass(1);
  tools.setTool(ToolId::Brush);
  tools.setSize(11);
  auto stroke = [&] {
    tools.press(at(17.2, 5.2));
    tools.move(at(17.2, 20.2));
    tools.release(at(17.2, 20.2));
  };
  tools.settings().snapToPhoto = true;
  stroke();
  const LabelMap snapped = doc.labels();
  expectUndoRedoExact();
  doc.undoStack()->undo();
  tools.settings().snapToPhoto = false;
  stroke();
  const LabelMap plain = doc.labels();
  int over = 0;
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 40; ++x) {
      if (x < 20) {
        ASSERT_EQ(snapped.at(x, y), plain.at(x, y)) << "the dark side is painted as by the plain brush";
      } else {
        ASSERT_EQ(snapped.at(x, y), 2) << "the snapped rim stopped at the edge";
        over += plain.at(x, y) == 1;
      }
    }
  EXPECT_GT(over, 0) << "the plain brush reached over the edge";
  EXPECT_GT(count(1), 0);
}

TEST_F(Fixture, FillTakesThePhotosRegionWhenSnapping) {
  // The photo is dark where x < 10, bright elsewhere; the map is class 0 left of x = 20.
  RgbImage photo(40, 30, 230);
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 10; ++x)
      for (int k = 0; k < 3; ++k) photo.at(x, y)[k] = 25;
  doc.reset(start, test::threeClasses(), photo);
  doc.setCurrentClass(1);
  tools.setTool(ToolId::Fill);
  tools.settings().snapToPhoto = true;
  click(3.5, 3.5);
  EXPECT_EQ(count(1), 10 * 30) << "the dark band only, not the map's whole class-0 region";
  expectUndoRedoExact();
  doc.undoStack()->undo();
  tools.settings().snapToPhoto = false;
  click(3.5, 3.5);
  EXPECT_EQ(count(1), 20 * 30) << "without snapping, the map's region";
}

TEST_F(Fixture, SeveralGesturesUndoInOrder) {
  tools.setTool(ToolId::Brush);
  tools.setSize(3);
  std::vector<LabelMap> states{doc.labels()};
  for (int i = 0; i < 5; ++i) {
    doc.setCurrentClass(1);
    tools.press(at(3 + 6 * i, 3));
    tools.move(at(3 + 6 * i, 25));
    tools.release(at(3 + 6 * i, 25));
    states.push_back(doc.labels());
  }
  for (int i = 5; i > 0; --i) {
    doc.undoStack()->undo();
    EXPECT_EQ(doc.labels(), states[i - 1]) << i;
  }
  for (int i = 1; i <= 5; ++i) {
    doc.undoStack()->redo();
    EXPECT_EQ(doc.labels(), states[i]) << i;
  }
}
