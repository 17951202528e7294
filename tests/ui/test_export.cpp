// SPDX-License-Identifier: MIT
// Export writes readable files with the right contents and never overwrites.
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include "core/imaging/image_io.h"
#include "core/imaging/mask_io.h"
#include "fake_backend.h"
#include "ui/export_writer.h"

using namespace symmflow;
using namespace symmflow::ui;

namespace {

ExportItem sampleItem() {
  ExportItem item;
  item.labels = LabelMap(16, 12, 0);
  for (int y = 0; y < 12; ++y)
    for (int x = 8; x < 16; ++x) item.labels.at(x, y) = 2;
  item.labels.at(0, 0) = LabelMap::kIgnoreId;
  item.image = RgbImage(16, 12);
  for (std::size_t i = 0; i < item.image.pixels.size(); ++i) item.image.pixels[i] = static_cast<std::uint8_t>(i);
  item.provenance.kind = "generate";
  item.provenance.modelName = "fake";
  item.provenance.modelSha256 = "deadbeef";
  item.provenance.seed = 42;
  item.provenance.noise = "philox4x32-10+box-muller";
  item.provenance.steps = 8;
  item.provenance.solver = "heun";
  item.provenance.seconds = 1.25;
  item.provenance.readBack = 0.8125;
  return item;
}

std::string chunk(const imaging::TextChunks& t, const std::string& key) {
  for (const auto& [k, v] : t)
    if (k == key) return v;
  return {};
}

}  // namespace

TEST(Export, WritesFourReadableFiles) {
  QTemporaryDir dir;
  const ExportItem item = sampleItem();
  auto r = exportPair(item, test::threeClasses(), dir.path(), "street");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->stem, "street");
  ASSERT_EQ(r->files.size(), 4);

  auto img = imaging::loadImage(dir.filePath("street.png").toStdString());
  ASSERT_TRUE(img.ok()) << img.error();
  EXPECT_EQ(img.value(), item.image);

  auto mask = imaging::importMask(dir.filePath("street-index.png").toStdString(), test::threeClasses());
  ASSERT_TRUE(mask.ok()) << mask.error();
  EXPECT_EQ(mask->first, item.labels);

  auto colour = imaging::importMask(dir.filePath("street-color.png").toStdString(), test::threeClasses());
  ASSERT_TRUE(colour.ok()) << colour.error();
  EXPECT_EQ(colour->second.encoding, imaging::MaskReport::Encoding::Color);
  EXPECT_EQ(colour->first.at(10, 5), 2);
  EXPECT_EQ(colour->first.at(3, 5), 0);

  // Provenance in the PNG text chunks.
  auto text = imaging::readPngText(dir.filePath("street.png").toStdString());
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_EQ(chunk(*text, "symmflow.seed"), "42");
  EXPECT_EQ(chunk(*text, "symmflow.noise"), "philox4x32-10+box-muller");
  EXPECT_EQ(chunk(*text, "symmflow.steps"), "8");
  EXPECT_EQ(chunk(*text, "symmflow.solver"), "heun");
  EXPECT_EQ(chunk(*text, "symmflow.model_sha256"), "deadbeef");
  EXPECT_EQ(chunk(*text, "symmflow.labels_sha256"), labelMapHash(item.labels).toStdString());
  EXPECT_EQ(chunk(*text, "symmflow.read_back"), "0.812500");

  // JSON sidecar.
  QFile f(dir.filePath("street.json"));
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QJsonObject j = QJsonDocument::fromJson(f.readAll()).object();
  EXPECT_EQ(j["seed"].toString(), "42");
  EXPECT_EQ(j["noise"].toString(), "philox4x32-10+box-muller");
  EXPECT_EQ(j["steps"].toInt(), 8);
  EXPECT_EQ(j["solver"].toString(), "heun");
  EXPECT_EQ(j["model"].toString(), "fake");
  EXPECT_DOUBLE_EQ(j["seconds"].toDouble(), 1.25);
  EXPECT_EQ(j["classes"].toArray().size(), 3);
  EXPECT_EQ(j["index_mask"].toString(), "street-index.png");
  EXPECT_DOUBLE_EQ(j["read_back"].toDouble(), 0.8125);
  EXPECT_DOUBLE_EQ(Provenance::fromJson(j).readBack, 0.8125);
  // Not measured (a photo, or a run without previews): no key; nonsense reads as not measured.
  Provenance none;
  EXPECT_FALSE(none.toJson().contains("read_back"));
  EXPECT_TRUE(chunk(none.textChunks(), "symmflow.read_back").empty());
  QJsonObject bad = j;
  bad["read_back"] = 7.0;
  EXPECT_LT(Provenance::fromJson(bad).readBack, 0.0);
}

TEST(Export, NeverOverwritesSilently) {
  QTemporaryDir dir;
  const ExportItem item = sampleItem();
  ASSERT_TRUE(exportPair(item, test::threeClasses(), dir.path(), "x").ok());
  const QByteArray first = [&] {
    QFile f(dir.filePath("x.png"));
    f.open(QIODevice::ReadOnly);
    return f.readAll();
  }();
  auto second = exportPair(item, test::threeClasses(), dir.path(), "x");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->stem, "x-2");
  // Only a JSON of a third name exists: that stem is taken as a whole.
  QFile stray(dir.filePath("x-3.json"));
  stray.open(QIODevice::WriteOnly);
  stray.write("{}");
  stray.close();
  EXPECT_EQ(uniqueExportStem(dir.path(), "x"), "x-4");
  QFile f(dir.filePath("x.png"));
  f.open(QIODevice::ReadOnly);
  EXPECT_EQ(f.readAll(), first);
}

TEST(Export, BatchWritesEveryVariation) {
  QTemporaryDir dir;
  std::vector<ExportItem> items{sampleItem(), sampleItem(), sampleItem()};
  for (int i = 0; i < 3; ++i) items[i].provenance.seed = 100 + i;
  auto r = exportBatch(items, test::threeClasses(), dir.path(), "run");
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const QString png = dir.filePath(QStringLiteral("run-v%1.png").arg(i + 1));
    auto text = imaging::readPngText(png.toStdString());
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(chunk(*text, "symmflow.seed"), std::to_string(100 + i));
  }
}

TEST(Export, ErrorsLeaveNothingBehind) {
  QTemporaryDir dir;
  EXPECT_FALSE(exportPair(sampleItem(), test::threeClasses(), dir.filePath("missing"), "x").ok());
  ExportItem empty;
  EXPECT_FALSE(exportPair(empty, test::threeClasses(), dir.path(), "x").ok());
  EXPECT_TRUE(QDir(dir.path()).entryList(QDir::Files).isEmpty());
}
