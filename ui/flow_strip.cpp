// SPDX-License-Identifier: MIT
#include "ui/flow_strip.h"

#include <QFont>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "ui/qt_image.h"

namespace symmflow::ui {
namespace {
constexpr int kMinCellWidth = 96;
constexpr int kGap = 4;
constexpr int kLeft = 34;  // row names
constexpr int kTop = 20;   // "t = 0.40"
}  // namespace

std::vector<int> stripColumns(int points, int maxColumns) {
  std::vector<int> cols;
  if (points <= 0) return cols;
  maxColumns = std::max(2, maxColumns);  // at least both ends
  if (points <= maxColumns) {
    for (int i = 0; i < points; ++i) cols.push_back(i);
    return cols;
  }
  for (int k = 0; k < maxColumns; ++k)
    cols.push_back(static_cast<int>(std::lround(static_cast<double>(k) * (points - 1) / (maxColumns - 1))));
  return cols;  // distinct: the spacing is over 1 when points > maxColumns
}

QImage flowStrip(const std::vector<StepReport>& steps, int item, const ClassList& classes, int maxColumns) {
  // The points that kept this item's pictures.
  std::vector<const StepReport*> kept;
  for (const StepReport& s : steps)
    if (item >= 0 && item < static_cast<int>(s.items.size()) && !s.items[static_cast<std::size_t>(item)].x.empty())
      kept.push_back(&s);
  if (kept.empty()) return {};
  const std::vector<int> cols = stripColumns(static_cast<int>(kept.size()), maxColumns);
  const StepPreview& first = kept.front()->items[static_cast<std::size_t>(item)];
  const int scale = std::max(1, (kMinCellWidth + first.x.width - 1) / std::max(1, first.x.width));
  const int cw = first.x.width * scale, ch = first.x.height * scale;
  bool estimates = false;
  for (int c : cols)
    estimates |= !kept[static_cast<std::size_t>(c)]->items[static_cast<std::size_t>(item)].yHat.empty();
  const int rows = estimates ? 3 : 2;
  const int n = static_cast<int>(cols.size());
  QImage strip(kLeft + n * cw + (n - 1) * kGap, kTop + rows * ch + (rows - 1) * kGap, QImage::Format_RGB32);
  strip.fill(Qt::white);
  QPainter p(&strip);
  QFont font = p.font();
  font.setPixelSize(12);
  p.setFont(font);
  p.setPen(Qt::black);
  const QString names[3] = {QStringLiteral("x_t"), QStringLiteral("y_t"), QStringLiteral("ŷ0")};
  for (int r = 0; r < rows; ++r)
    p.drawText(QRect(0, kTop + r * (ch + kGap), kLeft - 4, ch), Qt::AlignRight | Qt::AlignVCenter, names[r]);
  for (int k = 0; k < n; ++k) {
    const StepReport& s = *kept[static_cast<std::size_t>(cols[static_cast<std::size_t>(k)])];
    const StepPreview& pv = s.items[static_cast<std::size_t>(item)];
    const int x0 = kLeft + k * (cw + kGap);
    p.drawText(QRect(x0, 0, cw, kTop), Qt::AlignCenter, QStringLiteral("t = %1").arg(s.t, 0, 'f', 2));
    const QImage cells[3] = {toQImage(pv.x), labelsToImage(pv.y, classes),
                             pv.yHat.empty() ? QImage() : labelsToImage(pv.yHat, classes)};
    for (int r = 0; r < rows; ++r) {
      const QRect cell(x0, kTop + r * (ch + kGap), cw, ch);
      if (cells[r].isNull())
        p.fillRect(cell, QColor(232, 232, 232));
      else
        p.drawImage(cell, cells[r].scaled(cw, ch, Qt::IgnoreAspectRatio, Qt::FastTransformation));
    }
  }
  return strip;
}

}  // namespace symmflow::ui
