// SPDX-License-Identifier: MIT
#include <QSignalSpy>

#include <gtest/gtest.h>

#include "fake_backend.h"
#include "ui/label_document.h"
#include "ui/label_edit_command.h"
#include "ui/raster_ops.h"

using namespace symmflow;
using namespace symmflow::ui;

TEST(LabelDocument, ResetIsCleanAndEmptyHistory) {
  LabelDocument doc;
  doc.reset(LabelMap(32, 16, 0), test::threeClasses());
  EXPECT_EQ(doc.width(), 32);
  EXPECT_EQ(doc.height(), 16);
  EXPECT_FALSE(doc.isModified());
  EXPECT_EQ(doc.undoStack()->count(), 0);
  EXPECT_EQ(doc.classCounts()[0], 32 * 16);
}

TEST(LabelDocument, GestureIsOneCommandAndUndoRestoresExactly) {
  LabelDocument doc;
  LabelMap start(200, 150, 0);
  for (int i = 0; i < 200 * 150; ++i) start.ids[i] = static_cast<std::uint8_t>((i * 7) % 3);
  doc.reset(start, test::threeClasses());
  QSignalSpy changed(&doc, &LabelDocument::labelsChanged);
  QSignalSpy modified(&doc, &LabelDocument::modifiedChanged);

  doc.beginGesture("Brush");
  doc.touch(raster::dab(doc.mutableLabels(), {20.5, 20.5}, 9, 1));
  doc.touch(raster::line(doc.mutableLabels(), {20.5, 20.5}, {120.5, 90.5}, 9, 1));
  doc.endGesture();
  const LabelMap after = doc.labels();
  EXPECT_EQ(doc.undoStack()->count(), 1);
  EXPECT_TRUE(doc.isModified());
  EXPECT_GE(changed.count(), 2);
  EXPECT_GE(modified.count(), 1);
  EXPECT_FALSE(after == start);

  doc.undoStack()->undo();
  EXPECT_EQ(doc.labels(), start);
  EXPECT_FALSE(doc.isModified());
  doc.undoStack()->redo();
  EXPECT_EQ(doc.labels(), after);
}

TEST(LabelDocument, CommandStoresOnlyChangedTiles) {
  LabelDocument doc;
  doc.reset(LabelMap(640, 480, 0), test::threeClasses());
  doc.beginGesture("Brush");
  doc.touch(raster::dab(doc.mutableLabels(), {300.5, 200.5}, 5, 2));
  doc.endGesture();
  const auto* cmd = dynamic_cast<const LabelEditCommand*>(doc.undoStack()->command(0));
  ASSERT_NE(cmd, nullptr);
  EXPECT_EQ(cmd->tiles().size(), 1u);
  EXPECT_LE(cmd->byteSize(), 2u * 64 * 64);
}

TEST(LabelDocument, EmptyGesturePushesNothing) {
  LabelDocument doc;
  doc.reset(LabelMap(16, 16, 1), test::threeClasses());
  doc.beginGesture("Brush");
  doc.touch(raster::dab(doc.mutableLabels(), {5.5, 5.5}, 3, 1));  // same class: no change
  doc.endGesture();
  EXPECT_EQ(doc.undoStack()->count(), 0);
  EXPECT_FALSE(doc.isModified());
}

TEST(LabelDocument, CancelGestureRestores) {
  LabelDocument doc;
  doc.reset(LabelMap(16, 16, 0), test::threeClasses());
  doc.beginGesture("Brush");
  doc.touch(raster::dab(doc.mutableLabels(), {5.5, 5.5}, 5, 2));
  doc.cancelGesture();
  EXPECT_EQ(doc.labels(), LabelMap(16, 16, 0));
  EXPECT_EQ(doc.undoStack()->count(), 0);
}

TEST(LabelDocument, MarkSavedDrivesModified) {
  LabelDocument doc;
  doc.reset(LabelMap(16, 16, 0), test::threeClasses());
  doc.beginGesture("Brush");
  doc.touch(raster::dab(doc.mutableLabels(), {5.5, 5.5}, 5, 2));
  doc.endGesture();
  EXPECT_TRUE(doc.isModified());
  doc.markSaved();
  EXPECT_FALSE(doc.isModified());
  doc.undoStack()->undo();
  EXPECT_TRUE(doc.isModified());
  doc.undoStack()->redo();
  EXPECT_FALSE(doc.isModified());
}

TEST(LabelDocument, ReplaceLabelsSameSizeUndoable) {
  LabelDocument doc;
  doc.reset(LabelMap(16, 8, 0), test::threeClasses());
  LabelMap next(16, 8, 2);
  doc.replaceLabels(next, "Import");
  EXPECT_EQ(doc.labels(), next);
  doc.undoStack()->undo();
  EXPECT_EQ(doc.labels(), LabelMap(16, 8, 0));
}

TEST(LabelDocument, ReplaceLabelsOtherSizeUndoable) {
  LabelDocument doc;
  doc.reset(LabelMap(16, 8, 0), test::threeClasses());
  QSignalSpy reset(&doc, &LabelDocument::documentReset);
  doc.replaceLabels(LabelMap(40, 30, 1), "New map");
  EXPECT_EQ(doc.width(), 40);
  EXPECT_EQ(reset.count(), 1);
  doc.undoStack()->undo();
  EXPECT_EQ(doc.labels(), LabelMap(16, 8, 0));
  doc.undoStack()->redo();
  EXPECT_EQ(doc.labels(), LabelMap(40, 30, 1));
}

TEST(LabelDocument, ClassStateAndCounts) {
  LabelDocument doc;
  doc.reset(LabelMap(10, 10, 0), test::threeClasses());
  doc.setClassLocked(1, true);
  EXPECT_TRUE(doc.isClassLocked(1));
  EXPECT_TRUE(doc.lockedMask().test(1));
  doc.setClassVisible(2, false);
  EXPECT_FALSE(doc.isClassVisible(2));
  doc.setCurrentClass(2);
  EXPECT_EQ(doc.currentClass(), 2);
  doc.setCurrentClass(7);  // out of range: ignored
  EXPECT_EQ(doc.currentClass(), 2);
  doc.beginGesture("Fill");
  doc.touch(raster::floodFill(doc.mutableLabels(), {0, 0}, 2));
  doc.endGesture();
  EXPECT_EQ(doc.classCounts()[2], 100);
  EXPECT_EQ(doc.classCounts()[0], 0);
}

TEST(LabelDocument, PhotoMustMatchMapSize) {
  LabelDocument doc;
  doc.reset(LabelMap(10, 10, 0), test::threeClasses());
  EXPECT_FALSE(doc.setPhoto(RgbImage(11, 10)));
  EXPECT_FALSE(doc.hasPhoto());
  EXPECT_TRUE(doc.setPhoto(RgbImage(10, 10, 7)));
  EXPECT_TRUE(doc.hasPhoto());
}
