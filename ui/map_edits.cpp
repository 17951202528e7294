// SPDX-License-Identifier: MIT
#include "ui/map_edits.h"

#include <QEventLoop>
#include <QFutureWatcher>
#include <QObject>
#include <QProgressDialog>
#include <algorithm>
#include <atomic>
#include <cmath>

#include <QtConcurrent/QtConcurrentRun>

#include "ui/label_document.h"

namespace symmflow::ui {

namespace {

// imaging::removeSpecks on a worker thread; a local event loop keeps the window painted and
// a window-modal progress dialog blocks input to it, so the map cannot be edited meanwhile.
imaging::SpeckReport removeSpecksOnAThread(LabelMap& map, std::int64_t minPixels, const std::bitset<256>& keep,
                                           const LabelDocument& doc, std::int64_t runs, QWidget* parent) {
  std::atomic<bool> cancel{false};
  bool changed = false;
  QProgressDialog progress(
      QObject::tr("Removing specks: this map is very fragmented (%L1 stretches of one class in its "
                  "rows), so it may take a while.")
          .arg(runs),
      QObject::tr("Cancel"), 0, 0, parent);
  progress.setWindowTitle(QObject::tr("Remove specks"));
  progress.setWindowModality(Qt::WindowModal);
  progress.setMinimumDuration(0);
  progress.setAutoClose(false);
  progress.setAutoReset(false);
  QObject::connect(&progress, &QProgressDialog::canceled, [&cancel] { cancel = true; });
  // Nothing else should change the map while the dialog is up; if something does, the
  // result would undo it, so it is dropped.
  const QMetaObject::Connection watch = QObject::connect(&doc, &LabelDocument::labelsChanged, &progress, [&] {
    changed = true;
    cancel = true;
  });
  QEventLoop loop;
  QFutureWatcher<imaging::SpeckReport> watcher;
  QObject::connect(&watcher, &QFutureWatcher<imaging::SpeckReport>::finished, &loop, &QEventLoop::quit);
  watcher.setFuture(QtConcurrent::run([&] { return imaging::removeSpecks(map, minPixels, keep, &cancel); }));
  progress.show();
  if (!watcher.isFinished()) loop.exec();
  // The loop also ends when the application quits: the thread must be done with `map` first.
  cancel = cancel || !watcher.isFinished();
  watcher.waitForFinished();
  QObject::disconnect(watch);
  imaging::SpeckReport report = watcher.result();
  if (changed) report = imaging::SpeckReport{0, 0, true};
  return report;
}

}  // namespace

imaging::SpeckReport removeSpecks(LabelDocument& doc, std::int64_t minPixels, QWidget* parent) {
  if (doc.isEmpty()) return {};
  LabelMap map = doc.labels();
  const std::bitset<256> keep = doc.lockedMask();
  const std::int64_t runs = imaging::countRuns(map);
  const imaging::SpeckReport report = parent != nullptr && runs > kSpeckRunsAtOnce
                                          ? removeSpecksOnAThread(map, minPixels, keep, doc, runs, parent)
                                          : imaging::removeSpecks(map, minPixels, keep);
  if (!report.cancelled && report.pixels > 0) doc.replaceLabels(std::move(map), QObject::tr("Remove specks"));
  return report;
}

std::int64_t defaultSpeckSize(int width, int height) {
  const double pixels = static_cast<double>(std::max(0, width)) * std::max(0, height);
  return std::max<std::int64_t>(4, std::llround(pixels * 0.0005));
}

QString islandsPhrase(int merges) {
  return merges == 1 ? QObject::tr("1 island") : QObject::tr("%L1 islands").arg(merges);
}

QString pixelsPhrase(std::int64_t pixels) {
  return pixels == 1 ? QObject::tr("1 pixel") : QObject::tr("%L1 pixels").arg(pixels);
}

std::int64_t replaceClass(LabelDocument& doc, int from, int to) {
  const int n = doc.classes().size();
  if (doc.isEmpty() || from == to || from < 0 || to < 0 || from >= n || to >= n || doc.isClassLocked(from)) return 0;
  LabelMap map = doc.labels();
  std::int64_t changed = 0;
  for (auto& id : map.ids)
    if (id == from) {
      id = static_cast<std::uint8_t>(to);
      ++changed;
    }
  if (changed > 0) {
    const auto name = [&](int id) { return QString::fromStdString(doc.classes().classes[id].name); };
    doc.replaceLabels(std::move(map), QObject::tr("Replace %1 with %2").arg(name(from), name(to)));
  }
  return changed;
}

}  // namespace symmflow::ui
