// SPDX-License-Identifier: MIT
#include "ui/settings_store.h"

#include <QDir>
#include <QJsonDocument>
#include <QVariantMap>
#include <algorithm>
#include <iterator>

namespace symmflow::ui {

SettingsStore::SettingsStore() = default;

QString SettingsStore::lastModel() const { return m_settings.value("model/last").toString(); }
void SettingsStore::setLastModel(const QString& path) { m_settings.setValue("model/last", path); }

ToolSettings SettingsStore::toolSettings() const {
  ToolSettings s;
  auto get = [&](const char* key, int def) {
    return std::clamp(m_settings.value(key, def).toInt(), ToolSettings::kMinSize, ToolSettings::kMaxSize);
  };
  s.brushSize = get("tools/brushSize", s.brushSize);
  s.eraserSize = get("tools/eraserSize", s.eraserSize);
  s.lineWidth = get("tools/lineWidth", s.lineWidth);
  // 0 (or nonsense) means: the sizes are taken as they are for the first map.
  s.sizeReference = std::clamp(m_settings.value("tools/sizeReference", 0).toInt(), 0, 1 << 20);
  s.snapToPhoto = m_settings.value("tools/snapToPhoto", false).toBool();
  s.photoTolerance =
      std::clamp(m_settings.value("tools/photoTolerance", s.photoTolerance).toInt(), 1, ToolSettings::kMaxTolerance);
  return s;
}

void SettingsStore::setToolSettings(const ToolSettings& s) {
  m_settings.setValue("tools/brushSize", s.brushSize);
  m_settings.setValue("tools/eraserSize", s.eraserSize);
  m_settings.setValue("tools/lineWidth", s.lineWidth);
  m_settings.setValue("tools/sizeReference", s.sizeReference);
  m_settings.setValue("tools/snapToPhoto", s.snapToPhoto);
  m_settings.setValue("tools/photoTolerance", s.photoTolerance);
}

RunSettings SettingsStore::runSettings() const {
  const QByteArray json = m_settings.value("run/settings").toByteArray();
  return RunSettings::fromJson(QJsonDocument::fromJson(json).object());
}

void SettingsStore::setRunSettings(const RunSettings& s) {
  m_settings.setValue("run/settings", QJsonDocument(s.toJson()).toJson(QJsonDocument::Compact));
}

QStringList SettingsStore::recentFiles() const { return m_settings.value("files/recent").toStringList(); }

void SettingsStore::addRecentFile(const QString& path, const QString& kind) {
  QStringList list = recentFiles();
  const QString clean = QDir::cleanPath(path);
  list.removeAll(clean);
  list.prepend(clean);
  while (list.size() > kMaxRecent) list.removeLast();
  m_settings.setValue("files/recent", list);
  QVariantMap kinds = m_settings.value("files/recent_kinds").toMap();
  if (kind.isEmpty()) {
    kinds.remove(clean);
  } else {
    kinds.insert(clean, kind);
  }
  for (auto it = kinds.begin(); it != kinds.end();) it = list.contains(it.key()) ? std::next(it) : kinds.erase(it);
  m_settings.setValue("files/recent_kinds", kinds);
}

void SettingsStore::removeRecentFile(const QString& path) {
  const QString clean = QDir::cleanPath(path);
  QStringList list = recentFiles();
  list.removeAll(clean);
  m_settings.setValue("files/recent", list);
  QVariantMap kinds = m_settings.value("files/recent_kinds").toMap();
  kinds.remove(clean);
  m_settings.setValue("files/recent_kinds", kinds);
}

QString SettingsStore::recentFileKind(const QString& path) const {
  return m_settings.value("files/recent_kinds").toMap().value(QDir::cleanPath(path)).toString();
}

double SettingsStore::overlayOpacity() const {
  return std::clamp(m_settings.value("view/opacity", 0.6).toDouble(), 0.0, 1.0);
}
void SettingsStore::setOverlayOpacity(double v) { m_settings.setValue("view/opacity", v); }

QByteArray SettingsStore::windowGeometry() const { return m_settings.value("window/geometry").toByteArray(); }
QByteArray SettingsStore::windowState() const { return m_settings.value("window/state").toByteArray(); }
void SettingsStore::setWindowLayout(const QByteArray& geometry, const QByteArray& state) {
  m_settings.setValue("window/geometry", geometry);
  m_settings.setValue("window/state", state);
}

QString SettingsStore::lastDirectory() const { return m_settings.value("files/lastDir", QDir::homePath()).toString(); }
void SettingsStore::setLastDirectory(const QString& dir) { m_settings.setValue("files/lastDir", dir); }

}  // namespace symmflow::ui
