// SPDX-License-Identifier: MIT
#include "ui/map_edits.h"

#include <QObject>
#include <algorithm>
#include <cmath>

#include "ui/label_document.h"

namespace symmflow::ui {

imaging::SpeckReport removeSpecks(LabelDocument& doc, std::int64_t minPixels) {
  if (doc.isEmpty()) return {};
  LabelMap map = doc.labels();
  const imaging::SpeckReport report = imaging::removeSpecks(map, minPixels, doc.lockedMask());
  if (report.pixels > 0) doc.replaceLabels(std::move(map), QObject::tr("Remove specks"));
  return report;
}

std::int64_t defaultSpeckSize(int width, int height) {
  const double pixels = static_cast<double>(std::max(0, width)) * std::max(0, height);
  return std::max<std::int64_t>(4, std::llround(pixels * 0.0005));
}

QString islandsPhrase(int merges) {
  return merges == 1 ? QObject::tr("1 island") : QObject::tr("%1 islands").arg(merges);
}

QString pixelsPhrase(std::int64_t pixels) {
  return pixels == 1 ? QObject::tr("1 pixel") : QObject::tr("%1 pixels").arg(pixels);
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
