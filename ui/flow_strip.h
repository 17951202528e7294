// SPDX-License-Identifier: MIT
#pragma once
// One result's flow as a single picture, for a figure: a column per grid point from t = 0 to
// t = 1, rows x_t, y_t (class colours) and the one-step estimate ŷ0, a "t = …" heading over
// each column and the row names on the left. QtGui only (QPainter text needs a
// QGuiApplication).
#include <QImage>
#include <vector>

#include "core/engine.h"

namespace symmflow::ui {

// Which of `points` grid points a strip of at most `maxColumns` shows: all of them when they
// fit, else `maxColumns` evenly spaced ones that include the first and the last (a
// `maxColumns` under 2 counts as 2).
std::vector<int> stripColumns(int points, int maxColumns);

// The strip of batch item `item` of `steps`, over the points that kept previews of it.
// Cells are the previews scaled by a whole factor to at least 96 pixels wide (nearest
// neighbour, so pixels stay crisp); a point without an estimate leaves its ŷ0 cell light
// grey, and the ŷ0 row is left out when no point has one. Null when no point has previews.
QImage flowStrip(const std::vector<StepReport>& steps, int item, const ClassList& classes, int maxColumns = 11);

}  // namespace symmflow::ui
