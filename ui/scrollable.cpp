// SPDX-License-Identifier: MIT
#include "ui/scrollable.h"

#include <QFrame>
#include <QScrollArea>

namespace symmflow::ui {

QWidget* scrollable(QWidget* body, QWidget* parent) {
  auto* area = new QScrollArea(parent);
  area->setFrameShape(QFrame::NoFrame);
  area->setWidgetResizable(true);
  area->setWidget(body);
  return area;
}

}  // namespace symmflow::ui
