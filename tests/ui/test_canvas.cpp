// SPDX-License-Identifier: MIT
// The canvas routes pointer input to the tools in map coordinates; zoom keeps the
// point under the cursor; the palette dock drives class state; the main window's
// title shows unsaved changes.
#include <QCheckBox>
#include <QFile>
#include <QHBoxLayout>
#include <QImage>
#include <QJsonObject>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSlider>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QWheelEvent>

#include <gtest/gtest.h>

#include "fake_backend.h"
#include "ui/canvas_widget.h"
#include "ui/label_document.h"
#include "ui/main_window.h"
#include "ui/model_card_dialog.h"
#include "ui/palette_dock.h"
#include "ui/raster_ops.h"
#include "ui/run_dock.h"
#include "ui/run_settings.h"
#include "ui/shortcuts_dialog.h"
#include "ui/studio_session.h"
#include "ui/tool_controller.h"
#include "ui/trajectory_dock.h"

using namespace symmflow;
using namespace symmflow::ui;

namespace {
struct CanvasFixture : ::testing::Test {
  LabelDocument doc;
  ToolController tools{&doc};
  CanvasWidget canvas{&doc, &tools};
  void SetUp() override {
    doc.reset(LabelMap(40, 30, 0), test::threeClasses());
    doc.setCurrentClass(2);
    canvas.resize(432, 332);
    canvas.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&canvas));
    canvas.fitToWindow();
  }
  QPoint at(double mx, double my) const { return canvas.toWidget(QPointF(mx, my)).toPoint(); }
};
}  // namespace

TEST_F(CanvasFixture, FitCentresTheMap) {
  EXPECT_NEAR(canvas.zoom(), 10.0, 0.01);
  EXPECT_NEAR(canvas.toMap(QPointF(216, 166)).x(), 20.0, 0.2);
}

TEST_F(CanvasFixture, BrushStrokeThroughMouseEvents) {
  tools.setTool(ToolId::Brush);
  tools.setSize(1);
  QTest::mousePress(&canvas, Qt::LeftButton, {}, at(5.5, 5.5));
  QTest::mouseMove(&canvas, at(10.5, 5.5));
  QTest::mouseRelease(&canvas, Qt::LeftButton, {}, at(15.5, 5.5));
  for (int x = 5; x <= 15; ++x) EXPECT_EQ(doc.labels().at(x, 5), 2) << x;
  EXPECT_EQ(doc.undoStack()->count(), 1);
  doc.undoStack()->undo();
  EXPECT_EQ(doc.labels(), LabelMap(40, 30, 0));
}

TEST_F(CanvasFixture, MiddleButtonPansWithoutPainting) {
  const QPointF before = canvas.toMap(QPointF(100, 100));
  QTest::mousePress(&canvas, Qt::MiddleButton, {}, QPoint(100, 100));
  QMouseEvent move(QEvent::MouseMove, QPointF(150, 120), canvas.mapToGlobal(QPointF(150, 120)), Qt::NoButton,
                   Qt::MiddleButton, Qt::NoModifier);
  QApplication::sendEvent(&canvas, &move);
  QTest::mouseRelease(&canvas, Qt::MiddleButton, {}, QPoint(150, 120));
  const QPointF after = canvas.toMap(QPointF(150, 120));
  EXPECT_NEAR(after.x(), before.x(), 0.01);
  EXPECT_NEAR(after.y(), before.y(), 0.01);
  EXPECT_EQ(doc.undoStack()->count(), 0);
}

TEST(CanvasSpace, SpaceDragPansWhileTheFocusIsInADock) {
  // The canvas beside a class list whose checkbox has the keyboard focus (a click in
  // the Classes dock): Space over the canvas still means "pan", and the list's
  // checkbox is not toggled by it.
  LabelDocument doc;  // outlives the window (its canvas uses it while closing)
  doc.reset(LabelMap(40, 30, 0), test::threeClasses());
  doc.setCurrentClass(2);
  ToolController tools(&doc);
  tools.setTool(ToolId::Brush);
  tools.setSize(3);
  QWidget window;
  auto* layout = new QHBoxLayout(&window);
  auto* canvas = new CanvasWidget(&doc, &tools, &window);
  auto* list = new QTreeWidget(&window);
  auto* row = new QTreeWidgetItem(list, {"sky"});
  row->setCheckState(0, Qt::Checked);
  list->setCurrentItem(row);
  layout->addWidget(canvas, 1);
  layout->addWidget(list);
  window.resize(700, 400);
  window.show();
  window.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&window));
  list->setFocus();
  ASSERT_TRUE(QTest::qWaitFor([&] { return list->hasFocus(); }, 2000));
  canvas->fitToWindow();

  const QPoint start = canvas->toWidget(QPointF(10, 10)).toPoint();
  const QPoint end = start + QPoint(60, 40);
  QTest::mouseMove(canvas, start);  // the pointer is over the canvas
  QTest::keyPress(list, Qt::Key_Space);
  const QPointF before = canvas->toMap(start);
  QTest::mousePress(canvas, Qt::LeftButton, {}, start);
  QMouseEvent move(QEvent::MouseMove, QPointF(end), canvas->mapToGlobal(QPointF(end)), Qt::NoButton, Qt::LeftButton,
                   Qt::NoModifier);
  QApplication::sendEvent(canvas, &move);
  QTest::mouseRelease(canvas, Qt::LeftButton, {}, end);
  QTest::keyRelease(list, Qt::Key_Space);
  EXPECT_EQ(doc.labels(), LabelMap(40, 30, 0));  // nothing painted
  EXPECT_EQ(doc.undoStack()->count(), 0);
  const QPointF after = canvas->toMap(end);  // the map moved with the pointer
  EXPECT_NEAR(after.x(), before.x(), 0.01);
  EXPECT_NEAR(after.y(), before.y(), 0.01);
  EXPECT_EQ(row->checkState(0), Qt::Checked);

  // Space released: the same drag paints.
  QTest::mousePress(canvas, Qt::LeftButton, {}, start);
  QTest::mouseRelease(canvas, Qt::LeftButton, {}, start);
  EXPECT_EQ(doc.undoStack()->count(), 1);
  // With the pointer elsewhere, Space belongs to the focused list again.
  QEvent leave(QEvent::Leave);
  QApplication::sendEvent(canvas, &leave);
  QTest::keyClick(list, Qt::Key_Space);
  EXPECT_EQ(row->checkState(0), Qt::Unchecked);
}

TEST_F(CanvasFixture, WheelZoomKeepsThePointUnderTheCursor) {
  const QPointF cursor(123, 77);
  const QPointF mapBefore = canvas.toMap(cursor);
  QWheelEvent wheel(cursor, canvas.mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                    Qt::NoScrollPhase, false);
  QApplication::sendEvent(&canvas, &wheel);
  EXPECT_GT(canvas.zoom(), 10.0);
  const QPointF mapAfter = canvas.toMap(cursor);
  EXPECT_NEAR(mapAfter.x(), mapBefore.x(), 1e-6);
  EXPECT_NEAR(mapAfter.y(), mapBefore.y(), 1e-6);
  canvas.actualSize();
  EXPECT_DOUBLE_EQ(canvas.zoom(), 1.0);
}

TEST_F(CanvasFixture, RendersWithEveryOverlay) {
  doc.setReferenceLabels(LabelMap(40, 30, 1));
  canvas.setShowDiff(true);
  canvas.setUncertainty(std::vector<float>(40 * 30, 0.5f), 40, 30);
  canvas.setShowUncertainty(true);
  canvas.setZoom(12.0, QPointF(10, 10));  // pixel grid on
  const QImage shot = canvas.grab().toImage();
  EXPECT_FALSE(shot.isNull());
}

// "Show changed pixels" outlines each changed region; inside it the painted class stays visible.
TEST_F(CanvasFixture, ChangesOverlayOutlinesTheEditAndKeepsItsInsideVisible) {
  doc.setReferenceLabels(doc.labels());
  doc.beginGesture("Fill");
  doc.touch(raster::polygonFill(doc.mutableLabels(), QPolygonF({{10, 10}, {20, 10}, {20, 20}, {10, 20}}), 2));
  doc.endGesture();
  canvas.setShowDiff(true);
  const QImage with = canvas.grab().toImage();
  canvas.setShowDiff(false);
  const QImage without = canvas.grab().toImage();
  const double dpr = with.devicePixelRatio();
  const auto px = [&](const QImage& img, double mx, double my) {
    return img.pixel((canvas.toWidget(QPointF(mx, my)) * dpr).toPoint());
  };
  EXPECT_EQ(px(with, 15.5, 15.5), px(without, 15.5, 15.5)) << "the inside shows the painted class";
  EXPECT_NE(px(with, 10.5, 15.5), px(without, 10.5, 15.5)) << "the border is marked";
  EXPECT_NE(px(with, 15.5, 19.5), px(without, 15.5, 19.5));
  EXPECT_EQ(px(with, 5.5, 5.5), px(without, 5.5, 5.5)) << "unchanged pixels are left alone";
}

TEST(PaletteDock, RowsDriveClassState) {
  LabelDocument doc;
  doc.reset(LabelMap(10, 10, 0), test::threeClasses());
  PaletteDock dock(&doc);
  QTreeWidget* tree = dock.tree();
  ASSERT_EQ(tree->topLevelItemCount(), 3);
  tree->setCurrentItem(tree->topLevelItem(2));
  EXPECT_EQ(doc.currentClass(), 2);
  tree->topLevelItem(1)->setCheckState(PaletteDock::kColLocked, Qt::Checked);
  EXPECT_TRUE(doc.isClassLocked(1));
  tree->topLevelItem(0)->setCheckState(PaletteDock::kColVisible, Qt::Unchecked);
  EXPECT_FALSE(doc.isClassVisible(0));
  doc.setCurrentClass(0);
  EXPECT_EQ(tree->currentItem(), tree->topLevelItem(0));
}

TEST(MainWindowSmoke, TitleShowsUnsavedChangesAndTrajectoryPlots) {
  MainWindow w;
  auto fake = std::make_shared<test::FakeBackend>();
  w.session()->setBackend(fake, "/m/fake.safetensors", "00");
  w.show();
  EXPECT_FALSE(w.isWindowModified());
  EXPECT_TRUE(w.windowTitle().contains("[*]"));
  LabelDocument* doc = w.document();
  doc->beginGesture("Brush");
  doc->touch(raster::dab(doc->mutableLabels(), {5.5, 5.5}, 5, 2));
  doc->endGesture();
  EXPECT_TRUE(w.isWindowModified());
  doc->undoStack()->undo();
  EXPECT_FALSE(w.isWindowModified());
  w.session()->settings().steps = 4;
  w.session()->settings().recordTrajectory = true;  // whatever an earlier test left in the settings
  w.session()->generate();
  ASSERT_TRUE(QTest::qWaitFor([&] { return !w.session()->results().empty(); }, 5000));
  auto* traj = w.findChild<TrajectoryDock*>();
  ASSERT_NE(traj, nullptr);
  EXPECT_GE(traj->graphCount(), 3);         // velocities (2), coverage (per class), confidence
  EXPECT_EQ(traj->slider()->maximum(), 4);  // t = 0 and the 4 steps
  // The end shows the estimate evaluated on the result, and says so.
  EXPECT_EQ(traj->slider()->value(), 4);
  EXPECT_TRUE(traj->estimateTitle().contains("of the result")) << traj->estimateTitle().toStdString();
  EXPECT_TRUE(traj->showsEstimate());
  // The fake's map at t = 0 is all class 0, its estimate at the end (step 4) all class 1.
  ASSERT_TRUE(traj->readBack().has_value());
  EXPECT_DOUBLE_EQ(*traj->readBack(), 0.0);
  traj->slider()->setValue(0);
  EXPECT_FALSE(traj->estimateTitle().contains("of the result"));
  EXPECT_TRUE(traj->showsEstimate());
  EXPECT_FALSE(traj->readBack().has_value()) << "said at the end only";
  w.session()->cancel();
  doc->markSaved();  // close without the save prompt
  w.close();
}

TEST(RunDock, ProgressBarSaysHowTheRunEnded) {
  MainWindow w;
  auto* dock = w.findChild<RunDock*>();
  ASSERT_NE(dock, nullptr);
  auto* bar = dock->findChild<QProgressBar*>();
  ASSERT_NE(bar, nullptr);
  const std::pair<QString, QString> cases[] = {{"Failed: 'a.gif' is a GIF image", "Failed"},
                                               {"Cancelled.", "Cancelled"},
                                               {"Generated 1 image in 0.5 s on cpu.", "Done"}};
  for (const auto& [summary, shown] : cases) {
    Q_EMIT w.session()->runFinished(summary);
    EXPECT_EQ(bar->format().toStdString(), shown.toStdString());
    EXPECT_EQ(bar->value(), shown == "Done" ? bar->maximum() : bar->minimum()) << summary.toStdString();
  }
}

TEST(RunDock, RecordTheFlowOffKeepsNoPicturesAndIsRemembered) {
  MainWindow w;
  w.session()->setBackend(std::make_shared<test::FakeBackend>(), "/m/fake.safetensors", "00");
  auto* dock = w.findChild<RunDock*>();
  ASSERT_NE(dock, nullptr);
  QCheckBox* record = nullptr;
  for (auto* box : dock->findChildren<QCheckBox*>())
    if (box->text() == "Record the flow") record = box;
  ASSERT_NE(record, nullptr);
  EXPECT_TRUE(RunSettings().recordTrajectory) << "on by default";
  record->setChecked(true);
  EXPECT_TRUE(w.session()->settings().recordTrajectory);
  record->setChecked(false);
  EXPECT_FALSE(w.session()->settings().recordTrajectory);
  // Saved with the settings and projects; a file from before the switch records.
  EXPECT_FALSE(RunSettings::fromJson(w.session()->settings().toJson()).recordTrajectory);
  EXPECT_TRUE(RunSettings::fromJson(QJsonObject()).recordTrajectory);

  w.session()->settings().steps = 4;
  ASSERT_NE(w.session()->generate(), 0u);
  ASSERT_TRUE(QTest::qWaitFor([&] { return !w.session()->results().empty(); }, 5000));
  EXPECT_LT(w.session()->results().back().provenance.readBack, 0.0) << "not read back";
  auto* traj = w.findChild<TrajectoryDock*>();
  ASSERT_NE(traj, nullptr);
  EXPECT_EQ(traj->slider()->maximum(), 4) << "the points are there, for the velocity plot";
  EXPECT_FALSE(traj->showsEstimate());
  EXPECT_FALSE(traj->estimateTitle().contains("of the result")) << "nothing was evaluated there";
  EXPECT_FALSE(traj->readBack().has_value());
  // A project opened later says what it recorded.
  w.session()->settings().recordTrajectory = true;
  Q_EMIT w.session()->settingsChanged();
  EXPECT_TRUE(record->isChecked());
  w.document()->markSaved();
  w.close();
}

TEST(ModelCard, RecordedEvaluationsBecomeTablesAndEveryStringIsEscaped) {
  ModelInfo info;
  info.name = "street <b>model</b>";
  info.config.imageWidth = 32;
  info.config.imageHeight = 24;
  info.config.numClasses = 3;
  info.classes = test::threeClasses();
  info.metricsJson = R"({"eval_steps25": {"steps": 25, "draws": 1, "items": 9, "data": "v.safetensors",
                          "miou": 0.25, "pixel_accuracy": 0.5, "solver": "euler",
                          "per_class_iou": {"sky": 0.9, "road": 0.125}},
                         "eval_steps1_draws4": {"steps": 1, "draws": 4, "items": 9, "data": "v.safetensors",
                          "miou": 0.53088, "pixel_accuracy": 0.82, "per_class_iou": {"sky": 0.95}},
                         "val_miou": 0.4271})";
  info.recipeJson = R"({"lr": 0.0006, "crop": [96, 128], "note": "<script>"})";
  info.trainedJson = R"({"seconds": 543.0, "steps": 3406})";
  const QString html = modelCardHtml(info, "ab12", "cpu");
  // One row per evaluation, fewest steps first, scores to three decimals.
  const int oneStep = html.indexOf("1 step, 4 draws"), many = html.indexOf("25 steps (euler)");
  ASSERT_GE(oneStep, 0);
  ASSERT_GE(many, 0);
  EXPECT_LT(oneStep, many);
  EXPECT_TRUE(html.contains("0.531"));
  EXPECT_FALSE(html.contains("0.53088")) << "scores are rounded";
  // Per-class IoU: a class an evaluation did not record shows a dash, never a made-up number.
  const int treeRow = html.lastIndexOf(">tree</td>");  // its row in the IoU table
  ASSERT_GE(treeRow, 0);
  EXPECT_TRUE(html.mid(treeRow, 120).contains(QStringLiteral("–")));
  EXPECT_TRUE(html.contains("0.125"));
  EXPECT_TRUE(html.contains("0.4271")) << "the trainer's own figures are kept";
  EXPECT_TRUE(html.contains("543 s (9.1 min)"));
  EXPECT_TRUE(html.contains("96, 128"));
  EXPECT_FALSE(html.contains("<script>"));
  EXPECT_FALSE(html.contains("<b>model</b>"));
  EXPECT_TRUE(html.contains("&lt;script&gt;"));

  // Metadata that is not a JSON object is shown as recorded (escaped), not dropped.
  info.metricsJson = "not json <i>";
  info.recipeJson.clear();
  const QString raw = modelCardHtml(info, "", "cpu");
  EXPECT_TRUE(raw.contains("not json &lt;i&gt;"));
  EXPECT_TRUE(raw.contains("(not recorded)"));
}

TEST(ModelCard, DialogShowsTheWrittenCardBesideTheModelFile) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  ModelInfo info;
  info.name = "street";
  info.path = dir.filePath("street.safetensors").toStdString();
  info.config.imageWidth = 32;
  info.config.imageHeight = 24;
  info.config.numClasses = 3;
  info.classes = test::threeClasses();
  {
    ModelCardDialog d(info, "", "cpu");
    EXPECT_EQ(d.findChild<QTabWidget*>()->count(), 1) << "no card beside the file: only what the file records";
    EXPECT_TRUE(modelCardMarkdownPath(info).isEmpty());
  }
  QImage samples(4, 4, QImage::Format_RGB32);
  samples.fill(Qt::red);
  ASSERT_TRUE(samples.save(dir.filePath("street-samples.png")));
  auto writeCard = [&](const QByteArray& text) {
    QFile f(dir.filePath("street.md"));
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(text);
  };
  writeCard("# Street model\n\n| steps | mIoU |\n|---|---|\n| 1 | 0.511 |\n\n![samples](street-samples.png)\n");
  EXPECT_EQ(modelCardMarkdownPath(info), dir.filePath("street.md"));
  {
    ModelCardDialog d(info, "", "cpu");
    EXPECT_EQ(d.findChild<QTabWidget*>()->count(), 2);
    auto* card = d.findChild<QTextBrowser*>("writtenCard");
    ASSERT_NE(card, nullptr);
    EXPECT_TRUE(card->toPlainText().contains("Street model"));
    EXPECT_TRUE(card->toPlainText().contains("0.511")) << "Markdown tables are rendered";
    // The sample picture is found beside the card.
    EXPECT_TRUE(card->loadResource(QTextDocument::ImageResource, QUrl("street-samples.png")).isValid());
  }
  writeCard(QByteArray(ModelCardDialog::kMaxCardBytes + 1, 'x'));
  ModelCardDialog d(info, "", "cpu");
  EXPECT_EQ(d.findChild<QTabWidget*>()->count(), 1) << "a file too large to be a card is not read";
}

// Help ▸ Keyboard shortcuts is read from the menus: what is bound is what is listed.
TEST(ShortcutsDialog, ListsTheMenusBindingsAndTheCanvasGestures) {
  MainWindow w;
  ShortcutsDialog dlg(w.menuBar());
  QStringList rows;
  QTreeWidget* tree = dlg.tree();
  for (int g = 0; g < tree->topLevelItemCount(); ++g)
    for (int i = 0; i < tree->topLevelItem(g)->childCount(); ++i)
      rows << tree->topLevelItem(g)->text(0) + " | " + tree->topLevelItem(g)->child(i)->text(0) + " | " +
                  tree->topLevelItem(g)->child(i)->text(1);
  const QString all = rows.join('\n');
  EXPECT_TRUE(all.contains(QKeySequence(Qt::CTRL | Qt::Key_Y).toString(QKeySequence::NativeText))) << all.toStdString();
  EXPECT_TRUE(all.contains("Run | Generate | ")) << all.toStdString();
  EXPECT_TRUE(all.contains("Canvas | Pan | ")) << all.toStdString();
  w.document()->reset(LabelMap(10, 10, 0), test::threeClasses());
  w.document()->beginGesture("Brush");
  w.document()->mutableLabels().at(0, 0) = 1;
  w.document()->touch(QRect(0, 0, 1, 1));
  w.document()->endGesture();
  ASSERT_TRUE(w.document()->isModified());
  ShortcutsDialog after(w.menuBar());
  EXPECT_EQ(after.tree()->findItems("Undo", Qt::MatchExactly | Qt::MatchRecursive).size(), 1)
      << "the command, not the step it would undo";
  for (const QString& r : rows) EXPECT_FALSE(r.endsWith(" | ")) << r.toStdString() << ": a row without keys";
}
