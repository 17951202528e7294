// SPDX-License-Identifier: MIT
#pragma once
// One result's flow as a single picture, for a figure (Trajectory dock ▸ Save): the layout of
// imaging::layoutFlowStrip (a column per grid point, rows x_t, y_t and ŷ0) with its words
// written by QPainter. QtGui only (QPainter text needs a QGuiApplication).
#include <QImage>
#include <vector>

#include "core/engine.h"
#include "core/imaging/flow_strip.h"

namespace symmflow::ui {

// The strip of batch item `item` of `steps` (imaging::layoutFlowStrip). Null when no point
// has previews of it.
QImage flowStrip(const std::vector<StepReport>& steps, int item, const ClassList& classes, int maxColumns = 11);

}  // namespace symmflow::ui
