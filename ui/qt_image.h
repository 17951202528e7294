// SPDX-License-Identifier: MIT
#pragma once
// Conversions between the engine's plain image types and QImage, and colour
// helpers for label maps. QtGui only; no QApplication needed, except for the icon
// helpers (QPixmap needs a QGuiApplication).
#include <QColor>
#include <QIcon>
#include <QImage>
#include <QPixmap>
#include <QRect>
#include <bitset>
#include <vector>

#include "core/types.h"

namespace symmflow::ui {

// Deep copies.
QImage toQImage(const RgbImage& image);
RgbImage fromQImage(const QImage& image);

QColor classColor(const ClassList& classes, int id);

// An icon that shows `pixmap` as it is in every mode: a selected row or item keeps
// its true colours (the style would otherwise tint the Selected pixmap with the
// highlight colour, and a class swatch would show the wrong colour).
QIcon untintedIcon(const QPixmap& pixmap);
// A class swatch: `size` square of `color` with a thin dark frame, as untintedIcon.
QIcon swatchIcon(const QColor& color, int size = 16);

// Paints `rect` of `labels` into `target` (ARGB32_Premultiplied, the map's size):
// class colours, fully transparent for hidden classes; ignore and unknown ids are
// drawn as a grey checker so they never pass for a class.
void paintLabels(QImage& target, const LabelMap& labels, const ClassList& classes, const std::bitset<256>& hidden,
                 const QRect& rect);
QImage labelsToImage(const LabelMap& labels, const ClassList& classes, const std::bitset<256>& hidden = {});

// Per-pixel values in [0,1] (e.g. entropy) as a translucent heat overlay.
QImage heatOverlay(const std::vector<float>& values, int width, int height);

}  // namespace symmflow::ui
