// SPDX-License-Identifier: MIT
#include "ui/autosave_manager.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUuid>
#include <algorithm>

#include <QtConcurrent/QtConcurrentRun>

namespace symmflow::ui {

AutosaveManager::AutosaveManager(QString dir, QObject* parent) : QObject(parent), m_dir(std::move(dir)) {
  if (m_dir.isEmpty())
    m_dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/recovery");
  QDir().mkpath(m_dir);
  m_id = QUuid::createUuid().toString(QUuid::WithoutBraces);
  m_file = QDir(m_dir).filePath(m_id + ".symmflow");
  m_lock = std::make_unique<QLockFile>(QDir(m_dir).filePath(m_id + ".lock"));
  m_lock->setStaleLockTime(0);  // only a dead owner makes a lock stale, never its age
  m_lock->tryLock(0);
  m_timer.setSingleShot(true);
  m_timer.setInterval(20000);
  connect(&m_timer, &QTimer::timeout, this, &AutosaveManager::startSave);
  connect(&m_watcher, &QFutureWatcher<QString>::finished, this, [this] {
    const QString err = m_watcher.result();
    if (err.isEmpty()) {
      Q_EMIT saved(m_file);
    } else {
      Q_EMIT failed(err);
    }
    if (m_again) {
      m_again = false;
      m_timer.start();
    }
  });
}

AutosaveManager::~AutosaveManager() {
  m_timer.stop();
  waitForIdle();
  if (!m_crashed) {
    QFile::remove(m_file);
    m_lock->unlock();
  }
}

void AutosaveManager::markDirty() {
  if (m_watcher.isRunning()) {
    m_again = true;
    return;
  }
  if (!m_timer.isActive()) m_timer.start();
}

void AutosaveManager::markClean() {
  m_timer.stop();
  m_again = false;
  waitForIdle();
  QFile::remove(m_file);
}

void AutosaveManager::saveNow() {
  m_timer.stop();
  startSave();
}

void AutosaveManager::startSave() {
  if (!m_provider) return;
  if (m_watcher.isRunning()) {
    m_again = true;
    return;
  }
  // The snapshot is a deep copy taken on the GUI thread; encoding and disk I/O
  // happen on the pool.
  ProjectData snapshot = m_provider();
  const QString path = m_file;
  m_watcher.setFuture(QtConcurrent::run([snapshot = std::move(snapshot), path]() -> QString {
    const Status s = saveProject(snapshot, path);
    return s ? QString() : QString::fromStdString(s.error());
  }));
}

void AutosaveManager::waitForIdle() {
  if (m_watcher.isRunning()) m_watcher.waitForFinished();
}

bool AutosaveManager::hasAutosave() const { return QFile::exists(m_file); }

QList<RecoverableSession> AutosaveManager::recoverable() const {
  QList<RecoverableSession> out;
  const QDir d(m_dir);
  for (const QFileInfo& fi : d.entryInfoList({QStringLiteral("*.symmflow")}, QDir::Files)) {
    if (fi.absoluteFilePath() == QFileInfo(m_file).absoluteFilePath()) continue;
    const QString lockPath = d.filePath(fi.completeBaseName() + ".lock");
    QLockFile probe(lockPath);
    probe.setStaleLockTime(0);
    // A free (or stale: owner dead) lock means nobody is editing this session.
    if (!probe.tryLock(0)) {
      if (probe.error() != QLockFile::LockFailedError) continue;
      qint64 pid = 0;
      QString host, app;
      if (probe.getLockInfo(&pid, &host, &app)) continue;  // alive and locked
      if (!probe.removeStaleLockFile() || !probe.tryLock(0)) continue;
    }
    probe.unlock();
    out.push_back({fi.absoluteFilePath(), fi.lastModified(), lockPath});
  }
  std::sort(out.begin(), out.end(),
            [](const RecoverableSession& a, const RecoverableSession& b) { return a.modified > b.modified; });
  return out;
}

Result<ProjectData> AutosaveManager::load(const RecoverableSession& s) { return loadProject(s.path); }

void AutosaveManager::discard(const RecoverableSession& s) {
  QFile::remove(s.path);
  QFile::remove(s.lockPath);
}

void AutosaveManager::simulateCrashForTests() {
  waitForIdle();
  m_timer.stop();
  m_lock->unlock();
  m_crashed = true;
}

}  // namespace symmflow::ui
