// SPDX-License-Identifier: MIT
#include "ui/qt_image.h"

#include <QPainter>
#include <algorithm>
#include <cstring>

namespace symmflow::ui {

QImage toQImage(const RgbImage& image) {
  if (image.empty()) return {};
  QImage out(image.width, image.height, QImage::Format_RGB888);
  for (int y = 0; y < image.height; ++y)
    std::memcpy(out.scanLine(y), image.at(0, y), static_cast<std::size_t>(image.width) * 3);
  return out;
}

RgbImage fromQImage(const QImage& image) {
  if (image.isNull()) return {};
  const QImage src = image.convertToFormat(QImage::Format_RGB888);
  RgbImage out(src.width(), src.height());
  for (int y = 0; y < src.height(); ++y)
    std::memcpy(out.at(0, y), src.constScanLine(y), static_cast<std::size_t>(src.width()) * 3);
  return out;
}

QColor classColor(const ClassList& classes, int id) {
  if (id < 0 || id >= classes.size()) return QColor(128, 128, 128);
  const Rgb& c = classes.classes[id].color;
  return QColor(c[0], c[1], c[2]);
}

QIcon untintedIcon(const QPixmap& pixmap) {
  QIcon icon;
  for (const QIcon::Mode mode : {QIcon::Normal, QIcon::Active, QIcon::Selected}) {
    icon.addPixmap(pixmap, mode, QIcon::Off);
    icon.addPixmap(pixmap, mode, QIcon::On);
  }
  return icon;
}

QIcon swatchIcon(const QColor& color, int size) {
  QPixmap pm(size, size);
  pm.fill(color);
  QPainter p(&pm);
  p.setPen(QColor(0, 0, 0, 140));
  p.drawRect(0, 0, size - 1, size - 1);
  p.end();
  return untintedIcon(pm);
}

void paintLabels(QImage& target, const LabelMap& labels, const ClassList& classes, const std::bitset<256>& hidden,
                 const QRect& rect) {
  QRgb lut[256];
  for (int i = 0; i < 256; ++i) {
    if (hidden.test(i)) {
      lut[i] = 0;
    } else if (i < classes.size()) {
      const Rgb& c = classes.classes[i].color;
      lut[i] = qRgba(c[0], c[1], c[2], 255);
    } else {
      lut[i] = 1;  // marker: checker below
    }
  }
  const QRect r = rect.intersected(QRect(0, 0, labels.width, labels.height));
  for (int y = r.top(); y <= r.bottom(); ++y) {
    auto* line = reinterpret_cast<QRgb*>(target.scanLine(y));
    const std::uint8_t* ids = &labels.ids[static_cast<std::size_t>(y) * labels.width];
    for (int x = r.left(); x <= r.right(); ++x) {
      QRgb v = lut[ids[x]];
      if (v == 1) v = (((x >> 2) ^ (y >> 2)) & 1) ? qRgba(96, 96, 96, 255) : qRgba(160, 160, 160, 255);
      line[x] = v;
    }
  }
}

QImage labelsToImage(const LabelMap& labels, const ClassList& classes, const std::bitset<256>& hidden) {
  if (labels.empty()) return {};
  QImage img(labels.width, labels.height, QImage::Format_ARGB32_Premultiplied);
  paintLabels(img, labels, classes, hidden, QRect(0, 0, labels.width, labels.height));
  return img;
}

QImage heatOverlay(const std::vector<float>& values, int width, int height) {
  if (width <= 0 || height <= 0 || values.size() < static_cast<std::size_t>(width) * height) return {};
  QImage img(width, height, QImage::Format_ARGB32_Premultiplied);
  for (int y = 0; y < height; ++y) {
    auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    for (int x = 0; x < width; ++x) {
      const float v = std::clamp(values[static_cast<std::size_t>(y) * width + x], 0.0f, 1.0f);
      // Transparent when certain, orange-to-white and more opaque when uncertain.
      const int a = static_cast<int>(v * 220.0f);
      const int r = 255, g = static_cast<int>(80 + 175 * v), b = static_cast<int>(40 + 200 * v * v);
      line[x] = qPremultiply(qRgba(r, g, b, a));
    }
  }
  return img;
}

}  // namespace symmflow::ui
