// SPDX-License-Identifier: MIT
#pragma once
// Conversions between the engine's plain image types and QImage, and colour
// helpers for label maps. QtGui only; no QApplication needed.
#include <QColor>
#include <QImage>
#include <QRect>
#include <bitset>
#include <vector>

#include "core/types.h"

namespace symmflow::ui {

// Deep copies.
QImage toQImage(const RgbImage& image);
RgbImage fromQImage(const QImage& image);

QColor classColor(const ClassList& classes, int id);

// Paints `rect` of `labels` into `target` (ARGB32_Premultiplied, the map's size):
// class colours, fully transparent for hidden classes; ignore and unknown ids are
// drawn as a grey checker so they never pass for a class.
void paintLabels(QImage& target, const LabelMap& labels, const ClassList& classes, const std::bitset<256>& hidden,
                 const QRect& rect);
QImage labelsToImage(const LabelMap& labels, const ClassList& classes, const std::bitset<256>& hidden = {});

// Per-pixel values in [0,1] (e.g. entropy) as a translucent heat overlay.
QImage heatOverlay(const std::vector<float>& values, int width, int height);

}  // namespace symmflow::ui
