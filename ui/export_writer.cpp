// SPDX-License-Identifier: MIT
#include "ui/export_writer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include "core/imaging/image_io.h"
#include "core/imaging/mask_io.h"

namespace symmflow::ui {

QStringList exportFileNames(const QString& dir, const QString& stem) {
  const QDir d(dir);
  return {d.filePath(stem + ".png"), d.filePath(stem + "-index.png"), d.filePath(stem + "-color.png"),
          d.filePath(stem + ".json")};
}

QString uniqueExportStem(const QString& dir, const QString& stem) {
  auto free = [&](const QString& s) {
    for (const QString& f : exportFileNames(dir, s))
      if (QFile::exists(f)) return false;
    return true;
  };
  if (free(stem)) return stem;
  for (int n = 2;; ++n) {
    const QString s = QStringLiteral("%1-%2").arg(stem).arg(n);
    if (free(s)) return s;
  }
}

Result<ExportOutcome> exportPair(const ExportItem& item, const ClassList& classes, const QString& dir,
                                 const QString& stem) {
  if (item.labels.empty()) return Error{"there is no label map to export"};
  if (!QDir(dir).exists()) return Error{"the folder " + dir.toStdString() + " does not exist"};
  ExportOutcome out;
  out.stem = uniqueExportStem(dir, stem);
  const QStringList names = exportFileNames(dir, out.stem);
  auto fail = [&](const std::string& msg) -> Result<ExportOutcome> {
    for (const QString& f : out.files) QFile::remove(f);
    return Error{msg};
  };
  Provenance prov = item.provenance;
  prov.labelsSha256 = prov.labelsSha256.isEmpty() ? labelMapHash(item.labels) : prov.labelsSha256;
  const auto text = prov.textChunks();
  if (!item.image.empty()) {
    const Status s = imaging::savePng(item.image, names[0].toStdString(), text);
    if (!s) return fail(s.error());
    out.files << names[0];
  }
  if (const Status s = imaging::saveIndexMask(item.labels, names[1].toStdString(), text); !s) return fail(s.error());
  out.files << names[1];
  if (const Status s = imaging::saveColorMask(item.labels, classes, names[2].toStdString(), text); !s)
    return fail(s.error());
  out.files << names[2];

  QJsonObject j = prov.toJson();
  j["format"] = "symmflow-export";
  j["image"] = item.image.empty() ? QJsonValue() : QJsonValue(QFileInfo(names[0]).fileName());
  j["index_mask"] = QFileInfo(names[1]).fileName();
  j["color_mask"] = QFileInfo(names[2]).fileName();
  j["mask_width"] = item.labels.width;
  j["mask_height"] = item.labels.height;
  QJsonArray cls;
  for (int i = 0; i < classes.size(); ++i) {
    const ClassInfo& c = classes.classes[i];
    cls.append(QJsonObject{{"id", i},
                           {"name", QString::fromStdString(c.name)},
                           {"color", QJsonArray{c.color[0], c.color[1], c.color[2]}}});
  }
  j["classes"] = cls;
  j["ignore_index"] = classes.ignoreIndex;
  QSaveFile f(names[3]);
  if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(j).toJson()) < 0 || !f.commit())
    return fail("cannot write " + names[3].toStdString() + ": " + f.errorString().toStdString());
  out.files << names[3];
  return out;
}

Result<std::vector<ExportOutcome>> exportBatch(const std::vector<ExportItem>& items, const ClassList& classes,
                                               const QString& dir, const QString& stem) {
  std::vector<ExportOutcome> all;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto r = exportPair(items[i], classes, dir, QStringLiteral("%1-v%2").arg(stem).arg(i + 1));
    if (!r) return Error{r.error()};
    all.push_back(std::move(r).value());
  }
  return all;
}

}  // namespace symmflow::ui
