// SPDX-License-Identifier: MIT
#pragma once
// About: versions (studio, engine, LibTorch, Qt), the device in use, the paper.
#include <QDialog>

namespace symmflow::ui {

class AboutDialog : public QDialog {
  Q_OBJECT
 public:
  AboutDialog(const QString& device, QWidget* parent = nullptr);
};

}  // namespace symmflow::ui
