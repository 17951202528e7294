// SPDX-License-Identifier: MIT
#pragma once
// The top classes of an image: with an image-level model their probabilities; with a model
// that labels pixels, the share of the image each class covers (and the dialog says so).
#include <QDialog>
#include <QVector>

#include "ui/studio_session.h"

namespace symmflow::ui {

class ClassificationDialog : public QDialog {
  Q_OBJECT
 public:
  ClassificationDialog(const QString& path, const QVector<ClassScore>& top, const ClassList& classes, bool imageLevel,
                       QWidget* parent = nullptr);
};

}  // namespace symmflow::ui
