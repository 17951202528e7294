// SPDX-License-Identifier: MIT
// Project save/open round trip and malformed files.
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "fake_backend.h"
#include "ui/project_file.h"

using namespace symmflow;
using namespace symmflow::ui;

namespace {

ProjectData sampleProject() {
  ProjectData p;
  p.classes = test::threeClasses();
  p.classes.ignoreIndex = 2;
  p.labels = LabelMap(40, 30, 1);
  for (int i = 0; i < 40 * 30; ++i) p.labels.ids[i] = static_cast<std::uint8_t>(i % 3);
  p.labels.at(0, 0) = LabelMap::kIgnoreId;
  p.reference = LabelMap(40, 30, 0);
  p.photo = RgbImage(40, 30);
  for (std::size_t i = 0; i < p.photo.pixels.size(); ++i) p.photo.pixels[i] = static_cast<std::uint8_t>(i * 13);
  p.uncertainty.assign(40 * 30, 0.25f);
  p.uncertainty[7] = 1.0f;
  p.photoPath = "/photos/street.jpg";
  p.modelPath = "/models/camvid.safetensors";
  p.modelSha256 = "abc123";
  p.currentClass = 2;
  p.backgroundClass = 1;
  p.hidden.set(1);
  p.locked.set(0);
  p.settings["steps"] = 17;
  ProjectResult r;
  r.image = RgbImage(32, 24, 99);
  r.provenance.kind = "generate";
  r.provenance.seed = 0xFFFFFFFFFFFFull;  // needs more than a double's 53 bits? no, but > 32 bits
  r.provenance.steps = 17;
  r.provenance.solver = "heun";
  r.labels = LabelMap(32, 24, 1);  // the map that made it: not the document's
  r.labels.at(3, 4) = 2;
  p.results.push_back(r);
  ProjectResult older = r;  // a result without its map (projects of before it was kept)
  older.labels = {};
  p.results.push_back(older);
  return p;
}

}  // namespace

TEST(ProjectFile, RoundTripKeepsEverything) {
  QTemporaryDir dir;
  const QString path = dir.filePath("a.symmflow");
  const ProjectData p = sampleProject();
  ASSERT_TRUE(saveProject(p, path).ok());
  auto r = loadProject(path);
  ASSERT_TRUE(r.ok()) << r.error();
  const ProjectData& q = r.value();
  EXPECT_EQ(q.labels, p.labels);
  EXPECT_EQ(q.reference, p.reference);
  EXPECT_EQ(q.photo, p.photo);
  ASSERT_EQ(q.uncertainty.size(), p.uncertainty.size());
  EXPECT_NEAR(q.uncertainty[0], 0.25f, 0.5f / 255) << "kept in 1/255 steps";
  EXPECT_EQ(q.uncertainty[7], 1.0f);
  ASSERT_EQ(q.classes.size(), 3);
  EXPECT_EQ(q.classes.classes[1].name, "road");
  EXPECT_EQ(q.classes.classes[1].color, (Rgb{128, 64, 128}));
  EXPECT_EQ(q.classes.ignoreIndex, 2);
  EXPECT_EQ(q.photoPath, p.photoPath);
  EXPECT_EQ(q.modelPath, p.modelPath);
  EXPECT_EQ(q.modelSha256, p.modelSha256);
  EXPECT_EQ(q.currentClass, 2);
  EXPECT_EQ(q.backgroundClass, 1);
  EXPECT_EQ(q.hidden, p.hidden);
  EXPECT_EQ(q.locked, p.locked);
  EXPECT_EQ(q.settings["steps"].toInt(), 17);
  ASSERT_EQ(q.results.size(), 2u);
  EXPECT_EQ(q.results[0].image, p.results[0].image);
  EXPECT_EQ(q.results[0].labels, p.results[0].labels) << "each result keeps the map that made it";
  EXPECT_TRUE(q.results[1].labels.empty());
  EXPECT_EQ(q.results[0].provenance.seed, p.results[0].provenance.seed);
  EXPECT_EQ(q.results[0].provenance.solver, "heun");
}

TEST(ProjectFile, SaveIsAtomicAndOverwrites) {
  QTemporaryDir dir;
  const QString path = dir.filePath("a.symmflow");
  ProjectData p = sampleProject();
  ASSERT_TRUE(saveProject(p, path).ok());
  p.currentClass = 0;
  ASSERT_TRUE(saveProject(p, path).ok());
  EXPECT_EQ(loadProject(path).value().currentClass, 0);
  // No temporary files left behind.
  EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files).size(), 1);
  // An unwritable destination is an error, not a crash.
  EXPECT_FALSE(saveProject(p, dir.filePath("missing/dir/a.symmflow")).ok());
}

TEST(ProjectFile, MalformedFilesAreRejected) {
  QTemporaryDir dir;
  const QByteArray good = encodeProject(sampleProject());
  auto write = [&](const QString& name, const QByteArray& bytes) {
    QFile f(dir.filePath(name));
    f.open(QIODevice::WriteOnly);
    f.write(bytes);
    return dir.filePath(name);
  };
  EXPECT_FALSE(loadProject(dir.filePath("absent.symmflow")).ok());
  EXPECT_FALSE(loadProject(write("empty.symmflow", {})).ok());
  EXPECT_FALSE(loadProject(write("text.symmflow", "hello world, not a project")).ok());
  // Truncated anywhere.
  for (int cut : {10, 20, 100, static_cast<int>(good.size()) / 2, static_cast<int>(good.size()) - 1}) {
    auto r = loadProject(write("cut.symmflow", good.left(cut)));
    EXPECT_FALSE(r.ok()) << cut;
    if (!r.ok()) {
      EXPECT_NE(r.error().find("cut.symmflow"), std::string::npos);
    }
  }
  // One flipped byte in the middle.
  QByteArray flipped = good;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x40);
  auto r = loadProject(write("flip.symmflow", flipped));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("corrupt"), std::string::npos) << r.error();
}

// A FIFO would block the open until a writer came and /dev/zero would be read without
// end: both are refused before reading (the test hangs or runs out of memory otherwise).
TEST(ProjectFile, FoldersDevicesAndPipesAreRefusedBeforeReading) {
  QTemporaryDir dir;
  const QString fifo = dir.filePath("pipe.symmflow");
  ASSERT_EQ(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
  for (const QString& path : {fifo, QStringLiteral("/dev/zero"), dir.path()}) {
    if (!QFileInfo::exists(path)) continue;
    auto r = loadProject(path);
    ASSERT_FALSE(r.ok()) << path.toStdString();
    EXPECT_NE(r.error().find("is not a project file (it is a folder, device or pipe)"), std::string::npos) << r.error();
  }
}
