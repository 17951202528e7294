// SPDX-License-Identifier: MIT
#include "ui/new_map_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

#include "ui/qt_image.h"

namespace symmflow::ui {

NewMapDialog::NewMapDialog(const ClassList& classes, int modelWidth, int modelHeight, int defaultClass, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(tr("New label map"));
  auto* form = new QFormLayout(this);
  m_class = new QComboBox(this);
  for (int i = 0; i < classes.size(); ++i) {
    QPixmap pm(14, 14);
    pm.fill(classColor(classes, i));
    m_class->addItem(QIcon(pm), QString::fromStdString(classes.classes[i].name));
  }
  m_class->setCurrentIndex(std::clamp(defaultClass, 0, std::max(0, classes.size() - 1)));
  form->addRow(tr("Fill with"), m_class);
  auto* size = new QHBoxLayout();
  m_width = new QSpinBox(this);
  m_height = new QSpinBox(this);
  for (auto* s : {m_width, m_height}) {
    s->setRange(1, 8192);
    s->setSuffix(tr(" px"));
  }
  m_width->setValue(modelWidth);
  m_height->setValue(modelHeight);
  auto* reset = new QPushButton(tr("Model size"), this);
  size->addWidget(m_width);
  size->addWidget(new QLabel(QStringLiteral("×"), this));
  size->addWidget(m_height);
  size->addWidget(reset);
  form->addRow(tr("Size"), size);
  connect(reset, &QPushButton::clicked, this, [=] {
    m_width->setValue(modelWidth);
    m_height->setValue(modelHeight);
  });
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);
}

int NewMapDialog::fillClass() const { return m_class->currentIndex(); }
int NewMapDialog::mapWidth() const { return m_width->value(); }
int NewMapDialog::mapHeight() const { return m_height->value(); }

}  // namespace symmflow::ui
