// SPDX-License-Identifier: MIT
#include "core/imaging/mask_io.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/imaging/image_io.h"
#include "tests/imaging/test_util.h"

namespace symmflow::imaging {
namespace {

using test::TempDir;
using Encoding = MaskReport::Encoding;

ClassList threeClasses() {
  ClassList c;
  c.classes = {{"sky", {128, 128, 128}}, {"tree", {128, 128, 0}}, {"road", {128, 64, 128}}};
  return c;
}

ClassList nClasses(int n) {
  ClassList c;
  for (int i = 0; i < n; ++i)
    c.classes.push_back({"c" + std::to_string(i), {std::uint8_t(i * 20), 10, std::uint8_t(200 - i)}});
  return c;
}

TEST(MaskIo, IndexMaskRoundTrip) {
  TempDir dir;
  const ClassList classes = nClasses(12);
  std::mt19937 rng(11);
  LabelMap labels(41, 29);
  for (auto& id : labels.ids) id = std::uint8_t(rng() % 12);
  for (int x = 0; x < 41; ++x) labels.at(x, 3) = LabelMap::kIgnoreId;
  ASSERT_TRUE(saveIndexMask(labels, dir.file("m.png"), {{"classes", "12"}}).ok());
  EXPECT_EQ(readPngText(dir.file("m.png")).value(), (TextChunks{{"classes", "12"}}));

  auto imported = importMask(dir.file("m.png"), classes);
  ASSERT_TRUE(imported.ok()) << imported.error();
  const auto& [map, report] = imported.value();
  EXPECT_EQ(map, labels);
  EXPECT_EQ(report.encoding, Encoding::Index);
  EXPECT_EQ(report.ignorePixels, 41);
  EXPECT_EQ(report.outOfRangePixels, 0);
  ASSERT_EQ(report.histogram.size(), 12u);
  std::int64_t total = 0;
  for (auto h : report.histogram) total += h;
  EXPECT_EQ(total + report.ignorePixels, 41 * 29);
  EXPECT_NE(report.summary().find("41 ignore pixels"), std::string::npos) << report.summary();
}

TEST(MaskIo, IgnoreValue255IsCounted) {
  TempDir dir;
  LabelMap labels(10, 10, 1);
  for (int i = 0; i < 17; ++i) labels.ids[std::size_t(i) * 5] = 255;
  ASSERT_TRUE(saveIndexMask(labels, dir.file("m.png")).ok());
  auto imported = importMask(dir.file("m.png"), threeClasses());
  ASSERT_TRUE(imported.ok()) << imported.error();
  EXPECT_EQ(imported->second.ignorePixels, 17);
  EXPECT_EQ(imported->second.histogram[1], 83);
  EXPECT_EQ(imported->first, labels);
}

TEST(MaskIo, OutOfRangeIdsAreReportedAndHandledPerOptions) {
  TempDir dir;
  LabelMap labels(8, 8, 2);
  labels.at(0, 0) = 1;
  for (int x = 0; x < 5; ++x) labels.at(x, 7) = 40;  // not a class id (K = 12), not 255
  ASSERT_TRUE(saveIndexMask(labels, dir.file("m.png")).ok());
  const ClassList classes = nClasses(12);

  auto ignored = importMask(dir.file("m.png"), classes);
  ASSERT_TRUE(ignored.ok()) << ignored.error();
  EXPECT_EQ(ignored->second.encoding, Encoding::Index);
  EXPECT_EQ(ignored->second.outOfRangePixels, 5);
  EXPECT_EQ(ignored->first.at(0, 7), LabelMap::kIgnoreId);
  EXPECT_NE(ignored->second.summary().find("set to ignore"), std::string::npos);

  MaskImportOptions assign;
  assign.outOfRange = MaskImportOptions::OutOfRange::AssignClass;
  assign.assignClass = 3;
  auto assigned = importMask(dir.file("m.png"), classes, assign);
  ASSERT_TRUE(assigned.ok()) << assigned.error();
  EXPECT_EQ(assigned->first.at(4, 7), 3);
  EXPECT_EQ(assigned->second.histogram[3], 5);

  MaskImportOptions strict;
  strict.outOfRange = MaskImportOptions::OutOfRange::Error;
  auto failed = importMask(dir.file("m.png"), classes, strict);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().find("value 40 at 5 pixels is not a class id"), std::string::npos) << failed.error();
}

TEST(MaskIo, ColourMaskSnapsNearColoursAndReportsUnknownOnes) {
  TempDir dir;
  const ClassList classes = threeClasses();
  RgbImage mask(20, 20);
  for (int y = 0; y < 20; ++y)
    for (int x = 0; x < 20; ++x) {
      const Rgb& c = classes.classes[std::size_t((x / 7) % 3)].color;
      std::copy(c.begin(), c.end(), mask.at(x, y));
    }
  const std::uint8_t nearTree[3] = {131, 125, 4};  // e.g. JPEG noise on tree
  for (int x = 0; x < 6; ++x) std::copy(nearTree, nearTree + 3, mask.at(x, 10));
  ASSERT_TRUE(savePng(mask, dir.file("c.png")).ok());

  auto imported = importMask(dir.file("c.png"), classes);
  ASSERT_TRUE(imported.ok()) << imported.error();
  const auto& [labels, report] = imported.value();
  EXPECT_EQ(report.encoding, Encoding::Color);
  EXPECT_EQ(report.offPalettePixels, 6);
  ASSERT_EQ(report.unknownColors.size(), 1u);
  EXPECT_EQ(report.unknownColors[0], (Rgb{131, 125, 4}));
  EXPECT_EQ(report.unknownColorPixels[0], 6);
  EXPECT_EQ(labels.at(0, 10), 1) << "snapped to tree";
  EXPECT_EQ(labels.at(8, 0), 1);
  EXPECT_EQ(labels.at(15, 0), 2);
  EXPECT_NE(report.summary().find("snapped to the nearest class"), std::string::npos) << report.summary();
}

TEST(MaskIo, StrictColourImportNamesTheUnknownColour) {
  TempDir dir;
  const ClassList classes = threeClasses();
  RgbImage mask(20, 20, 128);  // sky everywhere
  for (int i = 0; i < 340; ++i) {
    std::uint8_t* p = mask.at(i % 20, i / 20);
    p[0] = 12;
    p[1] = 200;
    p[2] = 7;
  }
  ASSERT_TRUE(savePng(mask, dir.file("c.png")).ok());
  MaskImportOptions strict;
  strict.offPalette = MaskImportOptions::OffPalette::Error;
  auto failed = importMask(dir.file("c.png"), classes, strict);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().find("colour (12, 200, 7) at 340 pixels is not a class colour of this "
                                "model; nearest is 'tree' (128, 128, 0)"),
            std::string::npos)
      << failed.error();
  EXPECT_EQ(failed.error().find("photo"), std::string::npos) << failed.error();

  // A photo picked as a label map: thousands of colours, almost none a class colour.
  RgbImage photo(64, 64);
  for (int i = 0; i < 64 * 64; ++i) {
    photo.pixels[3 * i] = static_cast<std::uint8_t>(i % 251);
    photo.pixels[3 * i + 1] = static_cast<std::uint8_t>(i / 17);
    photo.pixels[3 * i + 2] = 60;
  }
  ASSERT_TRUE(savePng(photo, dir.file("photo.png")).ok());
  auto notAMap = importMask(dir.file("photo.png"), classes, strict);
  ASSERT_FALSE(notAMap.ok());
  EXPECT_NE(notAMap.error().find("is this a photo rather than a label map?"), std::string::npos) << notAMap.error();

  MaskImportOptions toClass;
  toClass.offPalette = MaskImportOptions::OffPalette::AssignClass;
  toClass.assignClass = 2;
  auto assigned = importMask(dir.file("c.png"), classes, toClass);
  ASSERT_TRUE(assigned.ok());
  EXPECT_EQ(assigned->second.histogram[2], 340);
}

TEST(MaskIo, ColourMaskRoundTripKeepsIgnore) {
  TempDir dir;
  const ClassList classes = threeClasses();
  LabelMap labels(9, 7, 0);
  labels.at(1, 1) = 1;
  labels.at(2, 2) = 2;
  labels.at(3, 3) = LabelMap::kIgnoreId;
  ASSERT_TRUE(saveColorMask(labels, classes, dir.file("c.png")).ok());
  auto imported = importMask(dir.file("c.png"), classes);
  ASSERT_TRUE(imported.ok()) << imported.error();
  EXPECT_EQ(imported->first, labels);
  EXPECT_EQ(imported->second.encoding, Encoding::Color);
  EXPECT_EQ(imported->second.ignorePixels, 1);
  EXPECT_EQ(imported->second.offPalettePixels, 0);
}

TEST(MaskIo, ScaledGreyIdsTimes20AreDetected) {
  TempDir dir;
  LabelMap grey(12, 3);
  LabelMap expected(12, 3);
  for (int x = 0; x < 12; ++x) {
    grey.at(x, 0) = grey.at(x, 1) = std::uint8_t(x * 20);
    expected.at(x, 0) = expected.at(x, 1) = std::uint8_t(x);
    grey.at(x, 2) = 255;  // ignore, not on the x20 scale
    expected.at(x, 2) = LabelMap::kIgnoreId;
  }
  ASSERT_TRUE(saveIndexMask(grey, dir.file("g.png")).ok());
  auto imported = importMask(dir.file("g.png"), nClasses(12));
  ASSERT_TRUE(imported.ok()) << imported.error();
  EXPECT_EQ(imported->second.encoding, Encoding::ScaledGrey);
  EXPECT_DOUBLE_EQ(imported->second.greyStep, 20.0);
  EXPECT_EQ(imported->first, expected);
  EXPECT_EQ(imported->second.ignorePixels, 12);
  EXPECT_NE(imported->second.summary().find("x20"), std::string::npos);
}

TEST(MaskIo, ScaledGreyStretchedOverFullRangeIsDetected) {
  TempDir dir;
  constexpr int kClasses = 12;
  LabelMap grey(kClasses, 2), expected(kClasses, 2);
  for (int x = 0; x < kClasses; ++x)
    for (int y = 0; y < 2; ++y) {
      grey.at(x, y) = std::uint8_t(std::lround(x * 255.0 / (kClasses - 1)));
      expected.at(x, y) = std::uint8_t(x);
    }
  ASSERT_EQ(grey.at(kClasses - 1, 0), 255);
  ASSERT_TRUE(saveIndexMask(grey, dir.file("s.png")).ok());
  auto imported = importMask(dir.file("s.png"), nClasses(kClasses));
  ASSERT_TRUE(imported.ok()) << imported.error();
  EXPECT_EQ(imported->second.encoding, Encoding::ScaledGrey);
  EXPECT_EQ(imported->first, expected) << "255 is id 11 on a stretched scale, not ignore";
}

TEST(MaskIo, GreyStoredAsRgbIsReadAsGrey) {
  TempDir dir;
  RgbImage rgb(4, 1);
  for (int x = 0; x < 4; ++x) rgb.at(x, 0)[0] = rgb.at(x, 0)[1] = rgb.at(x, 0)[2] = std::uint8_t(x);
  ASSERT_TRUE(savePng(rgb, dir.file("r.png")).ok());
  auto imported = importMask(dir.file("r.png"), nClasses(5));
  ASSERT_TRUE(imported.ok()) << imported.error();
  EXPECT_EQ(imported->second.encoding, Encoding::Index);
  EXPECT_EQ(imported->first.at(3, 0), 3);
}

TEST(MaskIo, TransparentPixelsAreIgnore) {
  TempDir dir;
  const ClassList classes = threeClasses();
  cv::Mat rgba(2, 2, CV_8UC4, cv::Scalar(0, 128, 128, 255));  // B,G,R,A = tree
  rgba.at<cv::Vec4b>(1, 1) = cv::Vec4b(5, 6, 7, 0);
  ASSERT_TRUE(cv::imwrite(dir.file("a.png"), rgba));
  auto imported = importMask(dir.file("a.png"), classes);
  ASSERT_TRUE(imported.ok()) << imported.error();
  EXPECT_EQ(imported->first.at(0, 0), 1);
  EXPECT_EQ(imported->first.at(1, 1), LabelMap::kIgnoreId);
  EXPECT_EQ(imported->second.offPalettePixels, 0);
}

TEST(MaskIo, ImportErrors) {
  TempDir dir;
  EXPECT_NE(importMask(dir.file("none.png"), threeClasses()).error().find("does not exist"), std::string::npos);
  ASSERT_TRUE(saveIndexMask(LabelMap(2, 2), dir.file("m.png")).ok());
  EXPECT_NE(importMask(dir.file("m.png"), ClassList{}).error().find("no classes"), std::string::npos);
  MaskImportOptions bad;
  bad.offPalette = MaskImportOptions::OffPalette::AssignClass;
  bad.assignClass = 9;
  EXPECT_NE(importMask(dir.file("m.png"), threeClasses(), bad).error().find("does not exist"), std::string::npos);
}

// Resource limits (issue 7): the largest class list a mask can hold, and beyond.
TEST(MaskIo, MaskWith255ClassesKeepsEveryIdAnd256ClassesAreRefused) {
  TempDir dir;
  LabelMap all(16, 16);
  for (int i = 0; i < 256; ++i) all.ids[std::size_t(i)] = std::uint8_t(i);  // 0..254 + ignore
  ASSERT_TRUE(saveIndexMask(all, dir.file("all.png")).ok());
  const auto imported = importMask(dir.file("all.png"), nClasses(255));
  ASSERT_TRUE(imported.ok()) << imported.error();
  EXPECT_EQ(imported->second.encoding, Encoding::Index);
  EXPECT_EQ(imported->first, all);
  EXPECT_EQ(imported->second.ignorePixels, 1);
  ASSERT_EQ(imported->second.histogram.size(), 255u);
  for (auto n : imported->second.histogram) EXPECT_EQ(n, 1);
  EXPECT_NE(importMask(dir.file("all.png"), nClasses(256)).error().find("more than 255 classes"), std::string::npos);
}

TEST(MaskIo, HugeAndZeroSizedMasksAreRefusedWithAClearMessage) {
  TempDir dir;
  auto header = [](std::uint32_t w, std::uint32_t h) {
    auto be = [](std::uint32_t v) {
      return std::string{char(v >> 24), char((v >> 16) & 0xFF), char((v >> 8) & 0xFF), char(v & 0xFF)};
    };
    return std::string("\x89PNG\r\n\x1a\n", 8) + be(13) + "IHDR" + be(w) + be(h) +
           std::string("\x08\x00\x00\x00\x00", 5) + be(0);
  };
  test::writeBytes(dir.file("huge.png"), header(20000, 20000));
  const auto huge = importMask(dir.file("huge.png"), threeClasses());
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().find("too large: 20000x20000"), std::string::npos) << huge.error();
  test::writeBytes(dir.file("zero.png"), header(0, 7));
  const auto zero = importMask(dir.file("zero.png"), threeClasses());
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.error().find("zero size"), std::string::npos) << zero.error();
}

TEST(MaskIo, ColorizeUsesClassColoursAndIgnoreStyle) {
  const ClassList classes = threeClasses();
  LabelMap labels(16, 16, 2);
  labels.at(0, 0) = LabelMap::kIgnoreId;
  labels.at(8, 0) = LabelMap::kIgnoreId;
  const RgbImage black = colorize(labels, classes);
  EXPECT_EQ(black.at(1, 0)[1], 64);
  EXPECT_EQ(black.at(0, 0)[0], 0);
  const RgbImage checker = colorize(labels, classes, IgnoreStyle::Checker);
  EXPECT_EQ(checker.at(0, 0)[0], 96);
  EXPECT_EQ(checker.at(8, 0)[0], 160);
  EXPECT_TRUE(colorize(LabelMap{}, classes).empty());
}

}  // namespace
}  // namespace symmflow::imaging
