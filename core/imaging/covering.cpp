// SPDX-License-Identifier: MIT
#include "core/imaging/covering.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/imaging/edge_aware_upsample.h"
#include "core/imaging/resample.h"

namespace symmflow::imaging {
namespace {

bool consistent(const FloatPlanes& p) {
  return p.channels >= 1 && p.channels <= 255 && p.width > 0 && p.height > 0 &&
         p.data.size() == std::size_t(p.channels) * p.width * p.height;
}

// Entropy of the probabilities at every cell, divided by log C (0 certain, 1 uniform).
FloatPlanes normalisedEntropy(const FloatPlanes& probs) {
  FloatPlanes e;
  e.channels = 1;
  e.width = probs.width;
  e.height = probs.height;
  const std::size_t plane = std::size_t(probs.width) * probs.height;
  e.data.assign(plane, 0.0f);
  const double norm = std::log(double(std::max(2, probs.channels)));
  for (std::size_t i = 0; i < plane; ++i) {
    double h = 0.0;
    for (int c = 0; c < probs.channels; ++c) {
      const double p = probs.data[std::size_t(c) * plane + i];
      if (p > 0.0) h -= p * std::log(p);
    }
    e.data[i] = static_cast<float>(std::clamp(h / norm, 0.0, 1.0));
  }
  return e;
}

// `planes` (one channel, covering framing's crop) resized onto the crop, 0 elsewhere.
std::vector<float> planeToPhoto(const FloatPlanes& plane, const Framing& f) {
  const FloatPlanes crop = resizePlanes(plane, f.cropWidth, f.cropHeight);
  std::vector<float> out(std::size_t(f.photoWidth) * f.photoHeight, 0.0f);
  for (int y = 0; y < f.cropHeight; ++y)
    std::copy_n(crop.data.begin() + std::ptrdiff_t(y) * f.cropWidth, f.cropWidth,
                out.begin() + std::ptrdiff_t(y + f.cropY) * f.photoWidth + f.cropX);
  return out;
}

// Bilinear sample of plane c of p at grid coordinates (x, y) (cell centres at integers),
// clamped to the grid.
float sample(const FloatPlanes& p, int c, double x, double y) {
  x = std::clamp(x, 0.0, double(p.width - 1));
  y = std::clamp(y, 0.0, double(p.height - 1));
  const int x0 = int(x), y0 = int(y);
  const int x1 = std::min(x0 + 1, p.width - 1), y1 = std::min(y0 + 1, p.height - 1);
  const double fx = x - x0, fy = y - y0;
  const double top = p.at(c, x0, y0) * (1 - fx) + p.at(c, x1, y0) * fx;
  const double bottom = p.at(c, x0, y1) * (1 - fx) + p.at(c, x1, y1) * fx;
  return static_cast<float>(top * (1 - fy) + bottom * fy);
}

}  // namespace

std::vector<Framing> coveringWindows(const Framing& framing, int maxWindows) {
  if (!framing.valid()) throw std::invalid_argument("coveringWindows: invalid framing");
  std::vector<Framing> windows{framing};
  const bool wide = framing.cropWidth < framing.photoWidth;
  const bool tall = framing.cropHeight < framing.photoHeight;
  if (framing.mode == Framing::Mode::Resize || (!wide && !tall)) return windows;
  const int extent = wide ? framing.photoWidth : framing.photoHeight;
  const int crop = wide ? framing.cropWidth : framing.cropHeight;
  const int n = (extent + crop - 1) / crop;  // evenly spread, n windows of `crop` cover `extent`
  if (n > maxWindows) return windows;
  for (int i = 0; i < n; ++i) {
    const int offset = int(std::lround(double(i) * (extent - crop) / (n - 1)));
    Framing w = framing;
    (wide ? w.cropX : w.cropY) = offset;
    if ((wide ? framing.cropX : framing.cropY) != offset) windows.push_back(w);
  }
  return windows;
}

CoveredSegmentation segmentationFromWindows(const std::vector<FloatPlanes>& scores, const std::vector<Framing>& windows,
                                            const RgbImage& photo, std::uint8_t outsideFill) {
  if (scores.empty() || scores.size() != windows.size())
    throw std::invalid_argument("segmentationFromWindows: one score grid per window is needed");
  const FloatPlanes& first = scores.front();
  const Framing& f0 = windows.front();
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const Framing& w = windows[i];
    if (!consistent(scores[i]) || scores[i].channels != first.channels || scores[i].width != first.width ||
        scores[i].height != first.height)
      throw std::invalid_argument("segmentationFromWindows: score grids must be consistent and of one size");
    if (!w.valid() || w.photoWidth != f0.photoWidth || w.photoHeight != f0.photoHeight || w.cropWidth != f0.cropWidth ||
        w.cropHeight != f0.cropHeight)
      throw std::invalid_argument("segmentationFromWindows: windows must be valid crops of one size of one photo");
  }
  if (photo.width != f0.photoWidth || photo.height != f0.photoHeight)
    throw std::invalid_argument("segmentationFromWindows: the photo is not the windows' photo");

  CoveredSegmentation out;
  if (windows.size() == 1) {  // one crop: as before covering existed
    out.labels = upsampleLabelsEdgeAware(first, photo, f0, {}, outsideFill);
    out.uncertainty = planeToPhoto(normalisedEntropy(first), f0);
    return out;
  }

  const bool wide = f0.cropWidth < f0.photoWidth;
  // One grid over the whole photo at the windows' resolution (grid cells per photo pixel).
  const double sx = double(first.width) / f0.cropWidth, sy = double(first.height) / f0.cropHeight;
  FloatPlanes merged;
  merged.channels = first.channels;
  merged.width = std::max(1, int(std::lround(f0.photoWidth * sx)));
  merged.height = std::max(1, int(std::lround(f0.photoHeight * sy)));
  const std::size_t plane = std::size_t(merged.width) * merged.height;
  merged.data.assign(std::size_t(merged.channels) * plane, 0.0f);
  for (int v = 0; v < merged.height; ++v) {
    for (int u = 0; u < merged.width; ++u) {
      // The cell's centre in photo pixels, then in each window's grid.
      const double px = (u + 0.5) * f0.photoWidth / merged.width, py = (v + 0.5) * f0.photoHeight / merged.height;
      double total = 0.0;
      std::vector<double> sum(std::size_t(merged.channels), 0.0);
      std::size_t nearest = 0;
      double nearestDistance = -1e300;
      for (std::size_t i = 0; i < windows.size(); ++i) {
        const Framing& w = windows[i];
        // Distance to the window's own border along the axis the windows spread on (negative
        // outside it): the blending weight.
        const double d = wide ? std::min(px - w.cropX, w.cropX + w.cropWidth - px)
                              : std::min(py - w.cropY, w.cropY + w.cropHeight - py);
        if (d > nearestDistance) {
          nearestDistance = d;
          nearest = i;
        }
        if (d <= 0.0) continue;
        const double gx = (px - w.cropX) * sx - 0.5, gy = (py - w.cropY) * sy - 0.5;
        for (int c = 0; c < merged.channels; ++c) sum[std::size_t(c)] += d * sample(scores[i], c, gx, gy);
        total += d;
      }
      if (total <= 0.0) {  // on a border shared by no window's inside: the nearest window
        const Framing& w = windows[nearest];
        const double gx = (px - w.cropX) * sx - 0.5, gy = (py - w.cropY) * sy - 0.5;
        for (int c = 0; c < merged.channels; ++c) sum[std::size_t(c)] = sample(scores[nearest], c, gx, gy);
        total = 1.0;
      }
      for (int c = 0; c < merged.channels; ++c)
        merged.data[std::size_t(c) * plane + std::size_t(v) * merged.width + u] =
            static_cast<float>(sum[std::size_t(c)] / total);
    }
  }
  Framing whole = f0;  // the merged grid spread over the whole photo
  whole.mode = Framing::Mode::Resize;
  whole.cropX = whole.cropY = 0;
  whole.cropWidth = f0.photoWidth;
  whole.cropHeight = f0.photoHeight;
  whole.modelWidth = merged.width;
  whole.modelHeight = merged.height;
  out.labels = upsampleLabelsEdgeAware(merged, photo, whole, {}, outsideFill);
  out.uncertainty = planeToPhoto(normalisedEntropy(merged), whole);
  return out;
}

}  // namespace symmflow::imaging
