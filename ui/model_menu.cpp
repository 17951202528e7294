// SPDX-License-Identifier: MIT
#include "ui/model_menu.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>

#include "core/model_info.h"
#include "core/model_paths.h"
#include "ui/label_document.h"
#include "ui/main_actions.h"
#include "ui/model_card_dialog.h"
#include "ui/settings_store.h"
#include "ui/studio_session.h"

namespace symmflow::ui {

ModelMenu::ModelMenu(StudioSession* session, SettingsStore* settings, MainActions* actions, QWidget* window)
    : QObject(window),
      m_session(session),
      m_settings(settings),
      m_actions(actions),
      m_window(window),
      m_menu(actions->modelMenu()) {
  connect(m_menu, &QMenu::aboutToShow, this, &ModelMenu::rebuild);
  connect(actions->openModel, &QAction::triggered, this, &ModelMenu::openOther);
  connect(actions->modelCard, &QAction::triggered, this, &ModelMenu::showCard);
  connect(actions->deviceCpu, &QAction::triggered, this, [this] {
    if (!m_session->hasModel()) return;
    m_session->loadModelAsync(m_session->modelPath(), DeviceKind::Cpu);
    Q_EMIT statusMessage(tr("Reloading the model on the CPU…"));
  });
  connect(session, &StudioSession::modelChanged, this, [this] {
    m_settings->setLastModel(m_session->modelPath());
    const ModelInfo* info = m_session->modelInfo();
    Q_EMIT statusMessage(tr("Model %1 loaded on %2.").arg(QString::fromStdString(info->name), m_session->deviceName()));
  });
  connect(session, &StudioSession::modelLoadFailed, this, [this](const QString& msg) {
    QMessageBox::warning(m_window, tr("Load model"), tr("The model could not be loaded: %1").arg(msg));
  });
  rebuild();
}

void ModelMenu::rebuild() {
  m_menu->clear();
  const auto files = listModelFiles();
  if (files.empty()) {
    auto* none = m_menu->addAction(tr("No models found in the model folders"));
    none->setEnabled(false);
  }
  for (const std::string& f : files) {
    const QString path = QString::fromStdString(f);
    QString label = QFileInfo(path).completeBaseName();
    auto info = inspectModel(f);
    if (info) {
      label +=
          info->imageLevel()
              ? tr("  — %1 classes, image-level").arg(info->classes.size())
              : tr("  — %1 classes, %2×%3").arg(info->classes.size()).arg(info->imageWidth()).arg(info->imageHeight());
    } else {
      label += tr("  (unreadable)");
    }
    QAction* a = m_menu->addAction(label);
    a->setCheckable(true);
    a->setChecked(QFileInfo(path) == QFileInfo(m_session->modelPath()));
    a->setEnabled(info.ok());
    a->setToolTip(path);
    connect(a, &QAction::triggered, this, [this, path] { switchTo(path); });
  }
  m_menu->addSeparator();
  m_menu->addAction(m_actions->openModel);
  m_menu->addAction(m_actions->modelCard);
  m_menu->addAction(m_actions->deviceCpu);
  m_actions->modelCard->setEnabled(m_session->hasModel());
  m_actions->deviceCpu->setEnabled(m_session->hasModel());
}

bool ModelMenu::load(const QString& nameOrPath) {
  const std::string found = findModel(nameOrPath.toStdString());
  if (found.empty()) {
    Q_EMIT statusMessage(tr("Model “%1” was not found in the model folders.").arg(nameOrPath));
    return false;
  }
  m_session->loadModelAsync(QString::fromStdString(found));
  Q_EMIT statusMessage(tr("Loading %1…").arg(QFileInfo(QString::fromStdString(found)).fileName()));
  return true;
}

bool ModelMenu::loadDefault() {
  const QString last = m_settings->lastModel();
  if (!last.isEmpty() && QFileInfo::exists(last)) {
    m_session->loadModelAsync(last);
    return true;
  }
  const std::string chosen = chooseDefaultModel(listModelFiles());
  return !chosen.empty() && load(QString::fromStdString(chosen));
}

void ModelMenu::openOther() {
  const QString path = QFileDialog::getOpenFileName(m_window, tr("Open model"), m_settings->lastDirectory(),
                                                    tr("SymmFlow models (*.safetensors)"));
  if (path.isEmpty()) return;
  auto info = inspectModel(path.toStdString());
  if (!info) {
    QMessageBox::warning(m_window, tr("Open model"),
                         tr("This is not a model the studio can use: %1.").arg(QString::fromStdString(info.error())));
    return;
  }
  if (switchTo(path)) Q_EMIT statusMessage(tr("Loading %1…").arg(QFileInfo(path).fileName()));
}

bool ModelMenu::switchTo(const QString& path) {
  using MapOnSwitch = StudioSession::MapOnSwitch;
  MapOnSwitch onSwitch = MapOnSwitch::Keep;
  auto next = inspectModel(path.toStdString());
  const QString why = next ? m_session->classMismatchWith(next.value(), /*withFix=*/false) : QString();
  if (m_session->hasModel() && m_session->hasUserWork() && !why.isEmpty()) {
    const QString name = QString::fromStdString(next->name);
    const QString current = QString::fromStdString(m_session->modelInfo()->name);
    QMessageBox box(QMessageBox::Question, tr("Switch to %1").arg(name),
                    tr("%1 cannot generate from the open map.").arg(name), QMessageBox::NoButton, m_window);
    // A photo can be segmented again in the new model's classes (a dense model).
    const bool photo = m_session->document()->hasPhoto() && !next->imageLevel();
    QString choices = why.toHtmlEscaped() + QStringLiteral("<ul>");
    if (photo)
      choices += tr("<li><b>Segment the photo</b>: a new map of the photo in %1's classes "
                    "(it replaces this map and the results).</li>")
                     .arg(name.toHtmlEscaped());
    choices += tr("<li><b>New map</b>: an empty map in %1's classes.</li>"
                  "<li><b>Keep the map</b>: it stays as it is; generation is disabled until the classes "
                  "match.</li></ul>")
                   .arg(name.toHtmlEscaped());
    box.setTextFormat(Qt::RichText);
    box.setInformativeText(choices);
    QAbstractButton* segment = photo ? box.addButton(tr("Segment the photo"), QMessageBox::DestructiveRole) : nullptr;
    auto* fresh = box.addButton(tr("New map"), QMessageBox::DestructiveRole);
    auto* keep = box.addButton(tr("Keep the map"), QMessageBox::AcceptRole);
    auto* stay = box.addButton(tr("Cancel (stay on %1)").arg(current), QMessageBox::RejectRole);
    box.setDefaultButton(stay);
    box.setEscapeButton(stay);
    box.exec();
    if (box.clickedButton() == fresh || (segment && box.clickedButton() == segment)) {
      if (m_saveGuard && !m_saveGuard()) return false;
      onSwitch = box.clickedButton() == fresh ? MapOnSwitch::New : MapOnSwitch::SegmentPhoto;
    } else if (box.clickedButton() != keep) {
      return false;
    }
  }
  m_session->loadModelAsync(path, DeviceKind::Auto, onSwitch);
  return true;
}

void ModelMenu::showCard() {
  const ModelInfo* info = m_session->modelInfo();
  if (!info) return;
  ModelCardDialog dlg(*info, m_session->modelSha256(), m_session->deviceName(), m_window);
  dlg.exec();
}

}  // namespace symmflow::ui
