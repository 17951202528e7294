// SPDX-License-Identifier: MIT
#include "ui/file_controller.h"

#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>

#include "core/imaging/image_io.h"
#include "ui/autosave_manager.h"
#include "ui/classification_dialog.h"
#include "ui/export_writer.h"
#include "ui/label_document.h"
#include "ui/mask_import_dialog.h"
#include "ui/new_map_dialog.h"
#include "ui/project_file.h"
#include "ui/save_dialog.h"
#include "ui/settings_store.h"
#include "ui/studio_session.h"

namespace symmflow::ui {
namespace {
const QString kImageFilter = QObject::tr(
    "Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.jp2 *.j2k *.ppm *.pgm *.pbm *.pnm *.pam *.pfm "
    "*.hdr *.ras);;All files (*)");
const QString kProjectFilter = QObject::tr("SymmFlow projects (*.symmflow)");

QString q(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

FileController::FileController(StudioSession* session, SettingsStore* settings, AutosaveManager* autosave,
                               QWidget* window)
    : QObject(window),
      m_session(session),
      m_doc(session->document()),
      m_settings(settings),
      m_autosave(autosave),
      m_window(window) {
  connect(session, &StudioSession::classified, this, [this](const QString& path, const QVector<ClassScore>& top) {
    const ClassList classes = m_session->modelInfo() ? m_session->modelInfo()->classes : ClassList{};
    const bool imageLevel = m_session->modelInfo() && m_session->modelInfo()->imageLevel();
    auto* dlg = new ClassificationDialog(path, top, classes, imageLevel, m_window);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    dlg->show();
  });
  connect(session, &StudioSession::photoSegmented, this, [this] {
    m_projectPath.clear();
    // Only now is the photo known to open (decoding runs on the worker).
    if (!m_session->photoPath().isEmpty()) remember(m_session->photoPath(), QStringLiteral("photo"));
    Q_EMIT titleChanged();
  });
  // A new map (File ▸ New map, or a model switch that starts one) is not the project.
  connect(session, &StudioSession::newMapStarted, this, [this] {
    m_projectPath.clear();
    m_autosave->markClean();
    Q_EMIT titleChanged();
  });
}

QString FileController::displayName() const {
  if (!m_projectPath.isEmpty()) return QFileInfo(m_projectPath).fileName();
  if (!m_session->photoPath().isEmpty()) return QFileInfo(m_session->photoPath()).fileName();
  return tr("Untitled");
}

void FileController::showError(const QString& title, const QString& message) {
  // One sentence a user reads: capitalised, ending with a full stop.
  QString text = message.trimmed();
  if (!text.isEmpty()) text[0] = text[0].toUpper();
  if (!text.isEmpty() && !text.endsWith('.') && !text.endsWith('?') && !text.endsWith('!')) text += '.';
  QMessageBox::warning(m_window, title, text);
  Q_EMIT statusMessage(text);
}

void FileController::remember(const QString& path, const QString& kind) {
  m_settings->addRecentFile(QFileInfo(path).absoluteFilePath(), kind);
  m_settings->setLastDirectory(QFileInfo(path).absolutePath());
  Q_EMIT recentFilesChanged();
}

void FileController::newMap() {
  const ModelInfo* info = m_session->modelInfo();
  if (!info) {
    showError(tr("New map"), tr("Load a model first (Model menu): its classes and size define the map."));
    return;
  }
  if (!maybeSave()) return;
  NewMapDialog dlg(info->classes, info->labelWidth(), info->labelHeight(), m_doc->backgroundClass(), m_window);
  if (dlg.exec() != QDialog::Accepted) return;
  m_session->newMap(dlg.fillClass(), dlg.mapWidth(), dlg.mapHeight());  // newMapStarted clears the project
}

void FileController::openProjectDialog() {
  if (!maybeSave()) return;
  const QString path =
      QFileDialog::getOpenFileName(m_window, tr("Open project"), m_settings->lastDirectory(), kProjectFilter);
  if (!path.isEmpty()) openProject(path);
}

bool FileController::openProject(const QString& path) {
  auto r = loadProject(path);
  if (!r) {
    showError(tr("Open project"), tr("Could not open the project: %1").arg(q(r.error())));
    return false;
  }
  m_session->restore(r.value());
  m_projectPath = path;
  remember(path, QStringLiteral("project"));
  m_autosave->markClean();
  // The project remembers its model; load it when it is not the current one.
  const QString model = r->modelPath;
  if (!model.isEmpty() && model != m_session->modelPath() && QFileInfo::exists(model)) m_session->loadModelAsync(model);
  Q_EMIT titleChanged();
  Q_EMIT statusMessage(tr("Opened %1.").arg(QFileInfo(path).fileName()));
  return true;
}

bool FileController::save() {
  if (m_projectPath.isEmpty()) return saveAs();
  const Status s = saveProject(m_session->snapshot(), m_projectPath);
  if (!s) {
    showError(tr("Save project"), tr("The project was not saved: %1").arg(q(s.error())));
    return false;
  }
  m_doc->markSaved();
  m_autosave->markClean();
  remember(m_projectPath, QStringLiteral("project"));
  Q_EMIT titleChanged();
  Q_EMIT statusMessage(tr("Saved %1.").arg(QFileInfo(m_projectPath).fileName()));
  return true;
}

bool FileController::saveAs() {
  QString suggestion = m_projectPath;
  if (suggestion.isEmpty())
    suggestion = m_settings->lastDirectory() + QLatin1Char('/') + QFileInfo(displayName()).completeBaseName() +
                 QStringLiteral(".symmflow");
  const QString path =
      askSavePath(m_window, tr("Save project"), suggestion, kProjectFilter, QStringLiteral("symmflow"));
  return !path.isEmpty() && saveTo(path);
}

bool FileController::saveTo(const QString& path) {
  m_projectPath = path;
  return save();
}

bool FileController::maybeSave() {
  if (!m_doc->isModified()) return true;
  // Saving writes a project (.symmflow), never the photo or mask the map came from.
  const QString question = m_projectPath.isEmpty()
                               ? tr("Save the changes to %1 as a project (.symmflow)?").arg(displayName())
                               : tr("Save the changes to the project %1?").arg(QFileInfo(m_projectPath).fileName());
  const auto answer =
      QMessageBox::question(m_window, tr("Unsaved changes"), question,
                            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
  if (answer == QMessageBox::Cancel) return false;
  if (answer == QMessageBox::Save) return save();
  return true;
}

void FileController::importMaskDialog() {
  const QString path =
      QFileDialog::getOpenFileName(m_window, tr("Import label map"), m_settings->lastDirectory(), kImageFilter);
  if (!path.isEmpty()) importMask(path, false);
}

bool FileController::importMask(const QString& path, bool quiet) {
  if (!m_session->hasModel()) {
    showError(tr("Import label map"), tr("Load a model first: its classes define what the mask's values mean."));
    return false;
  }
  auto r = m_session->readMask(path, {});
  if (!r) {
    showError(tr("Import label map"), tr("%1 was not imported: %2").arg(QFileInfo(path).fileName(), q(r.error())));
    return false;
  }
  LabelMap labels = r->first;
  imaging::MaskReport read = r->second;
  if (!quiet) {
    MaskImportDialog dlg(m_session, path, r->first, r->second, m_window);
    if (dlg.exec() != QDialog::Accepted) return false;
    labels = dlg.labels();
    read = dlg.report();  // as the user chose to read it
  }
  const QString fit = m_session->applyImportedMask(labels, path);
  remember(path, QStringLiteral("mask"));
  Q_EMIT titleChanged();
  QString report = tr("Imported %1 — %2").arg(QFileInfo(path).fileName(), q(read.summary()));
  if (!fit.isEmpty()) report += QLatin1Char(' ') + tr("The map was %1.").arg(fit);
  Q_EMIT statusMessage(report, 15000);
  return true;
}

void FileController::openPhotoDialog() {
  const QString path =
      QFileDialog::getOpenFileName(m_window, tr("Open photo"), m_settings->lastDirectory(), kImageFilter);
  if (!path.isEmpty()) openPhoto(path);
}

bool FileController::openPhoto(const QString& path) {
  // A file that cannot be a photo is refused before the user is asked about their work.
  if (auto header = imaging::probeImage(path.toStdString()); !header) {
    showError(tr("Open photo"), tr("The photo could not be opened: %1").arg(q(header.error())));
    return false;
  }
  if (!maybeSave()) return false;
  const Status s = m_session->openPhoto(path);
  if (!s) {
    showError(tr("Open photo"), tr("The photo could not be opened: %1").arg(q(s.error())));
    return false;
  }
  Q_EMIT statusMessage(tr("Segmenting %1…").arg(QFileInfo(path).fileName()));
  return true;
}

void FileController::classifyDialog() {
  const QString path =
      QFileDialog::getOpenFileName(m_window, tr("Classify image"), m_settings->lastDirectory(), kImageFilter);
  if (path.isEmpty()) return;
  const Status s = m_session->classifyImage(path);
  if (!s) showError(tr("Classify image"), tr("%1: %2").arg(QFileInfo(path).fileName(), q(s.error())));
}

bool FileController::openAny(const QString& path) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == QLatin1String("symmflow")) return openProject(path);
  if (isLabelMap(path)) return importMask(path, true);
  return openPhoto(path);
}

bool FileController::pastePhoto() {
  const QString title = tr("Paste photo");
  const QImage image = QGuiApplication::clipboard()->image();
  if (image.isNull()) {
    showError(title, tr("The clipboard holds no image: copy a picture or take a screenshot, then paste again"));
    return false;
  }
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/pasted");
  const QString path = dir + QStringLiteral("/pasted-%1.png")
                                 .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")));
  if (!QDir().mkpath(dir) || !image.convertToFormat(QImage::Format_RGB888).save(path, "PNG")) {
    showError(title,
              tr("The pasted image could not be written to %1 (is the disk full?)").arg(QDir::toNativeSeparators(dir)));
    return false;
  }
  return openPhoto(path);
}

bool FileController::openDropped(const QStringList& paths) {
  const QString title = tr("Open dropped file");
  if (paths.size() != 1) {
    showError(title, tr("%n files were dropped: drop one photo, label map or project at a time.", nullptr,
                        static_cast<int>(paths.size())));
    return false;
  }
  const QString& path = paths.front();
  const QFileInfo fi(path);
  if (!fi.isFile()) {
    showError(title, tr("%1 is not a file (a folder, or not on this computer): drop a photo, a label map or a project.")
                         .arg(QDir::toNativeSeparators(path)));
    return false;
  }
  if (fi.suffix().toLower() == QLatin1String("symmflow")) {
    if (!maybeSave()) return false;
    return openProject(path);
  }
  if (isLabelMap(path)) return importMask(path, false);
  return openPhoto(path);
}

bool FileController::isLabelMap(const QString& path) const {
  // A label map is a file whose every pixel is a class id or a class colour of the
  // model (strict read); anything else is a photo.
  imaging::MaskImportOptions strict;
  strict.offPalette = imaging::MaskImportOptions::OffPalette::Error;
  strict.outOfRange = imaging::MaskImportOptions::OutOfRange::Error;
  return m_session->hasModel() && m_session->readMask(path, strict).ok();
}

bool FileController::openRecent(const QString& path) {
  const QFileInfo fi(path);
  if (!fi.isFile()) {
    m_settings->removeRecentFile(path);
    Q_EMIT recentFilesChanged();
    showError(tr("Open recent"),
              tr("%1 no longer exists (it was moved, renamed or deleted); it was removed from the recent files.")
                  .arg(QDir::toNativeSeparators(path)));
    return false;
  }
  QString kind = m_settings->recentFileKind(path);
  if (kind.isEmpty() && fi.suffix().toLower() == QLatin1String("symmflow")) kind = QStringLiteral("project");
  if (kind == QLatin1String("project")) {
    if (!maybeSave()) return false;
    return openProject(path);
  }
  if (kind == QLatin1String("mask")) return importMask(path, /*quiet=*/false);
  if (kind == QLatin1String("photo")) return openPhoto(path);
  // An entry from before kinds were recorded: decide by content as openAny does, but
  // with the import report of a mask.
  if (isLabelMap(path)) return importMask(path, false);
  return openPhoto(path);
}

QString FileController::askSaveDir(const QString& title, QString& stem) {
  const QString suggestion = m_settings->lastDirectory() + QLatin1Char('/') + stem + QStringLiteral(".png");
  // Our writer never overwrites: it picks a free name and says so, so the dialog
  // need not ask about replacing.
  const QString path = QFileDialog::getSaveFileName(m_window, title, suggestion, tr("PNG images (*.png)"), nullptr,
                                                    QFileDialog::DontConfirmOverwrite);
  if (path.isEmpty()) return {};
  QFileInfo fi(path);
  stem = fi.completeBaseName();
  m_settings->setLastDirectory(fi.absolutePath());
  return fi.absolutePath();
}

void FileController::exportResult() {
  const int i = m_session->currentResult();
  if (i < 0) {
    showError(tr("Export"), tr("There is no result to export yet: press Generate (Ctrl+Return) first."));
    return;
  }
  const ResultEntry& r = m_session->results()[i];
  QString stem = QStringLiteral("symmflow-%1-seed%2").arg(r.provenance.kind).arg(r.provenance.seed);
  const QString dir = askSaveDir(tr("Export result"), stem);
  if (dir.isEmpty()) return;
  auto out = exportPair({r.image, r.labels, r.provenance}, m_doc->classes(), dir, stem);
  if (!out) {
    showError(tr("Export"), tr("Nothing was exported: %1").arg(q(out.error())));
    return;
  }
  QString msg = tr("Exported %1 files as %2.*").arg(out->files.size()).arg(out->stem);
  if (out->stem != stem) msg += tr(" (%1 existed; nothing was overwritten)").arg(stem);
  Q_EMIT statusMessage(msg, 12000);
}

void FileController::exportBatch() {
  const auto& results = m_session->results();
  if (results.empty()) {
    showError(tr("Export"), tr("There are no variations to export yet."));
    return;
  }
  std::vector<ExportItem> items;
  for (std::size_t i = static_cast<std::size_t>(m_session->batchStart()); i < results.size(); ++i)
    items.push_back({results[i].image, results[i].labels, results[i].provenance});
  QString stem = QStringLiteral("symmflow-batch-seed%1").arg(items.front().provenance.seed);
  const QString dir = askSaveDir(tr("Export all variations"), stem);
  if (dir.isEmpty()) return;
  auto out = ui::exportBatch(items, m_doc->classes(), dir, stem);
  if (!out) {
    showError(tr("Export"), tr("The export stopped: %1").arg(q(out.error())));
    return;
  }
  Q_EMIT statusMessage(tr("Exported %1 variations to %2.").arg(out->size()).arg(dir), 12000);
}

void FileController::exportMap() {
  if (m_doc->isEmpty()) return;
  QString stem = QFileInfo(displayName()).completeBaseName() + QStringLiteral("-map");
  const QString dir = askSaveDir(tr("Export label map"), stem);
  if (dir.isEmpty()) return;
  ExportItem item;
  item.labels = m_doc->labels();
  item.provenance.kind = QStringLiteral("map");
  item.provenance.modelName = m_session->modelInfo() ? q(m_session->modelInfo()->name) : QString();
  item.provenance.modelSha256 = m_session->modelSha256();
  auto out = exportPair(item, m_doc->classes(), dir, stem);
  if (!out) {
    showError(tr("Export"), tr("Nothing was exported: %1").arg(q(out.error())));
    return;
  }
  Q_EMIT statusMessage(tr("Exported the map as %1-index.png and %1-color.png.").arg(out->stem), 12000);
}

void FileController::offerRecovery() {
  const auto list = m_autosave->recoverable();
  if (list.isEmpty()) return;
  const RecoverableSession& s = list.front();
  // What the work was, so the user can decide without recovering it first.
  QString what = tr("Unsaved work");
  if (const auto p = AutosaveManager::load(s); p) {
    const QString model = QFileInfo(p->modelPath).completeBaseName();
    what = p->photoPath.isEmpty() ? tr("An unsaved %1×%2 label map").arg(p->labels.width).arg(p->labels.height)
                                  : tr("Unsaved edits of %1").arg(QFileInfo(p->photoPath).fileName());
    if (!model.isEmpty()) what += tr(" (model %1)").arg(model);
    if (p->results.size() == 1) what += tr(" with one result");
    if (p->results.size() > 1) what += tr(" with %1 results").arg(p->results.size());
  }
  QMessageBox box(QMessageBox::Question, tr("Recover unsaved work"),
                  tr("SymmFlow Studio did not close properly last time. %1 from %2 was kept.%3")
                      .arg(what, QLocale().toString(s.modified, QLocale::LongFormat),
                           list.size() > 1 ? tr("\n(%1 older autosaves are kept too; they are offered one at a "
                                                "time at the next starts.)")
                                                 .arg(list.size() - 1)
                                           : QString()),
                  QMessageBox::NoButton, m_window);
  auto* recoverButton = box.addButton(tr("Recover"), QMessageBox::AcceptRole);
  auto* discard = box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
  box.addButton(tr("Later"), QMessageBox::RejectRole);
  box.exec();
  if (box.clickedButton() == discard) {
    AutosaveManager::discard(s);
    return;
  }
  if (box.clickedButton() == recoverButton) recover(s);
}

bool FileController::recoverLatest() {
  const auto list = m_autosave->recoverable();
  return !list.isEmpty() && recover(list.front());
}

bool FileController::recover(const RecoverableSession& s) {
  auto p = AutosaveManager::load(s);
  if (!p) {
    showError(tr("Recover unsaved work"), tr("The autosave could not be read: %1").arg(q(p.error())));
    return false;
  }
  m_session->restore(p.value(), /*recovered=*/true);
  m_projectPath.clear();
  AutosaveManager::discard(s);
  m_autosave->markDirty();  // it is ours now: keep it safe until saved
  const QString model = p->modelPath;
  if (!model.isEmpty() && model != m_session->modelPath() && QFileInfo::exists(model)) m_session->loadModelAsync(model);
  Q_EMIT titleChanged();
  Q_EMIT statusMessage(tr("Recovered the unsaved work. Save it to keep it."), 15000);
  return true;
}

}  // namespace symmflow::ui
