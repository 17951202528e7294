// SPDX-License-Identifier: MIT
#include "ui/provenance.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonValue>

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
  return p;
}

std::vector<std::pair<std::string, std::string>> Provenance::textChunks() const {
  std::vector<std::pair<std::string, std::string>> t;
  t.emplace_back("Software", "SymmFlow Studio");
  t.emplace_back("symmflow.kind", kind.toStdString());
  t.emplace_back("symmflow.model", modelName.toStdString());
  t.emplace_back("symmflow.model_file", modelFile.toStdString());
  t.emplace_back("symmflow.model_sha256", modelSha256.toStdString());
  t.emplace_back("symmflow.labels_sha256", labelsSha256.toStdString());
  t.emplace_back("symmflow.seed", std::to_string(seed));
  if (!noise.isEmpty()) t.emplace_back("symmflow.noise", noise.toStdString());
  t.emplace_back("symmflow.steps", std::to_string(steps));
  t.emplace_back("symmflow.solver", solver.toStdString());
  t.emplace_back("symmflow.variation", std::to_string(variation));
  return t;
}

QString labelMapHash(const LabelMap& labels) {
  QCryptographicHash h(QCryptographicHash::Sha256);
  const std::int32_t dims[2] = {labels.width, labels.height};
  unsigned char le[8];
  for (int i = 0; i < 2; ++i)
    for (int b = 0; b < 4; ++b) le[i * 4 + b] = static_cast<unsigned char>((dims[i] >> (8 * b)) & 0xff);
  h.addData(QByteArrayView(reinterpret_cast<const char*>(le), 8));
  h.addData(
      QByteArrayView(reinterpret_cast<const char*>(labels.ids.data()), static_cast<qsizetype>(labels.ids.size())));
  return QString::fromLatin1(h.result().toHex());
}

QString fileSha256(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  QCryptographicHash h(QCryptographicHash::Sha256);
  if (!h.addData(&f)) return {};
  return QString::fromLatin1(h.result().toHex());
}

}  // namespace symmflow::ui
