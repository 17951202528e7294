// SPDX-License-Identifier: MIT
#pragma once
// The project file (*.symmflow): the label map, the photo, the reference
// segmentation, per-class state, run settings and the history of results, in one
// file. Format (little-endian):
//   "SYMMFLOWPROJECT\n"             16 bytes magic
//   u32 version (1)
//   u32 header size, header         UTF-8 JSON (see ProjectData::toJson)
//   u32 blob count, then per blob:  u32 name size, name, u64 size, bytes
//   32 bytes                        SHA-256 of everything before it
// Maps are raw ids (width*height bytes), images PNG; a result's map is the optional
// blob "result-map/<i>" (its size in the result's "map_width"/"map_height"). Reading checks the checksum,
// every size and the JSON before anything is returned, so a truncated or corrupt
// file gives an error and nothing else. Writing is atomic (temporary file + rename).
#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <bitset>
#include <vector>

#include "core/result.h"
#include "core/types.h"
#include "ui/provenance.h"

namespace symmflow::ui {

struct ProjectResult {
  RgbImage image;
  Provenance provenance;
  LabelMap labels;  // the map that made the image, at its size; empty in older projects
};

struct ProjectData {
  LabelMap labels;
  LabelMap reference;  // may be empty
  ClassList classes;
  RgbImage photo;  // may be empty; else the map's size
  // The photo's segmentation uncertainty in [0,1], row-major at the map's size; may be
  // empty. Stored in 1/255 steps (blob "uncertainty", one byte a pixel).
  std::vector<float> uncertainty;
  QString photoPath;  // where the photo came from (informative)
  QString modelPath;
  QString modelSha256;
  int currentClass = 0;
  int backgroundClass = 0;
  std::bitset<256> hidden;
  std::bitset<256> locked;
  QJsonObject settings;  // steps, solver, seed, ...
  std::vector<ProjectResult> results;
};

inline constexpr char kProjectSuffix[] = "symmflow";
inline constexpr qint64 kMaxProjectBytes = qint64(2) * 1024 * 1024 * 1024;

QByteArray encodeProject(const ProjectData& project);
Result<ProjectData> decodeProject(const QByteArray& bytes);

// Atomic: on failure the previous file is untouched.
Status saveProject(const ProjectData& project, const QString& path);
// Errors name the file and the problem ("is not a SymmFlow project", "is corrupt or
// truncated", ...).
Result<ProjectData> loadProject(const QString& path);

}  // namespace symmflow::ui
