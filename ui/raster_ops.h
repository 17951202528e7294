// SPDX-License-Identifier: MIT
#pragma once
// Pure raster operations on label maps: round dabs, thick lines, flood fill and
// polygon fill. No widgets, no QApplication: only QtCore geometry types.
//
// Geometry: pixel (i, j) covers [i, i+1) x [j, j+1) in image coordinates, so its
// centre is (i + 0.5, j + 0.5). A footprint contains the pixels whose centres lie
// inside the shape. Labels are crisp: no antialiasing, no hardness.
//
// Locking: `locked[c]` set means pixels that currently hold class c are never
// overwritten. Every operation returns the rectangle of pixels it actually
// changed (empty when nothing changed); it is always clipped to the map.
#include <QPointF>
#include <QPolygonF>
#include <QRect>
#include <bitset>
#include <cstdint>
#include <vector>

#include "core/types.h"

namespace symmflow::ui::raster {

using ClassMask = std::bitset<256>;

// The centre a brush of `diameter` pixels should use when the pointer is at `pos`:
// odd diameters centre on a pixel centre, even ones on a pixel corner, so the
// footprint is symmetric and the same size wherever it lands.
QPointF snapBrushCenter(QPointF pos, int diameter);

// The pixels (relative offsets from the pixel under an odd brush's centre, or from
// the corner-adjacent pixel for even brushes) of a round brush: used for the cursor.
std::vector<QPoint> brushFootprint(int diameter);

// Paints a round dab of `diameter` pixels (>= 1) centred at `center`.
QRect dab(LabelMap& map, QPointF center, double diameter, std::uint8_t id, const ClassMask& locked = {});

// Paints a capsule: every pixel whose centre is within diameter/2 of segment a-b.
QRect line(LabelMap& map, QPointF a, QPointF b, double diameter, std::uint8_t id, const ClassMask& locked = {});

// Like line(), but only where the photo looks like it does under the brush, so the brush's
// rim stops at the photo's edges while its centre stays inside an object. Dabs are spaced at
// most a quarter of the diameter along a-b (a itself when a == b); each samples the colour
// under its own centre (the mean of its 3x3 neighbourhood), so textured objects are followed.
// A dab paints the pixels of its disc 4-connected to its centre pixel through pixels whose
// photo colour lies within `tolerance` of that colour (Euclidean distance in RGB, 0..442),
// and the disc's other pixels with at least 3 of their 4 neighbours so reached (holes left by
// texture). Locked pixels are not painted but still connect. `photo` must have the map's
// size; otherwise this is line().
QRect photoAwareLine(LabelMap& map, const RgbImage& photo, QPointF a, QPointF b, double diameter, double tolerance,
                     std::uint8_t id, const ClassMask& locked = {});

// The photo's region at `seed`, as one unbounded photo-aware dab: the pixels 4-connected to
// the seed through pixels within `tolerance` of its colour (and the holes texture leaves)
// get `id`, whatever their class. `photo` must have the map's size; otherwise this is
// floodFill().
QRect photoFill(LabelMap& map, const RgbImage& photo, QPoint seed, double tolerance, std::uint8_t id,
                const ClassMask& locked = {});

// Replaces the 4-connected region of the seed's class that contains `seed` with
// `id`. Nothing happens when the seed is outside, already `id`, or locked.
QRect floodFill(LabelMap& map, QPoint seed, std::uint8_t id, const ClassMask& locked = {});

// Fills the pixels whose centres are inside `polygon` (even-odd rule). Polygons
// with fewer than 3 points fill nothing.
QRect polygonFill(LabelMap& map, const QPolygonF& polygon, std::uint8_t id, const ClassMask& locked = {});

// Pixel count per id (256 bins).
std::vector<std::int64_t> histogram(const LabelMap& map);

// Copies `rect` (must lie inside the map) out of / into a map.
LabelMap copyRect(const LabelMap& map, const QRect& rect);
void pasteRect(LabelMap& map, const QRect& rect, const LabelMap& patch);

// The bounding rectangle of the pixels that differ between two maps of the same
// size (empty when equal or sizes differ).
QRect diffRect(const LabelMap& a, const LabelMap& b);

// The full rectangle of a map.
inline QRect mapRect(const LabelMap& map) { return QRect(0, 0, map.width, map.height); }

}  // namespace symmflow::ui::raster
