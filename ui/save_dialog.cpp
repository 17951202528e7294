// SPDX-License-Identifier: MIT
#include "ui/save_dialog.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>

namespace symmflow::ui {

QString askSavePath(QWidget* parent, const QString& title, const QString& suggestion, const QString& filter,
                    const QString& suffix) {
  QFileDialog dialog(parent, title, QString(), filter);
  dialog.setAcceptMode(QFileDialog::AcceptSave);
  dialog.setFileMode(QFileDialog::AnyFile);
  // The dialog appends it to a bare name itself, so its own replace question is about the
  // file that is written (getSaveFileName + appending afterwards replaced "work.symmflow"
  // silently when "work" was typed).
  dialog.setDefaultSuffix(suffix);
  dialog.selectFile(suggestion);
  if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return {};
  QString path = dialog.selectedFiles().front();
  if (QFileInfo(path).suffix().compare(suffix, Qt::CaseInsensitive) == 0) return path;
  path += QLatin1Char('.') + suffix;
  if (QFileInfo::exists(path) &&
      QMessageBox::question(parent, title,
                            QObject::tr("%1 already exists. Replace it?").arg(QFileInfo(path).fileName()),
                            QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
    return {};
  return path;
}

}  // namespace symmflow::ui
