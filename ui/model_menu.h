// SPDX-License-Identifier: MIT
#pragma once
// The Model menu: the shipped and installed models (core/model_paths.h), another
// .safetensors file, the model card, and moving the model to the CPU. Loading is
// asynchronous (the session's thread-pool task); the menu marks the current model.
#include <QObject>
#include <functional>

class QMenu;
class QWidget;

namespace symmflow::ui {

class MainActions;
class SettingsStore;
class StudioSession;

class ModelMenu : public QObject {
  Q_OBJECT
 public:
  ModelMenu(StudioSession* session, SettingsStore* settings, MainActions* actions, QWidget* window);

  // Loads `nameOrPath` ("camvid", a file name or a path); false when not found.
  bool load(const QString& nameOrPath);
  // The last used model, else the first shipped one; false when there is none.
  bool loadDefault();
  // The user picked another model (menu, Open model file…). When the document holds
  // the user's work in classes the new model does not have, asks first: start a new
  // map for it (after the save prompt), keep the map (runs refused until the classes
  // match) or cancel (stay on the current model). False when nothing is loaded.
  bool switchTo(const QString& path);
  // The unsaved-changes prompt (FileController::maybeSave); false = cancelled.
  void setSaveGuard(std::function<bool()> guard) { m_saveGuard = std::move(guard); }

 Q_SIGNALS:
  void statusMessage(const QString& text, int timeoutMs = 8000);

 private:
  void rebuild();
  void openOther();
  void showCard();

  StudioSession* m_session;
  SettingsStore* m_settings;
  MainActions* m_actions;
  QWidget* m_window;
  QMenu* m_menu;
  std::function<bool()> m_saveGuard;
};

}  // namespace symmflow::ui
