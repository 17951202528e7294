// SPDX-License-Identifier: MIT
#pragma once
// The File menu's work: projects (open, save, save as, recent files), imports
// (label maps with their report, photos, images to classify), exports (a result
// pair, every variation, the map alone), and crash recovery at start-up. Every
// failure is shown to the user with the file name and the reason, and leaves the
// document as it was. The GUI never waits on the model here: photo segmentation
// and classification go through the session's worker.
#include <QObject>
#include <QString>

namespace symmflow::ui {

class AutosaveManager;
class LabelDocument;
class SettingsStore;
struct RecoverableSession;
class StudioSession;

class FileController : public QObject {
  Q_OBJECT
 public:
  FileController(StudioSession* session, SettingsStore* settings, AutosaveManager* autosave, QWidget* window);

  QString projectPath() const { return m_projectPath; }
  // A name for the title bar ("Untitled", the project's or the photo's name).
  QString displayName() const;

  // Interactive (dialogs):
  void newMap();
  void openProjectDialog();
  bool save();  // false when cancelled or failed
  bool saveAs();
  void importMaskDialog();
  void openPhotoDialog();
  void classifyDialog();
  void exportResult();
  void exportBatch();
  void exportMap();
  // Asks whether to save unsaved work. False: the user cancelled.
  bool maybeSave();
  // Offers the autosaves of editors that died; call once after start-up.
  void offerRecovery();
  // Recovers the newest autosave of an editor that died without asking (command
  // line --recover-latest, crash tests). False when there was none or it was unreadable.
  bool recoverLatest();

  // Direct (command line, recent files, tests). Errors are shown and returned.
  bool openProject(const QString& path);
  // Saves the project to `path` (no dialog) and makes it the current project file.
  bool saveTo(const QString& path);
  // quiet: no dialog; the report goes to the status bar (command-line start).
  bool importMask(const QString& path, bool quiet);
  bool openPhoto(const QString& path);
  // Opens by kind: project, photo or mask (by extension and content).
  bool openAny(const QString& path);
  // The clipboard's image as the photo (Edit ▸ Paste photo): written as a PNG to the cache
  // folder (the project keeps its pixels), then opened as File ▸ Open photo does. A clipboard
  // without an image is said so.
  bool pastePhoto();
  // A file dropped on the window: a project (after the save prompt), a label map of the
  // model's classes (with the import report) or else a photo. Anything but one file is
  // refused with a message.
  bool openDropped(const QStringList& paths);
  // An entry of File ▸ Open recent: what the File command that opened it does (save
  // prompt, import report). A file that is gone is reported and leaves the list.
  bool openRecent(const QString& path);

 Q_SIGNALS:
  void statusMessage(const QString& text, int timeoutMs = 8000);
  void titleChanged();
  void recentFilesChanged();

 private:
  // Every pixel a class id or colour of the model: a label map rather than a photo.
  bool isLabelMap(const QString& path) const;
  QString askSaveDir(const QString& title, QString& stem);
  void showError(const QString& title, const QString& message);
  // Adds a file that opened successfully to the recent files.
  void remember(const QString& path, const QString& kind);
  // Loads a dead session's autosave into the document and takes it over.
  bool recover(const RecoverableSession& session);

  StudioSession* m_session;
  LabelDocument* m_doc;
  SettingsStore* m_settings;
  AutosaveManager* m_autosave;
  QWidget* m_window;
  QString m_projectPath;
};

}  // namespace symmflow::ui
