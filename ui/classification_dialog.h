// SPDX-License-Identifier: MIT
#pragma once
// The top classes of an image (image-level models) with their probabilities.
#include <QDialog>
#include <QVector>

#include "ui/studio_session.h"

namespace symmflow::ui {

class ClassificationDialog : public QDialog {
  Q_OBJECT
 public:
  ClassificationDialog(const QString& path, const QVector<ClassScore>& top, const ClassList& classes,
                       QWidget* parent = nullptr);
};

}  // namespace symmflow::ui
