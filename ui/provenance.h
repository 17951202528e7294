// SPDX-License-Identifier: MIT
#pragma once
// Where an image came from: enough to regenerate it exactly (model file checksum,
// label-map hash, seed, the seed-to-noise mapping, steps, solver). Written as PNG text chunks and into the
// JSON sidecar and the project file.
#include <QJsonObject>
#include <QString>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/types.h"

namespace symmflow::ui {

struct Provenance {
  QString kind;  // "generate", "edit", "photo", ...
  QString modelName;
  QString modelFile;     // file name (not the full path: exports travel)
  QString modelSha256;   // of the model file
  QString labelsSha256;  // of the label map fed to the model (see labelMapHash)
  std::uint64_t seed = 0;
  QString noise;  // how the seed became noise (symmflow::noiseStream()); empty before 0.2.0
  int steps = 0;
  QString solver;
  int variation = 0;     // index within a batch of variations
  double seconds = 0.0;  // wall time of the run
  QString device;
  int width = 0;  // image size
  int height = 0;
  // Generations and edits: the share of the map's pixels (void left out) that the model's
  // one-step segmentation of the image labels as painted, 0..1; < 0 when not measured.
  double readBack = -1.0;

  QJsonObject toJson() const;
  static Provenance fromJson(const QJsonObject& o);
  // PNG text chunks: ("Software", ...), ("symmflow.seed", ...), ...
  std::vector<std::pair<std::string, std::string>> textChunks() const;
};

// SHA-256 (hex) of a label map: its width and height (little-endian int32) then ids.
QString labelMapHash(const LabelMap& labels);
// SHA-256 (hex) of a file's bytes, read in chunks; empty on error. Slow for big files:
// call it off the GUI thread.
QString fileSha256(const QString& path);

}  // namespace symmflow::ui
