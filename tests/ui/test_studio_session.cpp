// SPDX-License-Identifier: MIT
// Workflows of the session with the fake backend: generate, variations, photo
// segmentation, apply edit, mask import, project snapshot/restore.
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <gtest/gtest.h>

#include "core/imaging/image_io.h"
#include "core/imaging/mask_io.h"
#include "fake_backend.h"
#include "ui/label_document.h"
#include "ui/project_file.h"
#include "ui/raster_ops.h"
#include "ui/studio_session.h"

using namespace symmflow;
using namespace symmflow::ui;

namespace {

struct SessionFixture : ::testing::Test {
  LabelDocument doc;
  StudioSession session{&doc};
  std::shared_ptr<test::FakeBackend> fake = std::make_shared<test::FakeBackend>(32, 24, 1);
  QTemporaryDir dir;

  void SetUp() override { session.setBackend(fake, "/models/fake.safetensors", "cafe"); }

  bool waitIdle(int ms = 5000) {
    return QTest::qWaitFor([&] { return !session.isBusy(); }, ms) && (QTest::qWait(20), true);
  }

  // A 64x48 photo: left half dark (class 1 for the fake), right half grey (class 0).
  QString writePhoto() {
    RgbImage img(64, 48, 150);
    for (int y = 0; y < 48; ++y)
      for (int x = 0; x < 32; ++x) img.at(x, y)[0] = img.at(x, y)[1] = img.at(x, y)[2] = 20;
    const QString path = dir.filePath("photo.png");
    EXPECT_TRUE(imaging::savePng(img, path.toStdString()).ok());
    return path;
  }
};

}  // namespace

TEST_F(SessionFixture, NewMapHasTheModelsLabelSize) {
  EXPECT_EQ(doc.width(), 32);
  EXPECT_EQ(doc.height(), 24);
  EXPECT_EQ(doc.classes().size(), 3);
  session.newMap(2);
  EXPECT_EQ(doc.labels(), LabelMap(32, 24, 2));
  EXPECT_EQ(doc.backgroundClass(), 2);
}

TEST_F(SessionFixture, ReadBackIsMeasuredFromTheRunsEndsWhenPreviewsAreRecorded) {
  // 3 steps: the fake's estimate at the end, class (3 + i) % 3, is each variation's map.
  session.settings().steps = 3;
  session.settings().variations = 2;
  QSignalSpy finished(&session, &StudioSession::runFinished);
  ASSERT_NE(session.generate(), 0u);
  ASSERT_TRUE(finished.wait(5000));
  ASSERT_EQ(session.results().size(), 2u);
  for (const auto& r : session.results()) EXPECT_DOUBLE_EQ(r.provenance.readBack, 1.0);
  EXPECT_EQ(readBackShare(session.trajectory(), 1, doc.classes()), 1.0);
  EXPECT_FALSE(readBackShare(session.trajectory(), 2, doc.classes())) << "no third variation";
  // Without previews nothing is measured.
  session.settings().recordTrajectory = false;
  ASSERT_NE(session.generate(), 0u);
  ASSERT_TRUE(finished.wait(5000));
  EXPECT_LT(session.results().back().provenance.readBack, 0.0);
}

TEST_F(SessionFixture, GenerateVariationsWithProvenance) {
  session.settings().seed = 10;
  session.settings().steps = 4;
  session.settings().variations = 3;
  QSignalSpy finished(&session, &StudioSession::runFinished);
  ASSERT_NE(session.generate(), 0u);
  ASSERT_TRUE(finished.wait(5000));
  ASSERT_EQ(session.results().size(), 3u);
  EXPECT_EQ(session.batchStart(), 0);
  for (int i = 0; i < 3; ++i) {
    const auto& p = session.results()[i].provenance;
    EXPECT_EQ(p.seed, 10u + i);
    EXPECT_EQ(p.steps, 4);
    EXPECT_EQ(p.solver, "euler");
    EXPECT_EQ(p.modelSha256, "cafe");
    EXPECT_EQ(p.labelsSha256, labelMapHash(doc.labels()));
    // The fake's estimate at the end of 4 steps is class (4 + i) % 3, its map at t = 0 class i.
    EXPECT_DOUBLE_EQ(p.readBack, 0.0);
  }
  // The start and the end of 4 steps, previews of every variation for the trajectory dock.
  ASSERT_EQ(session.trajectory().size(), 5u);
  EXPECT_EQ(session.trajectory()[0].items.size(), 3u);
  EXPECT_FALSE(session.trajectory()[0].items[2].x.empty());
  // Same inputs, same image.
  const RgbImage first = session.results()[0].image;
  session.settings().variations = 1;
  session.generate();
  ASSERT_TRUE(finished.wait(5000));
  EXPECT_EQ(session.results().back().image, first);
}

// The trajectory dock shows the flow of the selected result, and a generation's flow as it runs.
TEST_F(SessionFixture, TrajectoryFollowsTheSelectedResultAndTheRunningGeneration) {
  QSignalSpy finished(&session, &StudioSession::runFinished);
  session.settings().steps = 4;
  ASSERT_NE(session.generate(), 0u);
  ASSERT_TRUE(finished.wait(5000));
  session.settings().steps = 6;
  fake->stepDelayMs = 30;
  std::vector<std::size_t> sizes;
  QObject::connect(&session, &StudioSession::trajectoryChanged, [&] { sizes.push_back(session.trajectory().size()); });
  ASSERT_NE(session.generate(), 0u);
  ASSERT_TRUE(finished.wait(5000));
  // Live: emptied at the start, then one point more at a time (t = 0 first), before the
  // result arrived.
  ASSERT_GE(sizes.size(), 8u);
  EXPECT_EQ(sizes.front(), 0u);
  for (std::size_t k = 1; k <= 7; ++k) EXPECT_EQ(sizes[k], k);
  ASSERT_EQ(session.results().size(), 2u);
  ASSERT_EQ(session.trajectory().size(), 7u);
  EXPECT_EQ(session.trajectory().front().t, 0.0);
  EXPECT_EQ(session.trajectory().back().t, 1.0);
  session.setCurrentResult(0);
  EXPECT_EQ(session.trajectory().size(), 5u) << "the first result's own flow";
  EXPECT_EQ(session.trajectoryCaption(), "generate · seed 1");
  session.setCurrentResult(1);
  EXPECT_EQ(session.trajectory().size(), 7u);
  // A cancelled run leaves the selected result's flow, not its partial one.
  fake->stepDelayMs = 200;
  ASSERT_NE(session.generate(), 0u);
  ASSERT_TRUE(QTest::qWaitFor([&] { return session.trajectory().size() == 1; }, 5000));
  session.cancel();
  ASSERT_TRUE(waitIdle());
  EXPECT_EQ(session.trajectory().size(), 7u);
}

// Each variation of a batch shows its own flow, not the first one's.
TEST_F(SessionFixture, EachVariationShowsItsOwnFlow) {
  QSignalSpy finished(&session, &StudioSession::runFinished);
  session.settings().steps = 3;
  session.settings().seed = 20;
  session.settings().variations = 3;
  ASSERT_NE(session.generate(), 0u);
  ASSERT_TRUE(finished.wait(5000));
  ASSERT_EQ(session.results().size(), 3u);
  for (int v = 0; v < 3; ++v) {
    session.setCurrentResult(v);
    EXPECT_EQ(session.trajectoryItem(), v);
    ASSERT_EQ(session.trajectory().size(), 4u);
    // The fake tells items apart by their label state: (point + item) % 3.
    EXPECT_EQ(session.trajectory()[1].items[static_cast<std::size_t>(v)].y.at(0, 0), (1 + v) % 3);
  }
  EXPECT_EQ(session.trajectoryCaption(), "generate · seed 22 (variation 3 of its batch)");
}

// A reopened project exports each result with the map that made it, not the map as it is now.
TEST_F(SessionFixture, ProjectsKeepEachResultsOwnMap) {
  QSignalSpy finished(&session, &StudioSession::runFinished);
  session.settings().steps = 2;
  ASSERT_NE(session.generate(), 0u);
  ASSERT_TRUE(finished.wait(5000));
  const LabelMap made = session.results().back().labels;
  doc.beginGesture("Fill");
  doc.touch(raster::polygonFill(doc.mutableLabels(), QPolygonF({{0, 0}, {16, 0}, {16, 16}, {0, 16}}), 2));
  doc.endGesture();
  ASSERT_FALSE(doc.labels() == made);
  const QString path = dir.filePath("p.symmflow");
  ASSERT_TRUE(saveProject(session.snapshot(), path).ok());
  auto loaded = loadProject(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  session.restore(loaded.value());
  ASSERT_EQ(session.results().size(), 1u);
  EXPECT_EQ(session.results()[0].labels, made);
  EXPECT_TRUE(session.trajectory().empty());
  EXPECT_TRUE(session.trajectoryCaption().contains("not kept")) << session.trajectoryCaption().toStdString();
}

// Re-roll changed draws its own seed for the edited region; the user's seed stays as set.
TEST_F(SessionFixture, RerollLeavesTheSeedSettingAlone) {
  ASSERT_TRUE(session.openPhoto(writePhoto()).ok());
  ASSERT_TRUE(QTest::qWaitFor([&] { return doc.width() == 64; }, 5000));
  doc.beginGesture("Fill");
  doc.touch(raster::polygonFill(doc.mutableLabels(), QPolygonF({{48, 0}, {64, 0}, {64, 16}, {48, 16}}), 2));
  doc.endGesture();
  session.settings().seed = 7;
  QSignalSpy applied(&session, &StudioSession::editApplied);
  ASSERT_NE(session.applyEdit(true), 0u);
  ASSERT_TRUE(applied.wait(5000));
  EXPECT_EQ(session.settings().seed, 7u);
  EXPECT_EQ(session.results().back().provenance.kind, "edit-reroll");
  EXPECT_NE(session.results().back().provenance.seed, 7u) << "fresh noise in the changed region";
}

TEST_F(SessionFixture, LivePreviewAfterChanges) {
  session.settings().livePreview = true;
  session.settings().previewDelayMs = 10;
  QSignalSpy preview(&session, &StudioSession::previewChanged);
  doc.beginGesture("Brush");
  doc.touch(raster::dab(doc.mutableLabels(), {5.5, 5.5}, 5, 2));
  doc.endGesture();
  ASSERT_TRUE(preview.wait(5000));
  EXPECT_FALSE(session.previewImage().empty());
  EXPECT_TRUE(session.results().empty());  // previews are not results
  // The caption names a smaller companion model when one renders the previews.
  EXPECT_TRUE(session.previewModelName().isEmpty());
  fake->previewModelPath = "/models/fake-small.safetensors";
  EXPECT_EQ(session.previewModelName(), QStringLiteral("fake-small"));
}

TEST_F(SessionFixture, OpenPhotoSegmentsAtThePhotosSize) {
  const QString path = writePhoto();
  QSignalSpy segmented(&session, &StudioSession::photoSegmented);
  ASSERT_TRUE(session.openPhoto(path).ok());
  ASSERT_TRUE(segmented.wait(5000));
  EXPECT_EQ(doc.width(), 64);
  EXPECT_EQ(doc.height(), 48);
  EXPECT_TRUE(doc.hasPhoto());
  EXPECT_EQ(doc.labels().at(5, 20), 1);
  EXPECT_EQ(doc.labels().at(60, 20), 0);
  EXPECT_EQ(doc.referenceLabels(), doc.labels());
  EXPECT_EQ(session.uncertainty().size(), 64u * 48u);
  EXPECT_FALSE(doc.isModified());
}

// While a photo is segmented the session says so; a new map started meanwhile wins, and the
// segmentation never replaces it, whether it was still running (slow) or its result was
// already on its way to the GUI thread (instant).
TEST_F(SessionFixture, ANewMapStartedDuringASegmentationIsNeverReplacedByIt) {
  const QString path = writePhoto();
  for (const int delayMs : {0, 150}) {
    SCOPED_TRACE(delayMs);
    fake->stepDelayMs = delayMs;
    QSignalSpy changed(&session, &StudioSession::segmentingPhotoChanged);
    QSignalSpy segmented(&session, &StudioSession::photoSegmented);
    ASSERT_TRUE(session.openPhoto(path).ok());
    EXPECT_TRUE(session.isSegmentingPhoto());
    EXPECT_EQ(session.segmentingPhotoName(), "photo.png");
    if (delayMs == 0) QThread::msleep(100);  // the worker is done; its result waits in the queue
    session.newMap(2);
    EXPECT_FALSE(session.isSegmentingPhoto());
    ASSERT_TRUE(waitIdle());
    QTest::qWait(50);
    EXPECT_EQ(segmented.count(), 0);
    EXPECT_FALSE(doc.hasPhoto());
    EXPECT_EQ(doc.labels(), LabelMap(32, 24, 2));
    ASSERT_EQ(changed.count(), 2);
    EXPECT_TRUE(changed.at(0).at(0).toBool());
    EXPECT_FALSE(changed.at(1).at(0).toBool());
  }
  // Undisturbed, the segmentation ends the state before its map arrives.
  fake->stepDelayMs = 0;
  QSignalSpy segmented(&session, &StudioSession::photoSegmented);
  bool segmentingWhenApplied = true;
  QObject::connect(&doc, &LabelDocument::documentReset, &session,
                   [&] { segmentingWhenApplied = session.isSegmentingPhoto(); });
  ASSERT_TRUE(session.openPhoto(path).ok());
  ASSERT_TRUE(segmented.wait(5000));
  EXPECT_FALSE(session.isSegmentingPhoto());
  EXPECT_FALSE(segmentingWhenApplied);
  EXPECT_TRUE(doc.hasPhoto());
}

// A project of a photo brings its segmentation's uncertainty back (the overlay works again).
TEST_F(SessionFixture, ProjectKeepsThePhotosUncertainty) {
  QSignalSpy segmented(&session, &StudioSession::photoSegmented);
  ASSERT_TRUE(session.openPhoto(writePhoto()).ok());
  ASSERT_TRUE(segmented.wait(5000));
  const std::vector<float> before = session.uncertainty();
  ASSERT_EQ(before.size(), 64u * 48u);
  const QString path = dir.filePath("u.symmflow");
  ASSERT_TRUE(saveProject(session.snapshot(), path).ok());
  session.newMap(0);
  ASSERT_TRUE(session.uncertainty().empty());
  session.restore(loadProject(path).value());
  ASSERT_EQ(session.uncertainty().size(), before.size());
  for (std::size_t i = 0; i < before.size(); ++i) EXPECT_NEAR(session.uncertainty()[i], before[i], 0.5f / 255) << i;
}

TEST_F(SessionFixture, ApplyEditKeepsUneditedPixelsExactly) {
  ASSERT_TRUE(session.openPhoto(writePhoto()).ok());
  ASSERT_TRUE(QTest::qWaitFor([&] { return doc.width() == 64; }, 5000));
  // Nothing changed yet: refused with a message.
  QSignalSpy errors(&session, &StudioSession::errorOccurred);
  EXPECT_EQ(session.applyEdit(), 0u);
  EXPECT_EQ(errors.count(), 1);
  // Paint class 2 in the top-right corner.
  doc.beginGesture("Fill");
  doc.touch(raster::polygonFill(doc.mutableLabels(), QPolygonF({{48, 0}, {64, 0}, {64, 16}, {48, 16}}), 2));
  doc.endGesture();
  QSignalSpy applied(&session, &StudioSession::editApplied);
  ASSERT_NE(session.applyEdit(), 0u);
  ASSERT_TRUE(applied.wait(5000));
  const ResultEntry& r = session.results().back();
  ASSERT_EQ(r.image.width, 64);
  ASSERT_EQ(r.image.height, 48);
  EXPECT_EQ(r.provenance.kind, "edit");
  // Far from the edit: the camera's pixels, byte for byte.
  for (int y = 30; y < 48; ++y)
    for (int x = 0; x < 30; ++x)
      for (int k = 0; k < 3; ++k) ASSERT_EQ(r.image.at(x, y)[k], doc.photo().at(x, y)[k]) << x << "," << y;
  // Inside the edit: the regenerated (white for class 2 in the fake) image.
  EXPECT_EQ(r.image.at(58, 4)[0], 255);
  // The trajectory is the edit's flow from t = 0 to 1 (3 steps), not the inversion's before it.
  ASSERT_EQ(session.trajectory().size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(session.trajectory()[k].step, static_cast<int>(k));
  // Only the user's change reached the engine.
  ASSERT_FALSE(fake->lastEdited.empty());
  EXPECT_EQ(fake->lastEdited.at(28, 2), 2);
  EXPECT_EQ(fake->lastEdited.at(2, 20), 1);
}

TEST_F(SessionFixture, MalformedMaskIsReportedAndChangesNothing) {
  const LabelMap before = doc.labels();
  QFile f(dir.filePath("bad.png"));
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write("\x89PNG\r\n\x1a\n this is not really a png");
  f.close();
  auto r = session.readMask(dir.filePath("bad.png"), {});
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.error().empty());
  EXPECT_EQ(doc.labels(), before);
  EXPECT_EQ(doc.undoStack()->count(), 0);
}

TEST_F(SessionFixture, ColourMaskImportIsReportedAndUndoable) {
  // A colour mask with the class colours plus one unknown colour.
  RgbImage m(32, 24);
  for (int y = 0; y < 24; ++y)
    for (int x = 0; x < 32; ++x) {
      const Rgb c = x < 16 ? Rgb{128, 64, 128} : Rgb{128, 128, 0};
      std::copy(c.begin(), c.end(), m.at(x, y));
    }
  m.at(0, 0)[0] = 120;  // off-palette, nearest is road
  const QString path = dir.filePath("mask.png");
  ASSERT_TRUE(imaging::savePng(m, path.toStdString()).ok());
  auto r = session.readMask(path, {});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->second.encoding, imaging::MaskReport::Encoding::Color);
  EXPECT_EQ(r->second.offPalettePixels, 1);
  EXPECT_FALSE(r->second.summary().empty());
  const LabelMap before = doc.labels();
  session.applyImportedMask(r->first, path);
  EXPECT_EQ(doc.labels().at(0, 0), 1);
  EXPECT_EQ(doc.labels().at(20, 0), 2);
  doc.undoStack()->undo();
  EXPECT_EQ(doc.labels(), before);
}

TEST_F(SessionFixture, SnapshotRestoreRoundTrip) {
  session.settings().steps = 7;
  session.generate();
  ASSERT_TRUE(waitIdle());
  doc.setClassLocked(2, true);
  const ProjectData p = session.snapshot();
  const LabelMap labels = doc.labels();
  session.newMap(1);
  session.settings().steps = 3;
  session.restore(p);
  EXPECT_EQ(doc.labels(), labels);
  EXPECT_TRUE(doc.isClassLocked(2));
  EXPECT_EQ(session.settings().steps, 7);
  EXPECT_EQ(session.results().size(), 1u);
  EXPECT_FALSE(doc.isModified());
  session.restore(p, /*recovered=*/true);
  EXPECT_TRUE(doc.isModified());
}

TEST_F(SessionFixture, CancelStopsARun) {
  fake->stepDelayMs = 50;
  session.settings().steps = 200;
  QSignalSpy finished(&session, &StudioSession::runFinished);
  session.generate();
  QTest::qWait(120);
  session.cancel();
  ASSERT_TRUE(finished.wait(5000));
  EXPECT_TRUE(finished.last().at(0).toString().contains("Cancel"));
  EXPECT_TRUE(session.results().empty());
}

TEST_F(SessionFixture, ImageLevelModelGeneratesFromTheCurrentClass) {
  auto level = std::make_shared<test::FakeBackend>(8, 8, 0);
  session.setBackend(level, "/m/l.safetensors", "x");
  ASSERT_EQ(doc.width(), 1);
  doc.setCurrentClass(2);
  EXPECT_EQ(doc.labels().ids[0], 2);  // the one-pixel map follows the picked class
  EXPECT_EQ(doc.currentClass(), 2);
  session.generate();
  ASSERT_TRUE(waitIdle());
  ASSERT_EQ(session.results().size(), 1u);
  // The fake paints the class colour: tree (128, 128, 0) shifted by the seed.
  const RgbImage& img = session.results()[0].image;
  EXPECT_EQ(img.at(0, 0)[2], (0 + 1 * 3) % 256);
}

TEST_F(SessionFixture, MalformedPhotoIsReportedAndChangesNothing) {
  const LabelMap before = doc.labels();
  QSignalSpy errors(&session, &StudioSession::errorOccurred);
  // Refused at once (header) or by the worker (decoding): either way an error.
  auto expectRejected = [&](const QString& path) {
    const int n = errors.count();
    const Status s = session.openPhoto(path);
    if (s.ok()) {
      ASSERT_TRUE(QTest::qWaitFor([&] { return errors.count() > n; }, 5000)) << path.toStdString();
      EXPECT_FALSE(errors.last().at(1).toString().isEmpty());
    } else {
      EXPECT_FALSE(s.error().empty());
    }
  };
  QFile f(dir.filePath("notes.png"));
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write("hello");
  f.close();
  expectRejected(dir.filePath("notes.png"));
  expectRejected(dir.filePath("absent.jpg"));
  // A PNG whose header is fine but whose data is cut.
  const QString good = writePhoto();
  QFile g(good);
  ASSERT_TRUE(g.open(QIODevice::ReadOnly));
  const QByteArray bytes = g.readAll();
  g.close();
  QFile cut(dir.filePath("cut.png"));
  ASSERT_TRUE(cut.open(QIODevice::WriteOnly));
  cut.write(bytes.left(bytes.size() / 2));
  cut.close();
  expectRejected(dir.filePath("cut.png"));
  EXPECT_EQ(doc.labels(), before);
  EXPECT_FALSE(doc.hasPhoto());
  EXPECT_EQ(doc.undoStack()->count(), 0);
}

TEST_F(SessionFixture, ClassifyReportsTopClassesSorted) {
  auto level = std::make_shared<test::FakeBackend>(8, 8, 0);
  session.setBackend(level, "/m/l.safetensors", "x");
  QSignalSpy classified(&session, &StudioSession::classified);
  ASSERT_TRUE(session.classifyImage(writePhoto()).ok());
  ASSERT_TRUE(classified.wait(5000));
  const auto top = classified.at(0).at(1).value<QVector<ClassScore>>();
  ASSERT_EQ(top.size(), 3);
  EXPECT_EQ(top[0].name, "road");
  EXPECT_NEAR(top[0].probability, 0.7, 1e-6);
  EXPECT_GE(top[1].probability, top[2].probability);
}

// ---- Model switches: the map's classes against the model's ---------------------

namespace {
std::shared_ptr<test::FakeBackend> faceModel(int w = 32, int h = 24, int ds = 1) {
  auto m = std::make_shared<test::FakeBackend>(w, h, ds);
  m->setModel("faces", test::faceClasses());
  return m;
}
}  // namespace

TEST_F(SessionFixture, ModelWithOtherClassesKeepsTheMapAndRefusesRuns) {
  doc.beginGesture("Brush");
  doc.touch(raster::dab(doc.mutableLabels(), {5.5, 5.5}, 5, 2));  // user work, class 2 ("tree")
  doc.endGesture();
  const LabelMap painted = doc.labels();
  session.settings().livePreview = true;
  session.settings().previewDelayMs = 1;
  QSignalSpy warnings(&session, &StudioSession::warningOccurred);
  QSignalSpy errors(&session, &StudioSession::errorOccurred);
  QSignalSpy previews(&session, &StudioSession::previewChanged);
  auto faces = faceModel();
  session.setBackend(faces, "/models/faces.safetensors", "f00d");
  // The work is kept, as it was.
  EXPECT_EQ(doc.labels(), painted);
  EXPECT_EQ(doc.classes().size(), 3);
  EXPECT_TRUE(doc.isModified());
  // One message that says what differs and what to do.
  const QString why = session.classMismatch();
  EXPECT_EQ(why.toStdString(),
            "The map uses fake's 3 classes; the model faces has 2 classes. Start a new map (File ▸ New map) or load "
            "fake again (Model menu).");
  ASSERT_EQ(warnings.count(), 1);
  EXPECT_EQ(warnings.at(0).at(0).toString(), why);
  // Generate and the live preview refuse up front; nothing reaches the model.
  const int previewsBefore = previews.count();
  EXPECT_EQ(session.generate(), 0u);
  ASSERT_EQ(errors.count(), 1);
  EXPECT_EQ(errors.at(0).at(1).toString(), why);
  session.schedulePreview();
  doc.beginGesture("Brush");
  doc.touch(raster::dab(doc.mutableLabels(), {9.5, 9.5}, 3, 1));
  doc.endGesture();
  QTest::qWait(60);
  EXPECT_EQ(faces->calls.load(), 0);
  EXPECT_EQ(errors.count(), 1);  // no preview errors either
  EXPECT_EQ(previews.count(), previewsBefore);
  EXPECT_FALSE(session.isBusy());
  // Loading a model with the map's classes again makes it work.
  session.setBackend(std::make_shared<test::FakeBackend>(32, 24, 1), "/models/fake.safetensors", "cafe");
  EXPECT_TRUE(session.classMismatch().isEmpty());
  session.settings().livePreview = false;
  EXPECT_NE(session.generate(), 0u);
  ASSERT_TRUE(waitIdle());
  EXPECT_EQ(session.results().size(), 1u);
}

TEST_F(SessionFixture, ImageLevelModelRefusesADenseMapOfTheSameClasses) {
  doc.beginGesture("Brush");
  doc.touch(raster::dab(doc.mutableLabels(), {5.5, 5.5}, 5, 2));
  doc.endGesture();
  auto level = std::make_shared<test::FakeBackend>(8, 8, 0);  // same classes, image-level
  session.setBackend(level, "/m/l.safetensors", "x");
  EXPECT_EQ(doc.width(), 32);  // kept
  EXPECT_TRUE(session.classMismatch().contains("classifies whole images"));
  QSignalSpy errors(&session, &StudioSession::errorOccurred);
  EXPECT_EQ(session.generate(), 0u);
  EXPECT_EQ(errors.count(), 1);
  EXPECT_EQ(level->calls.load(), 0);
}

TEST_F(SessionFixture, ModelSwitchStartsANewMapWhenAskedOrWhenTheMapIsUntouched) {
  QSignalSpy started(&session, &StudioSession::newMapStarted);
  // Untouched: follows the model.
  session.setBackend(faceModel(), "/models/faces.safetensors", "f00d");
  EXPECT_EQ(doc.classes().size(), 2);
  EXPECT_TRUE(session.classMismatch().isEmpty());
  EXPECT_EQ(started.count(), 1);
  // The user's work in faces' classes; the user chose "Start a new map" for fake.
  doc.beginGesture("Brush");
  doc.touch(raster::dab(doc.mutableLabels(), {5.5, 5.5}, 5, 1));
  doc.endGesture();
  EXPECT_TRUE(session.hasUserWork());
  EXPECT_FALSE(session.classMismatchWith(fake->info()).isEmpty());
  session.setBackend(fake, "/models/fake.safetensors", "cafe", StudioSession::MapOnSwitch::New);
  EXPECT_EQ(doc.classes().size(), 3);
  EXPECT_EQ(doc.labels(), LabelMap(32, 24, 0));
  EXPECT_FALSE(session.hasUserWork());
  EXPECT_EQ(started.count(), 2);
}

// "Segment the photo with <model>": the open photo gets a map in the new model's classes.
TEST_F(SessionFixture, ModelSwitchCanSegmentTheOpenPhotoWithTheNewModel) {
  ASSERT_TRUE(session.openPhoto(writePhoto()).ok());
  ASSERT_TRUE(QTest::qWaitFor([&] { return doc.width() == 64 && doc.hasPhoto(); }, 5000));
  const RgbImage photo = doc.photo();
  doc.beginGesture("Brush");
  doc.touch(raster::dab(doc.mutableLabels(), {40.5, 10.5}, 5, 2));
  doc.endGesture();
  QSignalSpy segmented(&session, &StudioSession::photoSegmented);
  QSignalSpy warnings(&session, &StudioSession::warningOccurred);
  auto faces = faceModel();
  session.setBackend(faces, "/models/faces.safetensors", "f00d", StudioSession::MapOnSwitch::SegmentPhoto);
  ASSERT_TRUE(segmented.wait(5000));
  EXPECT_EQ(faces->calls.load(), 1);
  EXPECT_EQ(doc.classes().size(), 2);
  EXPECT_TRUE(session.classMismatch().isEmpty());
  EXPECT_EQ(doc.photo(), photo);
  EXPECT_EQ(doc.width(), 64);
  EXPECT_EQ(doc.referenceLabels(), doc.labels());
  EXPECT_EQ(warnings.count(), 0) << "no class warning for a map about to be replaced";
  // The same again from the Run menu, with the loaded model: the painted change is replaced.
  doc.beginGesture("Brush");
  const int other = doc.labels().at(10, 10) == 0 ? 1 : 0;
  doc.touch(raster::dab(doc.mutableLabels(), {10.5, 10.5}, 4, static_cast<std::uint8_t>(other)));
  doc.endGesture();
  ASSERT_FALSE(doc.labels() == doc.referenceLabels());
  ASSERT_TRUE(session.segmentPhotoAgain().ok());
  ASSERT_TRUE(segmented.wait(5000));
  EXPECT_EQ(doc.labels(), doc.referenceLabels());
  EXPECT_EQ(doc.photo(), photo);
  // Without a photo it says what to do.
  session.newMap(0);
  auto none = session.segmentPhotoAgain();
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error(), "there is no photo to segment: open one with File ▸ Open photo");
}

TEST_F(SessionFixture, ImportedMaskOfAnotherSizeIsScaledToThePhotoAndUndoRestoresTheMap) {
  const QString photoPath = writePhoto();
  ASSERT_TRUE(session.openPhoto(photoPath).ok());
  ASSERT_TRUE(QTest::qWaitFor([&] { return doc.width() == 64 && doc.hasPhoto(); }, 5000));
  const RgbImage photo = doc.photo();
  doc.beginGesture("Brush");
  doc.touch(raster::dab(doc.mutableLabels(), {40.5, 10.5}, 5, 2));
  doc.endGesture();
  const LabelMap before = doc.labels();
  // A 32x24 index mask (same aspect): left half road (1), right half tree (2).
  LabelMap mask(32, 24, 2);
  for (int y = 0; y < 24; ++y)
    for (int x = 0; x < 16; ++x) mask.at(x, y) = 1;
  const QString path = dir.filePath("half.png");
  ASSERT_TRUE(imaging::saveIndexMask(mask, path.toStdString()).ok());
  auto r = session.readMask(path, {});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(session.importFitNote(32, 24).toStdString(), "scaled from 32×24 to the photo's 64×48");
  const QString note = session.applyImportedMask(r->first, path);
  EXPECT_EQ(note.toStdString(), "scaled from 32×24 to the photo's 64×48");
  ASSERT_EQ(doc.width(), 64);
  ASSERT_EQ(doc.height(), 48);
  EXPECT_TRUE(doc.hasPhoto());
  EXPECT_EQ(doc.photo(), photo);
  EXPECT_EQ(session.photoPath(), photoPath);
  EXPECT_EQ(doc.labels().at(0, 0), 1);
  EXPECT_EQ(doc.labels().at(31, 47), 1);
  EXPECT_EQ(doc.labels().at(32, 0), 2);
  EXPECT_EQ(doc.labels().at(63, 47), 2);
  EXPECT_TRUE(session.canApplyEdit());
  doc.undoStack()->undo();
  EXPECT_EQ(doc.labels(), before);
  EXPECT_EQ(doc.photo(), photo);
  // Aspect ratios 1.0 vs 1.333: the note says the map is stretched.
  EXPECT_TRUE(session.importFitNote(40, 40).contains("aspect ratios differ"))
      << session.importFitNote(40, 40).toStdString();
  EXPECT_FALSE(session.importFitNote(65, 48).contains("aspect"));  // within 2 %
}
