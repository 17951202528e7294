// SPDX-License-Identifier: MIT
// Whole-map edits: Remove specks and Replace all with, each one undoable step that respects
// locked classes.
#include <QAction>
#include <QProgressDialog>
#include <QPushButton>
#include <QTest>
#include <QTimer>

#include <gtest/gtest.h>

#include "fake_backend.h"
#include "ui/label_document.h"
#include "ui/main_actions.h"
#include "ui/main_window.h"
#include "ui/map_edits.h"
#include "ui/speck_dialog.h"

namespace symmflow::ui {
namespace {

// 8x6 of class 0 with a 1-pixel island of 1, a 2-pixel island of 2 and a 3x2 block of 1.
LabelMap speckled() {
  LabelMap m(8, 6, 0);
  m.at(1, 1) = 1;
  m.at(4, 1) = 2;
  m.at(5, 1) = 2;
  for (int y = 3; y < 5; ++y)
    for (int x = 4; x < 7; ++x) m.at(x, y) = 1;
  return m;
}

TEST(MapEdits, RemoveSpecksIsOneStepThatUndoRestoresExactly) {
  LabelDocument doc;
  doc.reset(speckled(), test::threeClasses());
  const LabelMap before = doc.labels();
  const imaging::SpeckReport r = removeSpecks(doc, 3);
  EXPECT_EQ(r.pixels, 3);
  EXPECT_EQ(doc.labels().at(1, 1), 0);
  EXPECT_EQ(doc.labels().at(4, 1), 0);
  EXPECT_EQ(doc.labels().at(5, 4), 1) << "the block has 6 pixels";
  EXPECT_EQ(doc.undoStack()->count(), 1);
  EXPECT_TRUE(doc.isModified());
  const LabelMap after = doc.labels();
  doc.undoStack()->undo();
  EXPECT_EQ(doc.labels(), before);
  doc.undoStack()->redo();
  EXPECT_EQ(doc.labels(), after);
  // A clean map pushes nothing.
  EXPECT_EQ(removeSpecks(doc, 3).pixels, 0);
  EXPECT_EQ(doc.undoStack()->count(), 1);
}

TEST(MapEdits, RemoveSpecksLeavesLockedClassesAlone) {
  LabelDocument doc;
  doc.reset(speckled(), test::threeClasses());
  doc.setClassLocked(1, true);
  removeSpecks(doc, 3);
  EXPECT_EQ(doc.labels().at(1, 1), 1) << "locked";
  EXPECT_EQ(doc.labels().at(4, 1), 0);
}

TEST(MapEdits, DefaultSpeckSizeIsAShareOfTheMap) {
  EXPECT_EQ(defaultSpeckSize(960, 1000), 480);
  EXPECT_EQ(defaultSpeckSize(4000, 3000), 6000);
  EXPECT_EQ(defaultSpeckSize(10, 10), 4) << "at least 4";
  EXPECT_EQ(defaultSpeckSize(0, 0), 4);
}

TEST(MapEdits, ReplaceClassChangesEveryPixelOfItAndUndoRestoresThem) {
  LabelDocument doc;
  doc.reset(speckled(), test::threeClasses());
  const LabelMap before = doc.labels();
  EXPECT_EQ(replaceClass(doc, 1, 2), 7);
  for (auto id : doc.labels().ids) EXPECT_NE(id, 1);
  EXPECT_EQ(doc.labels().at(5, 4), 2);
  EXPECT_TRUE(doc.undoStack()->undoText().contains(QString::fromStdString(test::threeClasses().classes[1].name)));
  doc.undoStack()->undo();
  EXPECT_EQ(doc.labels(), before);
  // Refused: a locked class, the same class, ids that are no class, a class without pixels.
  doc.setClassLocked(1, true);
  EXPECT_EQ(replaceClass(doc, 1, 0), 0);
  doc.setClassLocked(1, false);
  EXPECT_EQ(replaceClass(doc, 1, 1), 0);
  EXPECT_EQ(replaceClass(doc, 1, 3), 0);
  EXPECT_EQ(replaceClass(doc, -1, 0), 0);
  replaceClass(doc, 2, 0);
  const int steps = doc.undoStack()->count();
  EXPECT_EQ(replaceClass(doc, 2, 1), 0);
  EXPECT_EQ(doc.undoStack()->count(), steps) << "nothing pushed";
  EXPECT_EQ(doc.labels(), [] {
    LabelMap m = speckled();
    m.at(4, 1) = m.at(5, 1) = 0;
    return m;
  }());
}

TEST(MapEdits, TheSpeckDialogSaysWhatASizeWouldDoWithoutDoingIt) {
  LabelDocument doc;
  doc.reset(speckled(), test::threeClasses());
  SpeckDialog dialog(doc, 0);
  EXPECT_EQ(dialog.minPixels(), defaultSpeckSize(8, 6));
  dialog.setMinPixels(3);
  EXPECT_EQ(dialog.forecast().toStdString(), "Counting…") << "counted after a pause";
  dialog.countNow();
  EXPECT_EQ(dialog.forecast().toStdString(), "Would merge 2 islands: 3 pixels (6.25 % of the map) change class.");
  dialog.setMinPixels(2);
  ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.forecast().startsWith("Would merge 1 island:"); }, 2000))
      << dialog.forecast().toStdString();
  doc.setClassLocked(1, true);
  doc.setClassLocked(2, true);
  dialog.countNow();
  EXPECT_EQ(dialog.forecast().toStdString(), "No island is that small: nothing would change.");
  EXPECT_EQ(doc.labels(), speckled()) << "the dialog only counts";
  EXPECT_FALSE(doc.isModified());
}

// A photo-sized segmentation is counted as the size changes; a map as fragmented as noise
// (every pixel its own run) only when applied, so the dialog never stalls.
TEST(MapEdits, TheSpeckDialogCountsLargeMapsLiveButNotNoise) {
  LabelDocument doc;
  LabelMap photo(4000, 3000, 0);
  for (int y = 1000; y < 3000; ++y)
    for (int x = 0; x < 4000; ++x) photo.at(x, y) = 1;
  photo.at(2000, 500) = 2;  // one speck in the sky
  doc.reset(photo, test::threeClasses());
  SpeckDialog live(doc, 0);
  EXPECT_EQ(live.forecast().toStdString(), "Would merge 1 island: 1 pixel (under 0.01 % of the map) change class.");
  LabelMap noise(600, 500);
  for (std::size_t i = 0; i < noise.ids.size(); ++i) noise.ids[i] = static_cast<std::uint8_t>((i + i / 600) % 2);
  doc.reset(noise, test::threeClasses());
  SpeckDialog fragmented(doc, 0);
  EXPECT_TRUE(fragmented.forecast().contains("counted when you press OK")) << fragmented.forecast().toStdString();
}

TEST(MapEdits, TheWindowSaysWhatRemoveSpecksDid) {
  MainWindow w;
  w.document()->reset(speckled(), test::threeClasses());
  EXPECT_EQ(w.removeSpecksNow(3).toStdString(),
            "Merged 2 islands under 3 pixels into their surroundings (3 pixels changed; Ctrl+Z undoes it).");
  EXPECT_EQ(w.removeSpecksNow(3).toStdString(), "No island under 3 pixels to remove.");
  EXPECT_TRUE(w.actions()->removeSpecks->isEnabled());
  // An image-level model's 1x1 map has no islands to speak of.
  w.document()->reset(LabelMap(1, 1, 0), test::threeClasses());
  EXPECT_FALSE(w.actions()->removeSpecks->isEnabled());
  w.document()->markSaved();
  w.close();
}

// A map as fragmented as noise is cleaned on a thread behind a progress dialog: the result is
// the same as at once, one undoable step; Cancel leaves the map and the undo stack alone.
TEST(MapEdits, NoiseIsCleanedBehindAProgressDialogThatCanCancel) {
  LabelMap noise(1600, 1200);
  for (std::size_t i = 0; i < noise.ids.size(); ++i) noise.ids[i] = static_cast<std::uint8_t>((i + i / 1600) % 3);
  ASSERT_GT(imaging::countRuns(noise), kSpeckRunsAtOnce);
  LabelMap expected = noise;
  imaging::removeSpecks(expected, 5);

  MainWindow w;
  w.show();
  w.document()->reset(noise, test::threeClasses());
  // Cancel as soon as the dialog is up: a pass over 1.9 M runs takes far longer.
  bool sawDialog = false;
  QTimer::singleShot(0, &w, [&] {
    if (auto* progress = w.findChild<QProgressDialog*>()) {
      sawDialog = progress->isVisible() && progress->isModal();
      if (auto* button = progress->findChild<QPushButton*>()) button->click();
    }
  });
  EXPECT_EQ(w.removeSpecksNow(5).toStdString(), "Remove specks was cancelled: the map is as it was.");
  EXPECT_TRUE(sawDialog);
  EXPECT_EQ(w.document()->labels().ids, noise.ids);
  EXPECT_EQ(w.document()->undoStack()->count(), 0);
  EXPECT_EQ(w.findChild<QProgressDialog*>(), nullptr) << "the dialog is gone";

  const QString said = w.removeSpecksNow(5);
  EXPECT_TRUE(said.startsWith("Merged ")) << said.toStdString();
  EXPECT_EQ(w.document()->labels().ids, expected.ids);
  ASSERT_EQ(w.document()->undoStack()->count(), 1);
  w.document()->undoStack()->undo();
  EXPECT_EQ(w.document()->labels().ids, noise.ids);
  w.document()->markSaved();
  w.close();
}

}  // namespace
}  // namespace symmflow::ui
