// SPDX-License-Identifier: MIT
#pragma once
// A dock's body inside a frameless scroll area: the dock can be made smaller than its
// content (small screens, tiling window managers) and scrolls instead of overlapping
// its neighbours.
#include <QWidget>

namespace symmflow::ui {

// Takes ownership of `body`; returns the scroll area to give to QDockWidget::setWidget.
QWidget* scrollable(QWidget* body, QWidget* parent);

}  // namespace symmflow::ui
