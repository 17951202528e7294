// SPDX-License-Identifier: MIT
// A photo of another aspect than the model's: segmented whole (the covering windows of
// core/imaging/covering.h), edits beyond the centred crop explained, results paired with their map.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "core/imaging/framing.h"
#include "core/imaging/image_io.h"
#include "fake_backend.h"
#include "ui/label_document.h"
#include "ui/raster_ops.h"
#include "ui/studio_session.h"

using namespace symmflow;
using namespace symmflow::ui;

namespace {

struct WidePhoto : ::testing::Test {
  LabelDocument doc;
  StudioSession session{&doc};
  std::shared_ptr<test::FakeBackend> fake = std::make_shared<test::FakeBackend>(32, 24, 1);
  QTemporaryDir dir;

  void SetUp() override { session.setBackend(fake, "/models/fake.safetensors", "cafe"); }

  // 128x24 (the model is 32x24): dark (class 1 for the fake) left of x = 20, grey (class 0)
  // right of it -- the dark band lies outside the centred crop (x 48..80).
  QString writePhoto() {
    RgbImage img(128, 24, 150);
    for (int y = 0; y < 24; ++y)
      for (int x = 0; x < 20; ++x) img.at(x, y)[0] = img.at(x, y)[1] = img.at(x, y)[2] = 20;
    const QString path = dir.filePath("wide.png");
    EXPECT_TRUE(imaging::savePng(img, path.toStdString()).ok());
    return path;
  }
};

}  // namespace

TEST_F(WidePhoto, IsSegmentedWholeWithoutUnlabelledBands) {
  QSignalSpy segmented(&session, &StudioSession::photoSegmented);
  fake->calls = 0;
  ASSERT_TRUE(session.openPhoto(writePhoto()).ok());
  ASSERT_TRUE(segmented.wait(5000));
  ASSERT_EQ(doc.width(), 128);
  ASSERT_EQ(doc.height(), 24);
  EXPECT_EQ(fake->calls.load(), 5) << "the centred crop and the four windows that cover 128 columns";
  for (int y = 0; y < 24; ++y)
    for (int x = 0; x < 128; ++x) ASSERT_NE(doc.labels().at(x, y), LabelMap::kIgnoreId) << x << "," << y;
  EXPECT_EQ(doc.labels().at(5, 12), 1) << "the dark band beyond the centred crop is seen";
  EXPECT_EQ(doc.labels().at(110, 12), 0);
  EXPECT_EQ(session.uncertainty().size(), 128u * 24u);
}

TEST_F(WidePhoto, AnEditOutsideTheCentredCropIsRefusedWithTheReason) {
  ASSERT_TRUE(session.openPhoto(writePhoto()).ok());
  ASSERT_TRUE(QTest::qWaitFor([&] { return doc.width() == 128; }, 5000));
  doc.beginGesture("Fill");
  doc.touch(raster::polygonFill(doc.mutableLabels(), QPolygonF({{0, 0}, {16, 0}, {16, 16}, {0, 16}}), 2));
  doc.endGesture();
  QSignalSpy errors(&session, &StudioSession::errorOccurred);
  session.applyEdit();
  ASSERT_TRUE(QTest::qWaitFor([&] { return errors.count() > 0; }, 5000));
  EXPECT_TRUE(errors.front().at(1).toString().contains("outside the part of the photo the model regenerates"))
      << errors.front().at(1).toString().toStdString();
  EXPECT_TRUE(session.results().empty());
}

// Generating from a photo's map gives a model-size image; its result (what exports write)
// pairs it with the map the model saw at the image's size, not the photo-size map.
TEST_F(WidePhoto, AGeneratedImageIsPairedWithTheMapAtItsOwnSize) {
  ASSERT_TRUE(session.openPhoto(writePhoto()).ok());
  ASSERT_TRUE(QTest::qWaitFor([&] { return doc.width() == 128; }, 5000));
  QSignalSpy results(&session, &StudioSession::resultsChanged);
  ASSERT_NE(session.generate(), 0u);
  ASSERT_TRUE(results.wait(5000));
  const ResultEntry& r = session.results().back();
  ASSERT_EQ(r.image.width, 32);
  ASSERT_EQ(r.image.height, 24);
  EXPECT_EQ(r.labels.width, 32);
  EXPECT_EQ(r.labels.height, 24);
  // The centred crop (x 48..80) of the photo's map: class 0 (grey) only.
  EXPECT_EQ(r.labels, imaging::labelsToModel(doc.labels(), session.framing()));
}
