// SPDX-License-Identifier: MIT
#include "ui/raster_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace symmflow::ui::raster {
namespace {

// Grows `r` to include pixel (x, y).
inline void include(QRect& r, int x, int y) {
  if (r.isNull()) {
    r = QRect(x, y, 1, 1);
  } else {
    r = r.united(QRect(x, y, 1, 1));
  }
}

inline bool set(LabelMap& map, int x, int y, std::uint8_t id, const ClassMask& locked) {
  std::uint8_t& v = map.at(x, y);
  if (v == id || locked.test(v)) return false;
  v = id;
  return true;
}

// Squared distance from p to the segment a-b.
double distSqToSegment(double px, double py, double ax, double ay, double bx, double by) {
  const double dx = bx - ax;
  const double dy = by - ay;
  const double len2 = dx * dx + dy * dy;
  double t = 0.0;
  if (len2 > 0.0) t = std::clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0.0, 1.0);
  const double cx = ax + t * dx - px;
  const double cy = ay + t * dy - py;
  return cx * cx + cy * cy;
}

}  // namespace

QPointF snapBrushCenter(QPointF pos, int diameter) {
  if (diameter % 2 == 1) return {std::floor(pos.x()) + 0.5, std::floor(pos.y()) + 0.5};
  return {std::round(pos.x()), std::round(pos.y())};
}

std::vector<QPoint> brushFootprint(int diameter) {
  diameter = std::max(1, diameter);
  const QPointF c = diameter % 2 == 1 ? QPointF(0.5, 0.5) : QPointF(0.0, 0.0);
  const double r = diameter / 2.0;
  const double r2 = r * r + 1e-9;
  std::vector<QPoint> out;
  const int reach = diameter / 2 + 1;
  for (int j = -reach; j <= reach; ++j) {
    for (int i = -reach; i <= reach; ++i) {
      const double dx = i + 0.5 - c.x();
      const double dy = j + 0.5 - c.y();
      if (dx * dx + dy * dy <= r2) out.emplace_back(i, j);
    }
  }
  return out;
}

QRect dab(LabelMap& map, QPointF center, double diameter, std::uint8_t id, const ClassMask& locked) {
  return line(map, center, center, diameter, id, locked);
}

QRect line(LabelMap& map, QPointF a, QPointF b, double diameter, std::uint8_t id, const ClassMask& locked) {
  QRect changed;
  if (map.empty()) return changed;
  const double r = std::max(0.5, diameter / 2.0);
  // A tiny epsilon so that a pixel exactly on the rim (e.g. diameter 1 at a pixel
  // centre) is included deterministically.
  const double r2 = r * r + 1e-9;
  const int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x(), b.x()) - r)));
  const int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y(), b.y()) - r)));
  const int x1 = std::min(map.width - 1, static_cast<int>(std::ceil(std::max(a.x(), b.x()) + r)));
  const int y1 = std::min(map.height - 1, static_cast<int>(std::ceil(std::max(a.y(), b.y()) + r)));
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      if (distSqToSegment(x + 0.5, y + 0.5, a.x(), a.y(), b.x(), b.y()) <= r2 && set(map, x, y, id, locked)) {
        include(changed, x, y);
      }
    }
  }
  return changed;
}

namespace {

// One photo-aware dab (see photoAwareLine): a breadth-first fill from the centre pixel over
// the disc's pixels whose colour is close to the centre's.
void photoAwareDab(LabelMap& map, const RgbImage& photo, QPointF center, double r2, int reach, double tolerance,
                   std::uint8_t id, const ClassMask& locked, QRect& changed) {
  const int cx = static_cast<int>(std::floor(center.x()));
  const int cy = static_cast<int>(std::floor(center.y()));
  if (cx < 0 || cy < 0 || cx >= map.width || cy >= map.height) return;
  double ref[3] = {0, 0, 0};
  int n = 0;
  for (int y = std::max(0, cy - 1); y <= std::min(map.height - 1, cy + 1); ++y)
    for (int x = std::max(0, cx - 1); x <= std::min(map.width - 1, cx + 1); ++x, ++n)
      for (int k = 0; k < 3; ++k) ref[k] += photo.at(x, y)[k];
  for (double& v : ref) v /= n;
  const double tol2 = tolerance * tolerance;
  const int x0 = std::max(0, cx - reach), y0 = std::max(0, cy - reach);
  const int x1 = std::min(map.width - 1, cx + reach), y1 = std::min(map.height - 1, cy + reach);
  const int w = x1 - x0 + 1;
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(w) * (y1 - y0 + 1), 0);
  auto admits = [&](int x, int y) {
    const double dx = x + 0.5 - center.x(), dy = y + 0.5 - center.y();
    if (dx * dx + dy * dy > r2) return false;
    const std::uint8_t* c = photo.at(x, y);
    double d2 = 0;
    for (int k = 0; k < 3; ++k) d2 += (c[k] - ref[k]) * (c[k] - ref[k]);
    return d2 <= tol2;
  };
  // seen: 0 not looked at, 1 looked at and refused, 2 reached (painted).
  auto at = [&](int x, int y) -> std::uint8_t& { return seen[static_cast<std::size_t>(y - y0) * w + (x - x0)]; };
  // Depth first with an explicit stack of pixel indices: memory stays near the frontier, so a
  // photo fill of a whole 50 MP photo needs its 1-byte `seen` and little more.
  std::vector<std::int64_t> stack{static_cast<std::int64_t>(cy) * map.width + cx};
  at(cx, cy) = 2;
  while (!stack.empty()) {
    const std::int64_t i = stack.back();
    stack.pop_back();
    const int qx = static_cast<int>(i % map.width), qy = static_cast<int>(i / map.width);
    if (set(map, qx, qy, id, locked)) include(changed, qx, qy);
    const int next[4][2] = {{qx + 1, qy}, {qx - 1, qy}, {qx, qy + 1}, {qx, qy - 1}};
    for (const auto& m : next) {
      if (m[0] < x0 || m[0] > x1 || m[1] < y0 || m[1] > y1 || at(m[0], m[1])) continue;
      const bool in = admits(m[0], m[1]);
      at(m[0], m[1]) = in ? 2 : 1;
      if (in) stack.push_back(static_cast<std::int64_t>(m[1]) * map.width + m[0]);
    }
  }
  // A photo's texture leaves single pixels out (a highlight on a car): a refused pixel of the
  // disc with at least 3 of its 4 neighbours reached is painted too. An edge pixel has one.
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) {
      if (at(x, y) != 1) continue;
      const double dx = x + 0.5 - center.x(), dy = y + 0.5 - center.y();
      if (dx * dx + dy * dy > r2) continue;
      const int reached = (x > x0 && at(x - 1, y) == 2) + (x < x1 && at(x + 1, y) == 2) +
                          (y > y0 && at(x, y - 1) == 2) + (y < y1 && at(x, y + 1) == 2);
      if (reached >= 3 && set(map, x, y, id, locked)) include(changed, x, y);
    }
}

}  // namespace

QRect photoAwareLine(LabelMap& map, const RgbImage& photo, QPointF a, QPointF b, double diameter, double tolerance,
                     std::uint8_t id, const ClassMask& locked) {
  if (photo.width != map.width || photo.height != map.height || photo.empty())
    return line(map, a, b, diameter, id, locked);
  QRect changed;
  if (map.empty()) return changed;
  const double r = std::max(0.5, diameter / 2.0);
  const double r2 = r * r + 1e-9;
  const int reach = static_cast<int>(std::ceil(r)) + 1;
  const double length = std::hypot(b.x() - a.x(), b.y() - a.y());
  const int dabs = static_cast<int>(std::ceil(length / std::max(1.0, diameter / 4.0)));
  for (int k = dabs == 0 ? 0 : 1; k <= dabs; ++k) {
    const double f = dabs == 0 ? 0.0 : static_cast<double>(k) / dabs;
    photoAwareDab(map, photo, a + (b - a) * f, r2, reach, tolerance, id, locked, changed);
  }
  return changed;
}

QRect photoFill(LabelMap& map, const RgbImage& photo, QPoint seed, double tolerance, std::uint8_t id,
                const ClassMask& locked) {
  if (photo.width != map.width || photo.height != map.height || photo.empty()) return floodFill(map, seed, id, locked);
  QRect changed;
  const int reach = std::max(map.width, map.height);
  photoAwareDab(map, photo, QPointF(seed.x() + 0.5, seed.y() + 0.5), std::numeric_limits<double>::infinity(), reach,
                tolerance, id, locked, changed);
  return changed;
}

QRect floodFill(LabelMap& map, QPoint seed, std::uint8_t id, const ClassMask& locked) {
  QRect changed;
  if (map.empty() || seed.x() < 0 || seed.y() < 0 || seed.x() >= map.width || seed.y() >= map.height) return changed;
  const std::uint8_t from = map.at(seed.x(), seed.y());
  if (from == id || locked.test(from)) return changed;
  // Scanline fill with an explicit stack: no recursion, bounded memory.
  std::vector<QPoint> stack{seed};
  int minX = seed.x(), maxX = seed.x(), minY = seed.y(), maxY = seed.y();
  while (!stack.empty()) {
    const QPoint p = stack.back();
    stack.pop_back();
    const int y = p.y();
    if (map.at(p.x(), y) != from) continue;
    int left = p.x();
    while (left > 0 && map.at(left - 1, y) == from) --left;
    int right = p.x();
    while (right + 1 < map.width && map.at(right + 1, y) == from) ++right;
    for (int x = left; x <= right; ++x) map.at(x, y) = id;
    minX = std::min(minX, left);
    maxX = std::max(maxX, right);
    minY = std::min(minY, y);
    maxY = std::max(maxY, y);
    for (int ny : {y - 1, y + 1}) {
      if (ny < 0 || ny >= map.height) continue;
      bool inRun = false;
      for (int x = left; x <= right; ++x) {
        const bool match = map.at(x, ny) == from;
        if (match && !inRun) stack.emplace_back(x, ny);
        inRun = match;
      }
    }
  }
  return QRect(QPoint(minX, minY), QPoint(maxX, maxY));
}

QRect polygonFill(LabelMap& map, const QPolygonF& polygon, std::uint8_t id, const ClassMask& locked) {
  QRect changed;
  const int n = static_cast<int>(polygon.size());
  if (map.empty() || n < 3) return changed;
  const QRectF bounds = polygon.boundingRect();
  const int y0 = std::max(0, static_cast<int>(std::floor(bounds.top())));
  const int y1 = std::min(map.height - 1, static_cast<int>(std::ceil(bounds.bottom())));
  std::vector<double> xs;
  for (int y = y0; y <= y1; ++y) {
    const double sy = y + 0.5;
    xs.clear();
    for (int i = 0; i < n; ++i) {
      const QPointF& p = polygon[i];
      const QPointF& q = polygon[(i + 1) % n];
      // Half-open rule on y so shared vertices are counted once.
      if ((p.y() <= sy && q.y() > sy) || (q.y() <= sy && p.y() > sy)) {
        xs.push_back(p.x() + (sy - p.y()) * (q.x() - p.x()) / (q.y() - p.y()));
      }
    }
    std::sort(xs.begin(), xs.end());
    for (std::size_t k = 0; k + 1 < xs.size(); k += 2) {
      // Pixels whose centre x + 0.5 lies in [xs[k], xs[k+1]).
      const int xa = std::max(0, static_cast<int>(std::ceil(xs[k] - 0.5)));
      const int xb = std::min(map.width - 1, static_cast<int>(std::ceil(xs[k + 1] - 0.5)) - 1);
      for (int x = xa; x <= xb; ++x)
        if (set(map, x, y, id, locked)) include(changed, x, y);
    }
  }
  return changed;
}

std::vector<std::int64_t> histogram(const LabelMap& map) {
  std::vector<std::int64_t> h(256, 0);
  for (std::uint8_t v : map.ids) ++h[v];
  return h;
}

LabelMap copyRect(const LabelMap& map, const QRect& rect) {
  LabelMap out(rect.width(), rect.height());
  for (int y = 0; y < rect.height(); ++y) {
    const auto* src = &map.ids[static_cast<std::size_t>(rect.y() + y) * map.width + rect.x()];
    std::copy(src, src + rect.width(), &out.ids[static_cast<std::size_t>(y) * rect.width()]);
  }
  return out;
}

void pasteRect(LabelMap& map, const QRect& rect, const LabelMap& patch) {
  for (int y = 0; y < rect.height(); ++y) {
    const auto* src = &patch.ids[static_cast<std::size_t>(y) * rect.width()];
    std::copy(src, src + rect.width(), &map.ids[static_cast<std::size_t>(rect.y() + y) * map.width + rect.x()]);
  }
}

QRect diffRect(const LabelMap& a, const LabelMap& b) {
  if (a.width != b.width || a.height != b.height) return {};
  int minX = a.width, minY = a.height, maxX = -1, maxY = -1;
  for (int y = 0; y < a.height; ++y) {
    const std::size_t row = static_cast<std::size_t>(y) * a.width;
    for (int x = 0; x < a.width; ++x) {
      if (a.ids[row + x] != b.ids[row + x]) {
        minX = std::min(minX, x);
        maxX = std::max(maxX, x);
        minY = std::min(minY, y);
        maxY = std::max(maxY, y);
      }
    }
  }
  if (maxX < 0) return {};
  return QRect(QPoint(minX, minY), QPoint(maxX, maxY));
}

}  // namespace symmflow::ui::raster
