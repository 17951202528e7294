// SPDX-License-Identifier: MIT
#pragma once
// Background autosave and crash recovery.
//
// Each running editor owns a session id, a lock file "<id>.lock" (QLockFile, held
// for the session's lifetime) and an autosave file "<id>.symmflow" in the recovery
// folder. After a change, a timer takes a snapshot on the GUI thread (a copy of the
// data, cheap) and a thread-pool task encodes and writes it atomically; the GUI never
// waits for the disk. A clean shutdown deletes the session's files. At the next
// start, autosave files whose lock is free (their editor died) are offered for
// recovery.
#include <QDateTime>
#include <QFutureWatcher>
#include <QLockFile>
#include <QObject>
#include <QString>
#include <QTimer>
#include <functional>
#include <memory>

#include "core/result.h"
#include "ui/project_file.h"

namespace symmflow::ui {

struct RecoverableSession {
  QString path;        // the autosave file
  QDateTime modified;  // when it was written
  QString lockPath;
};

class AutosaveManager : public QObject {
  Q_OBJECT
 public:
  // `dir` empty = <AppDataLocation>/recovery. Created when missing.
  explicit AutosaveManager(QString dir = {}, QObject* parent = nullptr);
  // A clean end: deletes this session's autosave file and lock.
  ~AutosaveManager() override;

  QString directory() const { return m_dir; }
  QString autosavePath() const { return m_file; }
  // Delay between a change and the autosave (ms).
  void setDelay(int ms) { m_timer.setInterval(ms); }
  // Supplies the snapshot to save (called on the GUI thread).
  void setSnapshotProvider(std::function<ProjectData()> provider) { m_provider = std::move(provider); }

  // Something changed: schedule an autosave.
  void markDirty();
  // The work is saved or closed: no autosave is needed; deletes the file.
  void markClean();
  // Starts a save now (asynchronous).
  void saveNow();
  // Blocks until a save in flight is done (shutdown and tests only).
  void waitForIdle();
  bool hasAutosave() const;

  // Autosaves of dead sessions in `dir` (not this one), newest first.
  QList<RecoverableSession> recoverable() const;
  // Loads a recoverable session (the caller then calls discard()).
  static Result<ProjectData> load(const RecoverableSession& s);
  // Deletes a dead session's files.
  static void discard(const RecoverableSession& s);

  // Tests: behave like a killed editor (keep the file, release the lock).
  void simulateCrashForTests();

 Q_SIGNALS:
  void saved(const QString& path);
  void failed(const QString& message);

 private:
  void startSave();

  QString m_dir;
  QString m_id;
  QString m_file;
  std::unique_ptr<QLockFile> m_lock;
  QTimer m_timer;
  std::function<ProjectData()> m_provider;
  QFutureWatcher<QString> m_watcher;  // result: error message, empty on success
  bool m_again = false;               // a change arrived while saving
  bool m_crashed = false;
};

}  // namespace symmflow::ui
