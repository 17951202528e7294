// SPDX-License-Identifier: MIT
#include "ui/provenance.h"

#include <QCoreApplication>
#include <QJsonValue>

#include "core/imaging/provenance.h"

namespace symmflow::ui {

QJsonObject Provenance::toJson() const {
  QJsonObject o;
  o["kind"] = kind;
  o["model"] = modelName;
  o["model_file"] = modelFile;
  o["model_sha256"] = modelSha256;
  o["labels_sha256"] = labelsSha256;
  // Seeds are 64-bit: a string keeps every bit (JSON numbers are doubles).
  o["seed"] = QString::number(seed);
  if (!noise.isEmpty()) o["noise"] = noise;
  o["steps"] = steps;
  o["solver"] = solver;
  o["variation"] = variation;
  o["seconds"] = seconds;
  o["device"] = device;
  o["width"] = width;
  o["height"] = height;
  if (readBack >= 0.0) o["read_back"] = readBack;
  return o;
}

Provenance Provenance::fromJson(const QJsonObject& o) {
  Provenance p;
  p.kind = o["kind"].toString();
  p.modelName = o["model"].toString();
  p.modelFile = o["model_file"].toString();
  p.modelSha256 = o["model_sha256"].toString();
  p.labelsSha256 = o["labels_sha256"].toString();
  p.seed = o["seed"].toString().toULongLong();
  p.noise = o["noise"].toString();
  p.steps = o["steps"].toInt();
  p.solver = o["solver"].toString();
  p.variation = o["variation"].toInt();
  p.seconds = o["seconds"].toDouble();
  p.device = o["device"].toString();
  p.width = o["width"].toInt();
  p.height = o["height"].toInt();
  p.readBack = o["read_back"].toDouble(-1.0);
  if (!(p.readBack >= 0.0 && p.readBack <= 1.0)) p.readBack = -1.0;  // nonsense in a file: not measured
  return p;
}

std::vector<std::pair<std::string, std::string>> Provenance::textChunks() const {
  namespace k = imaging::provenance;
  std::vector<std::pair<std::string, std::string>> t;
  const QString version = QCoreApplication::applicationVersion();
  t.emplace_back(k::kSoftware, ("SymmFlow Studio " + version).trimmed().toStdString());
  t.emplace_back(k::kKind, kind.toStdString());
  t.emplace_back(k::kModel, modelName.toStdString());
  t.emplace_back(k::kModelFile, modelFile.toStdString());
  t.emplace_back(k::kModelSha256, modelSha256.toStdString());
  t.emplace_back(k::kLabelsSha256, labelsSha256.toStdString());
  t.emplace_back(k::kSeed, std::to_string(seed));
  if (!noise.isEmpty()) t.emplace_back(k::kNoise, noise.toStdString());
  t.emplace_back(k::kSteps, std::to_string(steps));
  t.emplace_back(k::kSolver, solver.toStdString());
  t.emplace_back(k::kVariation, std::to_string(variation));
  if (readBack >= 0.0) t.emplace_back(k::kReadBack, std::to_string(readBack));
  return t;
}

QString labelMapHash(const LabelMap& labels) { return QString::fromStdString(imaging::labelMapSha256(labels)); }

QString fileSha256(const QString& path) {
  auto sum = imaging::fileSha256(path.toStdString());
  return sum ? QString::fromStdString(*sum) : QString();
}

}  // namespace symmflow::ui
