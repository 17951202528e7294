// SPDX-License-Identifier: MIT
// Background autosave and recovery after a crash.
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "fake_backend.h"
#include "ui/autosave_manager.h"

using namespace symmflow;
using namespace symmflow::ui;

namespace {
ProjectData project(std::uint8_t fill) {
  ProjectData p;
  p.classes = test::threeClasses();
  p.labels = LabelMap(20, 10, fill);
  return p;
}
}  // namespace

TEST(Autosave, SavesInTheBackgroundAfterAChange) {
  QTemporaryDir dir;
  AutosaveManager a(dir.path());
  a.setDelay(10);
  a.setSnapshotProvider([] { return project(2); });
  QSignalSpy saved(&a, &AutosaveManager::saved);
  a.markDirty();
  ASSERT_TRUE(saved.wait(5000));
  EXPECT_TRUE(a.hasAutosave());
  auto loaded = loadProject(a.autosavePath());
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded->labels, LabelMap(20, 10, 2));
}

TEST(Autosave, CleanShutdownLeavesNothing) {
  QTemporaryDir dir;
  QString path;
  {
    AutosaveManager a(dir.path());
    a.setSnapshotProvider([] { return project(1); });
    a.saveNow();
    a.waitForIdle();
    path = a.autosavePath();
    EXPECT_TRUE(QFile::exists(path));
  }
  EXPECT_FALSE(QFile::exists(path));
  AutosaveManager b(dir.path());
  EXPECT_TRUE(b.recoverable().isEmpty());
}

TEST(Autosave, LiveSessionsAreNotOffered) {
  QTemporaryDir dir;
  AutosaveManager a(dir.path());
  a.setSnapshotProvider([] { return project(1); });
  a.saveNow();
  a.waitForIdle();
  AutosaveManager b(dir.path());
  EXPECT_TRUE(b.recoverable().isEmpty());  // a is still running
}

TEST(Autosave, CrashedSessionIsRecovered) {
  QTemporaryDir dir;
  {
    AutosaveManager a(dir.path());
    a.setSnapshotProvider([] { return project(2); });
    a.saveNow();
    a.waitForIdle();
    a.simulateCrashForTests();
  }
  AutosaveManager b(dir.path());
  const auto list = b.recoverable();
  ASSERT_EQ(list.size(), 1);
  auto p = AutosaveManager::load(list.front());
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->labels, LabelMap(20, 10, 2));
  AutosaveManager::discard(list.front());
  EXPECT_TRUE(b.recoverable().isEmpty());
}

TEST(Autosave, MarkCleanDeletesTheAutosave) {
  QTemporaryDir dir;
  AutosaveManager a(dir.path());
  a.setSnapshotProvider([] { return project(1); });
  a.saveNow();
  a.waitForIdle();
  ASSERT_TRUE(a.hasAutosave());
  a.markClean();
  EXPECT_FALSE(a.hasAutosave());
}
