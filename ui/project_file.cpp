// SPDX-License-Identifier: MIT
#include "ui/project_file.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "ui/qt_image.h"

namespace symmflow::ui {
namespace {

constexpr char kMagic[] = "SYMMFLOWPROJECT\n";
constexpr int kMagicSize = 16;
constexpr quint32 kVersion = 1;
constexpr int kHashSize = 32;

void putU32(QByteArray& b, quint32 v) {
  for (int i = 0; i < 4; ++i) b.append(static_cast<char>((v >> (8 * i)) & 0xff));
}
void putU64(QByteArray& b, quint64 v) {
  for (int i = 0; i < 8; ++i) b.append(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Bounds-checked reader over the verified payload.
struct Reader {
  const QByteArray& b;
  qsizetype pos = 0;
  bool ok = true;
  quint64 u(int n) {
    if (!ok || pos + n > b.size()) {
      ok = false;
      return 0;
    }
    quint64 v = 0;
    for (int i = 0; i < n; ++i) v |= quint64(static_cast<unsigned char>(b[pos + i])) << (8 * i);
    pos += n;
    return v;
  }
  QByteArray bytes(quint64 n) {
    if (!ok || n > quint64(b.size() - pos)) {
      ok = false;
      return {};
    }
    QByteArray out = b.mid(pos, static_cast<qsizetype>(n));
    pos += static_cast<qsizetype>(n);
    return out;
  }
};

QByteArray encodeMap(const LabelMap& m) {
  return QByteArray(reinterpret_cast<const char*>(m.ids.data()), static_cast<qsizetype>(m.ids.size()));
}

QByteArray encodePng(const RgbImage& img) {
  QByteArray out;
  QBuffer buf(&out);
  buf.open(QIODevice::WriteOnly);
  toQImage(img).save(&buf, "PNG");
  return out;
}

QJsonArray bitsToJson(const std::bitset<256>& bits) {
  QJsonArray a;
  for (int i = 0; i < 256; ++i)
    if (bits.test(i)) a.append(i);
  return a;
}

std::bitset<256> bitsFromJson(const QJsonValue& v) {
  std::bitset<256> bits;
  for (const QJsonValue& x : v.toArray()) {
    const int i = x.toInt(-1);
    if (i >= 0 && i < 256) bits.set(i);
  }
  return bits;
}

}  // namespace

QByteArray encodeProject(const ProjectData& p) {
  QJsonObject h;
  h["format"] = "symmflow-project";
  h["width"] = p.labels.width;
  h["height"] = p.labels.height;
  QJsonArray classes;
  for (const ClassInfo& c : p.classes.classes) {
    QJsonObject o;
    o["name"] = QString::fromStdString(c.name);
    o["color"] = QJsonArray{c.color[0], c.color[1], c.color[2]};
    classes.append(o);
  }
  h["classes"] = classes;
  h["ignore_index"] = p.classes.ignoreIndex;
  h["photo_path"] = p.photoPath;
  h["model_path"] = p.modelPath;
  h["model_sha256"] = p.modelSha256;
  h["current_class"] = p.currentClass;
  h["background_class"] = p.backgroundClass;
  h["hidden"] = bitsToJson(p.hidden);
  h["locked"] = bitsToJson(p.locked);
  h["settings"] = p.settings;
  h["has_reference"] = !p.reference.empty();
  h["has_photo"] = !p.photo.empty();
  QJsonArray results;
  for (const ProjectResult& r : p.results) {
    QJsonObject o = r.provenance.toJson();
    if (!r.labels.empty()) {
      o["map_width"] = r.labels.width;
      o["map_height"] = r.labels.height;
    }
    results.append(o);
  }
  h["results"] = results;

  std::vector<std::pair<QByteArray, QByteArray>> blobs;
  blobs.emplace_back("labels", encodeMap(p.labels));
  if (!p.reference.empty()) blobs.emplace_back("reference", encodeMap(p.reference));
  if (!p.photo.empty()) blobs.emplace_back("photo", encodePng(p.photo));
  if (!p.uncertainty.empty()) {
    QByteArray u(static_cast<qsizetype>(p.uncertainty.size()), '\0');
    for (std::size_t i = 0; i < p.uncertainty.size(); ++i)
      u[static_cast<qsizetype>(i)] = static_cast<char>(std::lround(std::clamp(p.uncertainty[i], 0.0f, 1.0f) * 255.0f));
    blobs.emplace_back("uncertainty", u);
  }
  for (std::size_t i = 0; i < p.results.size(); ++i) {
    blobs.emplace_back("result/" + QByteArray::number(static_cast<qulonglong>(i)), encodePng(p.results[i].image));
    if (!p.results[i].labels.empty())
      blobs.emplace_back("result-map/" + QByteArray::number(static_cast<qulonglong>(i)),
                         encodeMap(p.results[i].labels));
  }

  QByteArray out(kMagic, kMagicSize);
  putU32(out, kVersion);
  const QByteArray json = QJsonDocument(h).toJson(QJsonDocument::Compact);
  putU32(out, static_cast<quint32>(json.size()));
  out.append(json);
  putU32(out, static_cast<quint32>(blobs.size()));
  for (const auto& [name, data] : blobs) {
    putU32(out, static_cast<quint32>(name.size()));
    out.append(name);
    putU64(out, static_cast<quint64>(data.size()));
    out.append(data);
  }
  out.append(QCryptographicHash::hash(out, QCryptographicHash::Sha256));
  return out;
}

Result<ProjectData> decodeProject(const QByteArray& bytes) {
  if (bytes.size() < kMagicSize || std::memcmp(bytes.constData(), kMagic, kMagicSize) != 0)
    return Error{"is not a SymmFlow project"};
  if (bytes.size() < kMagicSize + 4 + kHashSize) return Error{"is corrupt or truncated"};
  const QByteArray payload = bytes.left(bytes.size() - kHashSize);
  if (QCryptographicHash::hash(payload, QCryptographicHash::Sha256) != bytes.right(kHashSize))
    return Error{"is corrupt or truncated (checksum mismatch)"};
  Reader r{payload, kMagicSize};
  const quint64 version = r.u(4);
  if (version != kVersion)
    return Error{"was written by a newer SymmFlow Studio (project format " + std::to_string(version) + ")"};
  const QByteArray json = r.bytes(r.u(4));
  std::map<QByteArray, QByteArray> blobs;
  const quint64 count = r.u(4);
  for (quint64 i = 0; r.ok && i < count; ++i) {
    const QByteArray name = r.bytes(r.u(4));
    blobs[name] = r.bytes(r.u(8));
  }
  if (!r.ok || r.pos != payload.size()) return Error{"is corrupt or truncated"};

  QJsonParseError perr;
  const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
  if (doc.isNull() || !doc.isObject()) return Error{"has an unreadable header: " + perr.errorString().toStdString()};
  const QJsonObject h = doc.object();
  if (h["format"].toString() != "symmflow-project") return Error{"is not a SymmFlow project"};

  ProjectData p;
  const int w = h["width"].toInt(), hgt = h["height"].toInt();
  if (w <= 0 || hgt <= 0 || qint64(w) * hgt > 200'000'000) return Error{"has an invalid map size"};
  for (const QJsonValue& v : h["classes"].toArray()) {
    const QJsonObject o = v.toObject();
    const QJsonArray c = o["color"].toArray();
    if (c.size() != 3) return Error{"has a class without a colour"};
    ClassInfo ci;
    ci.name = o["name"].toString().toStdString();
    for (int k = 0; k < 3; ++k) ci.color[k] = static_cast<std::uint8_t>(std::clamp(c[k].toInt(), 0, 255));
    p.classes.classes.push_back(ci);
  }
  if (p.classes.size() == 0 || p.classes.size() > 255) return Error{"has no valid class list"};
  p.classes.ignoreIndex = h["ignore_index"].toInt(-1);

  auto readMap = [&](const QByteArray& name, LabelMap& out) -> bool {
    auto it = blobs.find(name);
    if (it == blobs.end() || it->second.size() != qsizetype(w) * hgt) return false;
    out = LabelMap(w, hgt);
    std::memcpy(out.ids.data(), it->second.constData(), out.ids.size());
    return true;
  };
  auto readPng = [&](const QByteArray& name, RgbImage& out) -> bool {
    auto it = blobs.find(name);
    if (it == blobs.end()) return false;
    QImage img;
    if (!img.loadFromData(it->second, "PNG")) return false;
    out = fromQImage(img);
    return true;
  };
  if (!readMap("labels", p.labels)) return Error{"has a missing or damaged label map"};
  if (h["has_reference"].toBool() && !readMap("reference", p.reference)) return Error{"has a damaged reference map"};
  if (h["has_photo"].toBool()) {
    if (!readPng("photo", p.photo) || p.photo.width != w || p.photo.height != hgt) return Error{"has a damaged photo"};
  }
  if (const auto it = blobs.find("uncertainty"); it != blobs.end()) {
    if (it->second.size() != qsizetype(w) * hgt) return Error{"has a damaged uncertainty map"};
    p.uncertainty.resize(it->second.size());
    for (qsizetype i = 0; i < it->second.size(); ++i)
      p.uncertainty[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(it->second[i]) / 255.0f;
  }
  const QJsonArray results = h["results"].toArray();
  for (int i = 0; i < results.size(); ++i) {
    ProjectResult pr;
    const QJsonObject o = results[i].toObject();
    pr.provenance = Provenance::fromJson(o);
    if (!readPng("result/" + QByteArray::number(i), pr.image)) return Error{"has a damaged result image"};
    const int mw = o["map_width"].toInt(), mh = o["map_height"].toInt();
    if (mw > 0 || mh > 0) {
      const auto it = blobs.find("result-map/" + QByteArray::number(i));
      if (mw <= 0 || mh <= 0 || qint64(mw) * mh > 200'000'000 || it == blobs.end() ||
          it->second.size() != qsizetype(mw) * mh)
        return Error{"has a damaged result map"};
      pr.labels = LabelMap(mw, mh);
      std::memcpy(pr.labels.ids.data(), it->second.constData(), pr.labels.ids.size());
    }
    p.results.push_back(std::move(pr));
  }
  p.photoPath = h["photo_path"].toString();
  p.modelPath = h["model_path"].toString();
  p.modelSha256 = h["model_sha256"].toString();
  p.currentClass = h["current_class"].toInt();
  p.backgroundClass = h["background_class"].toInt();
  p.hidden = bitsFromJson(h["hidden"]);
  p.locked = bitsFromJson(h["locked"]);
  p.settings = h["settings"].toObject();
  return p;
}

Status saveProject(const ProjectData& project, const QString& path) {
  const QByteArray bytes = encodeProject(project);
  QSaveFile f(path);  // writes a temporary file and renames it on commit()
  if (!f.open(QIODevice::WriteOnly))
    return Error{"cannot write " + path.toStdString() + ": " + f.errorString().toStdString()};
  if (f.write(bytes) != bytes.size()) {
    f.cancelWriting();
    return Error{"cannot write " + path.toStdString() + ": " + f.errorString().toStdString()};
  }
  if (!f.commit()) return Error{"cannot write " + path.toStdString() + ": " + f.errorString().toStdString()};
  return {};
}

Result<ProjectData> loadProject(const QString& path) {
  QFile f(path);
  const std::string name = QFileInfo(path).fileName().toStdString();
  if (!f.exists()) return Error{name + " does not exist"};
  // Devices never end and FIFOs block until a writer comes: only regular files are read.
  if (!QFileInfo(path).isFile()) return Error{name + " is not a project file (it is a folder, device or pipe)"};
  if (!f.open(QIODevice::ReadOnly)) return Error{name + " cannot be read: " + f.errorString().toStdString()};
  if (f.size() > kMaxProjectBytes) return Error{name + " is too large to be a project"};
  const QByteArray bytes = f.readAll();
  auto r = decodeProject(bytes);
  if (!r) return Error{name + " " + r.error()};
  return r;
}

}  // namespace symmflow::ui
