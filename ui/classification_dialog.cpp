// SPDX-License-Identifier: MIT
#include "ui/classification_dialog.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QGridLayout>
#include <QImage>
#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

#include "ui/qt_image.h"

namespace symmflow::ui {

ClassificationDialog::ClassificationDialog(const QString& path, const QVector<ClassScore>& top,
                                           const ClassList& classes, bool imageLevel, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(tr("Classification — %1").arg(QFileInfo(path).fileName()));
  auto* v = new QVBoxLayout(this);
  auto* pic = new QLabel(this);
  const QImage img(path);
  if (!img.isNull())
    pic->setPixmap(QPixmap::fromImage(img.scaled(160, 160, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
  pic->setAlignment(Qt::AlignHCenter);
  v->addWidget(pic);
  auto* heading = new QLabel(imageLevel ? tr("Probability of each class (the five most likely):")
                                        : tr("Share of the image each class covers, from its segmentation "
                                             "(this model labels pixels; an image-level model such as "
                                             "cifar10 gives one label per image):"),
                             this);
  heading->setWordWrap(true);
  v->addWidget(heading);
  auto* grid = new QGridLayout();
  for (int i = 0; i < top.size(); ++i) {
    QPixmap pm(14, 14);
    pm.fill(classColor(classes, top[i].id));
    auto* sw = new QLabel(this);
    sw->setPixmap(pm);
    grid->addWidget(sw, i, 0);
    auto* name = new QLabel(top[i].name, this);
    if (i == 0) {
      QFont f = name->font();
      f.setBold(true);
      name->setFont(f);
    }
    grid->addWidget(name, i, 1);
    auto* bar = new QProgressBar(this);
    bar->setRange(0, 1000);
    bar->setValue(static_cast<int>(top[i].probability * 1000));
    bar->setFormat(QStringLiteral("%1 %").arg(100.0 * top[i].probability, 0, 'f', 1));
    bar->setMinimumWidth(200);
    grid->addWidget(bar, i, 2);
  }
  v->addLayout(grid);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  v->addWidget(buttons);
}

}  // namespace symmflow::ui
