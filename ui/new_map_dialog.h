// SPDX-License-Identifier: MIT
#pragma once
// New label map: the model's size (or a custom one) filled with a chosen class.
#include <QDialog>

#include "core/types.h"

class QComboBox;
class QSpinBox;

namespace symmflow::ui {

class NewMapDialog : public QDialog {
  Q_OBJECT
 public:
  NewMapDialog(const ClassList& classes, int modelWidth, int modelHeight, int defaultClass, QWidget* parent = nullptr);
  int fillClass() const;
  int mapWidth() const;
  int mapHeight() const;

 private:
  QComboBox* m_class;
  QSpinBox* m_width;
  QSpinBox* m_height;
};

}  // namespace symmflow::ui
