// SPDX-License-Identifier: MIT
#pragma once
// Export of an image / label-map pair: <stem>.png (the image), <stem>-index.png
// (class ids, 255 = ignore), <stem>-color.png (class colours) and <stem>.json (model,
// classes, seed, steps, solver, timings). The PNGs carry the provenance as text
// chunks. Names never overwrite silently: when any of the four files exists, the
// stem gets "-2", "-3", ... until all four names are free.
#include <QString>
#include <QStringList>
#include <vector>

#include "core/result.h"
#include "core/types.h"
#include "ui/provenance.h"

namespace symmflow::ui {

struct ExportItem {
  RgbImage image;  // may be empty: only the masks are written
  LabelMap labels;
  Provenance provenance;
};

struct ExportOutcome {
  QStringList files;  // every file written
  QString stem;       // the stem actually used (may differ from the one asked for)
};

// The four file names for `stem` in `dir`.
QStringList exportFileNames(const QString& dir, const QString& stem);
// `stem`, or the first "stem-N" (N >= 2) whose four files are all absent.
QString uniqueExportStem(const QString& dir, const QString& stem);

// Writes one pair (atomically per file). On error the files already written are
// removed, so a failed export leaves nothing behind.
Result<ExportOutcome> exportPair(const ExportItem& item, const ClassList& classes, const QString& dir,
                                 const QString& stem);
// Writes every variation as stem-v1, stem-v2, ... (each made unique).
Result<std::vector<ExportOutcome>> exportBatch(const std::vector<ExportItem>& items, const ClassList& classes,
                                               const QString& dir, const QString& stem);

}  // namespace symmflow::ui
