// SPDX-License-Identifier: MIT
// The window layer around the session: the import report's handling of unknown
// pixels, recent files, untinted swatches and thumbnails, result captions across
// models, and the actions' shortcuts and enabled states.
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QUrl>

#include <gtest/gtest.h>

#include "core/imaging/image_io.h"
#include "core/imaging/mask_io.h"
#include "fake_backend.h"
#include "ui/autosave_manager.h"
#include "ui/canvas_widget.h"
#include "ui/file_controller.h"
#include "ui/label_document.h"
#include "ui/main_actions.h"
#include "ui/main_window.h"
#include "ui/mask_import_dialog.h"
#include "ui/palette_dock.h"
#include "ui/qt_image.h"
#include "ui/raster_ops.h"
#include "ui/results_dock.h"
#include "ui/settings_store.h"
#include "ui/studio_session.h"
#include "ui/tool_controller.h"

using namespace symmflow;
using namespace symmflow::ui;

namespace {

// Closes every modal dialog that opens while it lives (message boxes, the import
// report) and remembers their class names.
struct ModalCloser {
  QStringList seen;
  QTimer timer;
  ModalCloser() {
    timer.setInterval(10);
    QObject::connect(&timer, &QTimer::timeout, [this] {
      if (QWidget* w = QApplication::activeModalWidget()) {
        seen << QString::fromLatin1(w->metaObject()->className());
        if (auto* d = qobject_cast<QDialog*>(w)) d->reject();
      }
    });
    timer.start();
  }
};

struct FileFixture : ::testing::Test {
  QWidget window;
  LabelDocument doc;
  StudioSession session{&doc};
  SettingsStore settings;
  AutosaveManager autosave{QString()};
  FileController files{&session, &settings, &autosave, &window};
  std::shared_ptr<test::FakeBackend> fake = std::make_shared<test::FakeBackend>(32, 24, 1);
  QTemporaryDir dir;

  void SetUp() override {
    for (const QString& f : settings.recentFiles()) settings.removeRecentFile(f);
    session.setBackend(fake, "/models/fake.safetensors", "cafe");
  }
  QString writePhoto(const QString& name = "photo.png") {
    RgbImage img(64, 48, 150);
    const QString path = dir.filePath(name);
    EXPECT_TRUE(imaging::savePng(img, path.toStdString()).ok());
    return path;
  }
  bool waitIdle() {
    return QTest::qWaitFor([&] { return !session.isBusy(); }, 5000) && (QTest::qWait(30), true);
  }
};

}  // namespace

TEST_F(FileFixture, IndexMaskReportOffersWhatItDoesAndDoesWhatItSays) {
  // An index mask with ids 0..2 and 40 pixels of id 7 (not a class of 3).
  LabelMap mask(32, 24, 1);
  for (int x = 0; x < 40; ++x) mask.at(x % 32, x / 32) = 7;
  const QString path = dir.filePath("ids.png");
  ASSERT_TRUE(imaging::saveIndexMask(mask, path.toStdString()).ok());
  auto r = session.readMask(path, {});
  ASSERT_TRUE(r.ok()) << r.error();
  MaskImportDialog dlg(&session, path, r->first, r->second);
  // Ids have no nearest class colour: no "snap" to choose, and the choice shown is
  // what the heading says happened.
  for (int i = 0; i < dlg.handlingBox()->count(); ++i)
    EXPECT_FALSE(dlg.handlingBox()->itemText(i).contains("Snap")) << i;
  EXPECT_EQ(dlg.handling(), MaskImportDialog::Handling::Ignored);
  EXPECT_TRUE(dlg.summaryLabel()->text().contains("set to ignore"));
  EXPECT_EQ(dlg.labels().at(0, 0), LabelMap::kIgnoreId);
  // The table counts every pixel: the 40 ignored ones in a row of their own.
  std::int64_t counted = 0;
  for (int i = 0; i < dlg.histogramTree()->topLevelItemCount(); ++i)
    counted += dlg.histogramTree()->topLevelItem(i)->text(1).toLongLong();
  EXPECT_EQ(counted, 32 * 24);
  EXPECT_EQ(dlg.histogramTree()->findItems("ignore (no class)", Qt::MatchExactly).size(), 1);
  // Assign to "tree" (2): the report and the map follow.
  dlg.handlingBox()->setCurrentIndex(
      dlg.handlingBox()->findData(static_cast<int>(MaskImportDialog::Handling::AssignedClass)));
  dlg.classBox()->setCurrentIndex(2);
  EXPECT_TRUE(dlg.summaryLabel()->text().contains("assigned to tree (id 2)"))
      << dlg.summaryLabel()->text().toStdString();
  EXPECT_EQ(dlg.labels().at(0, 0), 2);
  EXPECT_EQ(dlg.labels().at(20, 20), 1);
}

TEST_F(FileFixture, ColourMaskReportSnapsByDefaultAndIgnoresWhenAsked) {
  RgbImage m(32, 24);
  for (int y = 0; y < 24; ++y)
    for (int x = 0; x < 32; ++x) {
      const Rgb c{128, 64, 128};  // road
      std::copy(c.begin(), c.end(), m.at(x, y));
    }
  m.at(0, 0)[0] = 120;  // off-palette, nearest is road
  const QString path = dir.filePath("colour.png");
  ASSERT_TRUE(imaging::savePng(m, path.toStdString()).ok());
  auto r = session.readMask(path, {});
  ASSERT_TRUE(r.ok()) << r.error();
  MaskImportDialog dlg(&session, path, r->first, r->second);
  EXPECT_EQ(dlg.handling(), MaskImportDialog::Handling::SnappedNearest);
  EXPECT_TRUE(dlg.handlingBox()->currentText().contains("Snap"));
  EXPECT_TRUE(dlg.summaryLabel()->text().contains("snapped to the nearest class"));
  EXPECT_EQ(dlg.labels().at(0, 0), 1);
  dlg.handlingBox()->setCurrentIndex(
      dlg.handlingBox()->findData(static_cast<int>(MaskImportDialog::Handling::Ignored)));
  EXPECT_TRUE(dlg.summaryLabel()->text().contains("set to ignore"));
  EXPECT_EQ(dlg.labels().at(0, 0), LabelMap::kIgnoreId);
}

// "Read as" overrides the detected encoding; a reading that fails cannot be imported.
TEST_F(FileFixture, ImportReportReadsTheFileAsTheChosenEncoding) {
  // Ids 0, 1 and 2 written as grey 0, 20 and 40 (ids x20): detected as a scaled-grey mask.
  LabelMap scaled(32, 24, 0);
  for (int x = 8; x < 32; ++x)
    for (int y = 0; y < 24; ++y) scaled.at(x, y) = x < 16 ? 20 : 40;
  const QString path = dir.filePath("x20.png");
  ASSERT_TRUE(imaging::saveIndexMask(scaled, path.toStdString()).ok());
  auto r = session.readMask(path, {});
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->second.encoding, imaging::MaskReport::Encoding::ScaledGrey);
  MaskImportDialog dlg(&session, path, r->first, r->second);
  EXPECT_TRUE(dlg.encodingBox()->currentText().startsWith("As detected: scaled grey"))
      << dlg.encodingBox()->currentText().toStdString();
  EXPECT_EQ(dlg.labels().at(20, 5), 2);
  // Read as an index mask: 20 and 40 are no ids of 3 classes, so those pixels are unknown.
  dlg.encodingBox()->setCurrentIndex(
      dlg.encodingBox()->findData(static_cast<int>(imaging::MaskReport::Encoding::Index)));
  EXPECT_EQ(dlg.report().encoding, imaging::MaskReport::Encoding::Index);
  EXPECT_EQ(dlg.report().outOfRangePixels, 24 * 24);
  EXPECT_EQ(dlg.labels().at(20, 5), LabelMap::kIgnoreId);
  EXPECT_EQ(dlg.labels().at(2, 5), 0);
  EXPECT_TRUE(dlg.canImport());
  // Read as a colour mask: grey (40, 40, 40) is no class colour, and now can be snapped.
  dlg.encodingBox()->setCurrentIndex(
      dlg.encodingBox()->findData(static_cast<int>(imaging::MaskReport::Encoding::Color)));
  EXPECT_EQ(dlg.report().encoding, imaging::MaskReport::Encoding::Color);
  EXPECT_GE(dlg.handlingBox()->findData(static_cast<int>(MaskImportDialog::Handling::SnappedNearest)), 0);

  // A colour mask read as a grey one fails: said, and nothing to import until fixed.
  RgbImage colour(8, 8);
  for (int i = 0; i < 64; ++i) colour.at(i % 8, i / 8)[0] = 200;
  const QString cpath = dir.filePath("red.png");
  ASSERT_TRUE(imaging::savePng(colour, cpath.toStdString()).ok());
  auto c = session.readMask(cpath, {});
  ASSERT_TRUE(c.ok()) << c.error();
  MaskImportDialog cdlg(&session, cpath, c->first, c->second);
  cdlg.encodingBox()->setCurrentIndex(
      cdlg.encodingBox()->findData(static_cast<int>(imaging::MaskReport::Encoding::Index)));
  EXPECT_FALSE(cdlg.canImport());
  EXPECT_TRUE(cdlg.detailsLabel()->text().contains("not grey")) << cdlg.detailsLabel()->text().toStdString();
  EXPECT_EQ(cdlg.histogramTree()->topLevelItemCount(), 0);
  cdlg.encodingBox()->setCurrentIndex(0);
  EXPECT_TRUE(cdlg.canImport());
  EXPECT_EQ(cdlg.report().encoding, imaging::MaskReport::Encoding::Color);
}

TEST_F(FileFixture, ImportReportOnAPhotoSaysTheMaskIsScaled) {
  QSignalSpy segmented(&session, &StudioSession::photoSegmented);
  ASSERT_TRUE(files.openPhoto(writePhoto()));
  ASSERT_TRUE(segmented.wait(5000));
  const QString path = dir.filePath("small.png");
  ASSERT_TRUE(imaging::saveIndexMask(LabelMap(32, 24, 2), path.toStdString()).ok());
  auto r = session.readMask(path, {});
  ASSERT_TRUE(r.ok());
  MaskImportDialog dlg(&session, path, r->first, r->second);
  EXPECT_TRUE(dlg.detailsLabel()->text().contains("scaled from 32×24 to the photo's 64×48"))
      << dlg.detailsLabel()->text().toStdString();
  QSignalSpy status(&files, &FileController::statusMessage);
  ASSERT_TRUE(files.importMask(path, /*quiet=*/true));
  EXPECT_TRUE(doc.hasPhoto());
  EXPECT_EQ(doc.width(), 64);
  EXPECT_TRUE(status.last().at(0).toString().contains("scaled from 32×24 to the photo's 64×48"));
}

TEST_F(FileFixture, RecentFilesHoldOnlyWhatOpenedAndReopenLikeTheirCommand) {
  ModalCloser closer;
  // A photo that opens: remembered once segmented, with its full path.
  const QString good = writePhoto();
  QSignalSpy segmented(&session, &StudioSession::photoSegmented);
  ASSERT_TRUE(files.openPhoto(good));
  ASSERT_TRUE(segmented.wait(5000));
  EXPECT_EQ(settings.recentFiles(), QStringList{QFileInfo(good).absoluteFilePath()});
  // Not an image; a PNG whose header reads but whose data is cut: not remembered.
  QFile text(dir.filePath("text.png"));
  ASSERT_TRUE(text.open(QIODevice::WriteOnly));
  text.write("hello");
  text.close();
  files.openPhoto(dir.filePath("text.png"));  // refused at once or by the worker
  ASSERT_TRUE(waitIdle());
  QFile full(good);
  ASSERT_TRUE(full.open(QIODevice::ReadOnly));
  const QByteArray bytes = full.readAll();
  QFile cut(dir.filePath("cut.png"));
  ASSERT_TRUE(cut.open(QIODevice::WriteOnly));
  cut.write(bytes.left(bytes.size() / 2));
  cut.close();
  files.openPhoto(dir.filePath("cut.png"));
  ASSERT_TRUE(waitIdle());
  EXPECT_EQ(settings.recentFiles().size(), 1);
  // A mask entry opens the import report, as Ctrl+I does.
  const QString mask = dir.filePath("mask.png");
  ASSERT_TRUE(imaging::saveIndexMask(LabelMap(64, 48, 2), mask.toStdString()).ok());
  ASSERT_TRUE(files.importMask(mask, /*quiet=*/true));
  EXPECT_EQ(settings.recentFileKind(mask), "mask");
  closer.seen.clear();
  EXPECT_FALSE(files.openRecent(mask));  // the closer cancels the report
  EXPECT_TRUE(closer.seen.contains("symmflow::ui::MaskImportDialog")) << closer.seen.join(",").toStdString();
  // A file that is gone: a message, and it leaves the list.
  QFile::remove(mask);
  closer.seen.clear();
  QSignalSpy changed(&files, &FileController::recentFilesChanged);
  EXPECT_FALSE(files.openRecent(mask));
  EXPECT_TRUE(closer.seen.contains("QMessageBox"));
  EXPECT_FALSE(settings.recentFiles().contains(QFileInfo(mask).absoluteFilePath()));
  EXPECT_GE(changed.count(), 1);
}

TEST(WindowActions, RecentMenuShowsFoldersAndShortcutsIncludeCtrlYAndCtrlEquals) {
  MainWindow w;
  SettingsStore settings;
  for (const QString& f : settings.recentFiles()) settings.removeRecentFile(f);
  settings.addRecentFile("/data/a/labels.png", "mask");
  settings.addRecentFile("/data/b/labels.png", "mask");
  Q_EMIT w.files()->recentFilesChanged();
  const auto acts = w.actions()->recentMenu()->actions();
  ASSERT_EQ(acts.size(), 2);
  EXPECT_TRUE(acts[0]->text().contains("/data/b")) << acts[0]->text().toStdString();
  EXPECT_TRUE(acts[1]->text().contains("/data/a"));
  EXPECT_EQ(acts[0]->toolTip(), "/data/b/labels.png");
  EXPECT_TRUE(acts[0]->isEnabled());  // a missing file is reported when chosen
  EXPECT_TRUE(w.actions()->redo->shortcuts().contains(QKeySequence("Ctrl+Y")));
  EXPECT_TRUE(w.actions()->redo->shortcuts().contains(QKeySequence::Redo));
  EXPECT_TRUE(w.actions()->zoomIn->shortcuts().contains(QKeySequence("Ctrl+=")));
  for (const QString& f : settings.recentFiles()) settings.removeRecentFile(f);
}

TEST(WindowActions, ExportsNeedResultsAndCompareNeedsAnOriginal) {
  MainWindow w;
  auto fake = std::make_shared<test::FakeBackend>();
  w.session()->setBackend(fake, "/m/fake.safetensors", "00");
  MainActions* a = w.actions();
  EXPECT_FALSE(a->exportResult->isEnabled());
  EXPECT_FALSE(a->exportBatch->isEnabled());
  EXPECT_FALSE(a->compareSplit->isEnabled());
  EXPECT_FALSE(a->compareSplit->isChecked());
  w.session()->generate();
  ASSERT_TRUE(QTest::qWaitFor([&] { return !w.session()->results().empty(); }, 5000));
  EXPECT_TRUE(a->exportResult->isEnabled());
  EXPECT_TRUE(a->exportBatch->isEnabled());
  // A generated result has no original photo: compare is off, not pressed.
  EXPECT_FALSE(a->compareSplit->isChecked());
  EXPECT_FALSE(a->compareSplit->isEnabled());
  // A new map clears the results and the exports again.
  w.session()->newMap(0);
  EXPECT_FALSE(a->exportResult->isEnabled());
  w.document()->markSaved();
  w.close();
}

// While a photo is segmented its map is on its way to replace the open one: the canvas takes
// no strokes (they would be lost), says what is coming, and the edits of the Edit menu are
// off; all of it comes back with the photo's map.
TEST(WindowActions, TheMapCannotBeEditedWhileAPhotoIsSegmented) {
  MainWindow w;
  auto fake = std::make_shared<test::FakeBackend>();
  w.session()->setBackend(fake, "/m/fake.safetensors", "00");
  w.resize(1200, 800);
  w.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
  CanvasWidget* canvas = w.canvas();
  LabelDocument* doc = w.document();
  w.tools()->setTool(ToolId::Brush);
  const auto stroke = [&](double y) {
    const auto at = [&](double x) { return canvas->toWidget(QPointF(x, y)).toPoint(); };
    QTest::mousePress(canvas, Qt::LeftButton, {}, at(2.5));
    QTest::mouseMove(canvas, at(10.5));
    QTest::mouseRelease(canvas, Qt::LeftButton, {}, at(20.5));
  };
  doc->setCurrentClass(2);
  stroke(3.5);
  ASSERT_EQ(doc->undoStack()->count(), 1);
  doc->markSaved();  // nothing to ask about when the photo opens
  MainActions* a = w.actions();
  EXPECT_TRUE(a->undo->isEnabled());

  QTemporaryDir dir;
  const QString path = dir.filePath("street.png");
  ASSERT_TRUE(imaging::savePng(RgbImage(64, 48, 150), path.toStdString()).ok());
  fake->stepDelayMs = 400;
  QSignalSpy segmented(w.session(), &StudioSession::photoSegmented);
  ASSERT_TRUE(w.files()->openPhoto(path));
  EXPECT_TRUE(canvas->busyMessage().contains("street.png")) << canvas->busyMessage().toStdString();
  EXPECT_FALSE(a->undo->isEnabled());
  EXPECT_FALSE(a->removeSpecks->isEnabled());
  EXPECT_FALSE(a->segmentAgain->isEnabled());
  const LabelMap before = doc->labels();
  stroke(15.5);
  EXPECT_EQ(doc->labels(), before);
  EXPECT_EQ(doc->undoStack()->count(), 1);
  // A quick segmentation would not flash the veil; a slow one shows it.
  EXPECT_FALSE(canvas->isVeiled());
  ASSERT_TRUE(QTest::qWaitFor([&] { return canvas->isVeiled(); }, 1000));

  ASSERT_TRUE(segmented.wait(5000));
  EXPECT_TRUE(canvas->busyMessage().isEmpty());
  EXPECT_FALSE(canvas->isVeiled());
  EXPECT_TRUE(doc->hasPhoto());
  EXPECT_TRUE(a->removeSpecks->isEnabled());
  EXPECT_TRUE(a->segmentAgain->isEnabled());
  const LabelMap segmentation = doc->labels();
  stroke(8.5);
  EXPECT_FALSE(doc->labels() == segmentation);
  EXPECT_TRUE(a->undo->isEnabled());
  doc->markSaved();
  w.close();
}

TEST(WindowActions, MismatchedClassesShowAPersistentNote) {
  MainWindow w;
  w.session()->setBackend(std::make_shared<test::FakeBackend>(), "/m/fake.safetensors", "00");
  auto* note = w.findChild<QLabel*>("classWarning");
  ASSERT_NE(note, nullptr);
  EXPECT_TRUE(note->isHidden());
  LabelDocument* doc = w.document();
  doc->beginGesture("Brush");
  doc->touch(raster::dab(doc->mutableLabels(), {5.5, 5.5}, 5, 2));
  doc->endGesture();
  auto faces = std::make_shared<test::FakeBackend>();
  faces->setModel("faces", test::faceClasses());
  w.session()->setBackend(faces, "/m/faces.safetensors", "01");
  EXPECT_FALSE(note->isHidden());
  EXPECT_TRUE(note->text().contains("faces"));
  EXPECT_EQ(note->toolTip(), w.session()->classMismatch());
  w.session()->newMap(0);
  EXPECT_TRUE(note->isHidden());
  doc->markSaved();
  w.close();
}

// ... and an empty results dock says what will come in it.
TEST(WindowActions, SelectedSwatchesAndThumbnailsKeepTheirColours) {
  LabelDocument doc;
  ClassList classes;
  classes.classes = {{"sky", {128, 128, 128}}, {"building", {128, 0, 0}}};
  doc.reset(LabelMap(10, 10, 0), classes);
  PaletteDock dock(&doc);
  doc.setCurrentClass(1);
  const QIcon icon = dock.tree()->topLevelItem(1)->icon(PaletteDock::kColName);
  for (const QIcon::Mode mode : {QIcon::Normal, QIcon::Selected, QIcon::Active}) {
    const QImage img = icon.pixmap(QSize(16, 16), mode).toImage();
    EXPECT_EQ(img.pixelColor(8, 8), QColor(128, 0, 0)) << mode;
  }

  StudioSession session(&doc);
  session.setBackend(std::make_shared<test::FakeBackend>(), "/m/fake.safetensors", "00");
  ResultsDock results(&session, new QAction(&dock), new QAction(&dock));
  EXPECT_TRUE(results.showsHint()) << "an empty dock says what comes in it";
  EXPECT_TRUE(results.emptyHint().contains("Generate"));
  session.generate();
  ASSERT_TRUE(QTest::qWaitFor([&] { return results.list()->count() == 1; }, 5000));
  EXPECT_FALSE(results.showsHint());
  const QIcon thumb = results.list()->item(0)->icon();
  EXPECT_EQ(thumb.pixmap(QSize(128, 128), QIcon::Selected).toImage(),
            thumb.pixmap(QSize(128, 128), QIcon::Normal).toImage());
  EXPECT_FALSE(results.list()->item(0)->text().contains("fake"));
  EXPECT_TRUE(results.list()->item(0)->toolTip().contains("fake"));
  // Another model with the same classes keeps the results: their caption names the
  // model that made them.
  auto other = std::make_shared<test::FakeBackend>();
  other->setModel("fake-small", test::threeClasses());
  session.setBackend(other, "/m/fake-small.safetensors", "01");
  ASSERT_EQ(results.list()->count(), 1);
  EXPECT_TRUE(results.list()->item(0)->text().startsWith("fake · ")) << results.list()->item(0)->text().toStdString();
}

// File ▸ Open sample map lists the sample maps named for the loaded model and imports the
// one chosen as the map (undoably).
TEST(WindowActions, SampleMapsOfTheModelOpenFromTheFileMenu) {
  QTemporaryDir data;
  ASSERT_TRUE(QDir().mkpath(data.filePath("symmflow/samples")));
  LabelMap sample(32, 24, 0);
  for (int y = 12; y < 24; ++y)
    for (int x = 0; x < 32; ++x) sample.at(x, y) = 2;
  ASSERT_TRUE(imaging::saveIndexMask(sample, data.filePath("symmflow/samples/street_two.png").toStdString()).ok());
  const QByteArray before = qgetenv("XDG_DATA_HOME");
  qputenv("XDG_DATA_HOME", data.path().toUtf8());

  MainWindow w;
  auto fake = std::make_shared<test::FakeBackend>();
  fake->setModel("street", test::threeClasses());
  w.session()->setBackend(fake, "/m/street.safetensors", "00");
  QMenu* samples = nullptr;
  for (QMenu* m : w.menuBar()->findChildren<QMenu*>())
    if (m->title() == QObject::tr("Open sa&mple map")) samples = m;
  ASSERT_NE(samples, nullptr);
  Q_EMIT samples->aboutToShow();
  ASSERT_FALSE(samples->actions().isEmpty());
  QAction* two = samples->actions().front();
  EXPECT_EQ(two->text(), "street_two");
  two->trigger();
  EXPECT_EQ(w.document()->labels(), sample);
  w.document()->undoStack()->undo();
  EXPECT_FALSE(w.document()->labels() == sample) << "the import is one undo step";

  fake->setModel("faces", test::threeClasses());
  w.session()->setBackend(fake, "/m/faces.safetensors", "01");
  Q_EMIT samples->aboutToShow();
  ASSERT_EQ(samples->actions().size(), 1);
  EXPECT_FALSE(samples->actions().front()->isEnabled());
  EXPECT_TRUE(samples->actions().front()->text().contains("none for faces"));

  if (before.isNull())
    qunsetenv("XDG_DATA_HOME");
  else
    qputenv("XDG_DATA_HOME", before);
  w.document()->markSaved();
  w.close();
}

// A file dropped on the window opens as File ▸ Open would: a photo is segmented, a map of
// the model's classes gets the import report; several files or a folder are refused.
TEST_F(FileFixture, DroppedFilesOpenByKind) {
  MainWindow w;
  auto backend = std::make_shared<test::FakeBackend>(32, 24, 1);
  w.session()->setBackend(backend, "/models/fake.safetensors", "cafe");
  auto drop = [&](const QStringList& paths) {
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& p : paths) urls << QUrl::fromLocalFile(p);
    mime.setUrls(urls);
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter);
    EXPECT_TRUE(enter.isAccepted());
    QDropEvent dropped(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &dropped);
  };
  // A photo with colours of no class (a uniform grey one could be a scaled-grey label map).
  RgbImage photo(64, 48);
  for (std::size_t i = 0; i < photo.pixels.size(); ++i) photo.pixels[i] = static_cast<std::uint8_t>(i * 37 % 251);
  ASSERT_TRUE(imaging::savePng(photo, dir.filePath("street.png").toStdString()).ok());
  ModalCloser closer;  // every dialog below is answered by closing it
  drop({dir.filePath("street.png")});
  const bool opened = QTest::qWaitFor([&] { return w.document()->hasPhoto(); }, 5000);
  ASSERT_TRUE(opened) << "the photo was segmented; dialogs: " << closer.seen.join(", ").toStdString();
  ASSERT_TRUE(QTest::qWaitFor([&] { return !w.session()->isBusy(); }, 5000));

  closer.seen.clear();
  drop({writePhoto("a.png"), writePhoto("b.png")});
  ASSERT_TRUE(QTest::qWaitFor([&] { return closer.seen.contains("QMessageBox"); }, 3000)) << "two files: refused";
  closer.seen.clear();
  drop({dir.path()});
  ASSERT_TRUE(QTest::qWaitFor([&] { return closer.seen.contains("QMessageBox"); }, 3000)) << "a folder: refused";
  closer.seen.clear();
  // A label map of the model's classes: the import report opens (and is cancelled here).
  LabelMap map(32, 24, 2);
  ASSERT_TRUE(imaging::saveIndexMask(map, dir.filePath("map.png").toStdString()).ok());
  const LabelMap before = w.document()->labels();
  drop({dir.filePath("map.png")});
  ASSERT_TRUE(QTest::qWaitFor([&] { return closer.seen.contains("symmflow::ui::MaskImportDialog"); }, 3000))
      << closer.seen.join(", ").toStdString();
  EXPECT_EQ(w.document()->labels(), before) << "cancelled: nothing changed";
  w.document()->markSaved();
  w.close();
}

// Edit ▸ Paste photo opens the clipboard's image as the photo; without one it says so.
TEST_F(FileFixture, PastedImageOpensAsThePhoto) {
  ModalCloser closer;
  QGuiApplication::clipboard()->clear();
  EXPECT_FALSE(files.pastePhoto());
  ASSERT_TRUE(QTest::qWaitFor([&] { return closer.seen.contains("QMessageBox"); }, 3000)) << "no image: said so";
  QImage shot(40, 30, QImage::Format_RGB888);
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 40; ++x) shot.setPixelColor(x, y, QColor((x * 53) % 256, (y * 97) % 256, (x * y) % 256));
  QGuiApplication::clipboard()->setImage(shot);
  ASSERT_TRUE(files.pastePhoto());
  ASSERT_TRUE(QTest::qWaitFor([&] { return doc.hasPhoto(); }, 5000));
  ASSERT_TRUE(waitIdle());
  EXPECT_EQ(doc.photo().width, 40);
  EXPECT_EQ(doc.photo().height, 30);
  EXPECT_EQ(doc.photo().at(7, 5)[0], (7 * 53) % 256) << "the pixels pasted, losslessly";
  EXPECT_EQ(doc.photo().at(7, 5)[1], (5 * 97) % 256);
}
