// SPDX-License-Identifier: MIT
#pragma once
// Persistent settings (QSettings): the last model, tool sizes, run settings,
// recent files, view options and the window layout. Plain accessors around one
// QSettings so every key is spelled in one place.
#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>

#include "ui/run_settings.h"
#include "ui/tool_settings.h"

namespace symmflow::ui {

class SettingsStore {
 public:
  static constexpr int kMaxRecent = 10;

  SettingsStore();

  QString lastModel() const;
  void setLastModel(const QString& path);

  ToolSettings toolSettings() const;
  void setToolSettings(const ToolSettings& s);

  RunSettings runSettings() const;
  void setRunSettings(const RunSettings& s);

  QStringList recentFiles() const;
  // Moves `path` to the front (no duplicates, at most kMaxRecent). `kind` says how it
  // was opened ("project", "photo", "mask"), so that the entry opens it the same way.
  void addRecentFile(const QString& path, const QString& kind = {});
  void removeRecentFile(const QString& path);
  // The kind given to addRecentFile (empty when unknown).
  QString recentFileKind(const QString& path) const;

  double overlayOpacity() const;
  void setOverlayOpacity(double v);

  QByteArray windowGeometry() const;
  QByteArray windowState() const;
  void setWindowLayout(const QByteArray& geometry, const QByteArray& state);

  QString lastDirectory() const;
  void setLastDirectory(const QString& dir);

 private:
  mutable QSettings m_settings;
};

}  // namespace symmflow::ui
