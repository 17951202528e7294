// SPDX-License-Identifier: MIT
// The flow as one picture in the studio: each item's previews in their cells, words by
// QPainter, and the dock's Save. The layout itself: tests/imaging/flow_strip_test.cpp.
#include <QImage>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <gtest/gtest.h>

#include "core/imaging/image_io.h"
#include "fake_backend.h"
#include "ui/flow_strip.h"
#include "ui/label_document.h"
#include "ui/main_window.h"
#include "ui/qt_image.h"
#include "ui/studio_session.h"
#include "ui/trajectory_dock.h"

namespace symmflow::ui {
namespace {

// Three points of a batch of two; item `i` at point k is a solid (40k + i, 20, 30) image,
// its map all class k % 3; only the end has an estimate (class 2).
std::vector<StepReport> threePoints() {
  std::vector<StepReport> steps(3);
  for (int k = 0; k < 3; ++k) {
    steps[k].step = k;
    steps[k].totalSteps = 2;
    steps[k].t = k / 2.0;
    steps[k].items.resize(2);
    for (int i = 0; i < 2; ++i) {
      StepPreview& p = steps[k].items[i];
      p.x = RgbImage(4, 3);
      for (int px = 0; px < 12; ++px) {
        p.x.pixels[px * 3] = static_cast<std::uint8_t>(40 * k + i);
        p.x.pixels[px * 3 + 1] = 20;
        p.x.pixels[px * 3 + 2] = 30;
      }
      p.y = LabelMap(4, 3, static_cast<std::uint8_t>(k % 3));
      if (k == 2) p.yHat = LabelMap(4, 3, 2);
    }
  }
  return steps;
}

TEST(FlowStripPicture, EachPreviewLandsInItsCellScaledToAtLeast96Pixels) {
  const ClassList classes = test::threeClasses();
  const QImage strip = flowStrip(threePoints(), 1, classes);
  // 4x3 previews scaled 24x: cells of 96x72, 3 columns and 3 rows with 4-pixel gaps, the row
  // names (34 px) on the left and the headings (20 px) on top.
  ASSERT_EQ(strip.width(), 34 + 3 * 96 + 2 * 4);
  ASSERT_EQ(strip.height(), 20 + 3 * 72 + 2 * 4);
  auto cellCentre = [](int col, int row) { return QPoint(34 + col * 100 + 48, 20 + row * 76 + 36); };
  EXPECT_EQ(strip.pixelColor(cellCentre(1, 0)), QColor(41, 20, 30)) << "x_t of item 1 at the middle point";
  EXPECT_EQ(strip.pixelColor(cellCentre(0, 0)), QColor(1, 20, 30));
  EXPECT_EQ(strip.pixelColor(cellCentre(2, 1)), classColor(classes, 2)) << "y_t at the end: class 2";
  EXPECT_EQ(strip.pixelColor(cellCentre(0, 1)), classColor(classes, 0));
  EXPECT_EQ(strip.pixelColor(cellCentre(2, 2)), classColor(classes, 2)) << "the estimate at the end";
  EXPECT_EQ(strip.pixelColor(cellCentre(0, 2)), QColor(232, 232, 232)) << "no estimate at t = 0";
  EXPECT_EQ(strip.pixelColor(QPoint(34 + 96 + 1, 100)), QColor(Qt::white)) << "the gap";
}

TEST(FlowStripPicture, WithoutEstimatesTwoRowsAndWithoutPicturesNothing) {
  auto steps = threePoints();
  steps[2].items[0].yHat = {};
  steps[2].items[1].yHat = {};
  EXPECT_EQ(flowStrip(steps, 0, test::threeClasses()).height(), 20 + 2 * 72 + 4);
  EXPECT_TRUE(flowStrip(steps, 2, test::threeClasses()).isNull()) << "no third item";
  for (auto& s : steps) s.items.clear();
  EXPECT_TRUE(flowStrip(steps, 0, test::threeClasses()).isNull());
}

TEST(FlowStripPicture, TheTrajectoryDockSavesTheShownFlowAsAPng) {
  QTemporaryDir dir;
  MainWindow w;
  w.session()->setBackend(std::make_shared<test::FakeBackend>(), "/m/fake.safetensors", "00");
  auto* dock = w.findChild<TrajectoryDock*>();
  ASSERT_NE(dock, nullptr);
  EXPECT_FALSE(dock->saveButton()->isEnabled()) << "nothing generated yet";
  w.session()->settings().steps = 4;
  ASSERT_NE(w.session()->generate(), 0u);
  ASSERT_TRUE(QTest::qWaitFor([&] { return !w.session()->results().empty(); }, 5000));
  EXPECT_TRUE(dock->saveButton()->isEnabled());
  const QString path = dir.filePath("flow.png");
  ASSERT_TRUE(dock->saveFlowPicture(path).ok());
  auto saved = imaging::loadImage(path.toStdString());
  ASSERT_TRUE(saved.ok()) << saved.error();
  const QImage expected = flowStrip(w.session()->trajectory(), 0, w.document()->classes());
  EXPECT_EQ(saved->width, expected.width());
  EXPECT_EQ(saved->height, expected.height());
  EXPECT_EQ(*saved, fromQImage(expected));
  // Without pictures: a reason, and no file.
  w.session()->settings().recordTrajectory = false;
  ASSERT_NE(w.session()->generate(), 0u);
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.session()->results().size() == 2; }, 5000));
  EXPECT_FALSE(dock->saveButton()->isEnabled());
  const Status refused = dock->saveFlowPicture(dir.filePath("none.png"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("Record the flow"), std::string::npos) << refused.error();
  EXPECT_FALSE(QFile::exists(dir.filePath("none.png")));
  w.session()->settings().recordTrajectory = true;  // settings outlive the window (test-mode QSettings)
  w.document()->markSaved();
  w.close();
}

}  // namespace
}  // namespace symmflow::ui
