// SPDX-License-Identifier: MIT
#include "ui/scrollable.h"

#include <QFrame>
#include <QScrollArea>
#include <QScrollBar>

namespace symmflow::ui {
namespace {

// Asks for the size its content prefers (QScrollArea's own hint is much smaller), so the
// dock starts at its natural size and only scrolls once the window is too small for it.
class FittingScrollArea : public QScrollArea {
 public:
  using QScrollArea::QScrollArea;
  QSize sizeHint() const override {
    if (!widget()) return QScrollArea::sizeHint();
    return widget()->sizeHint() + QSize(verticalScrollBar()->sizeHint().width(), 0);
  }
};

}  // namespace

QWidget* scrollable(QWidget* body, QWidget* parent) {
  auto* area = new FittingScrollArea(parent);
  area->setFrameShape(QFrame::NoFrame);
  area->setWidgetResizable(true);
  area->setWidget(body);
  return area;
}

}  // namespace symmflow::ui
