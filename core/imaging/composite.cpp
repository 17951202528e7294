// SPDX-License-Identifier: MIT
#include "core/imaging/composite.h"

#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

#include "core/imaging/detail/cv_convert.h"
#include "core/imaging/detail/resize_ops.h"

namespace symmflow::imaging {

LabelMap changedMask(const LabelMap& before, const LabelMap& after) {
  if (before.width != after.width || before.height != after.height || before.ids.size() != after.ids.size())
    throw std::invalid_argument("changedMask: the label maps differ in size");
  LabelMap out(before.width, before.height);
  for (std::size_t i = 0; i < before.ids.size(); ++i) out.ids[i] = before.ids[i] != after.ids[i] ? 1 : 0;
  return out;
}

RgbImage compositeEdit(const RgbImage& originalPhoto, const RgbImage& regeneratedAtModelSize,
                       const LabelMap& changedMaskAtPhotoSize, const Framing& framing, float featherPx,
                       float dilatePx) {
  if (!framing.valid()) throw std::invalid_argument("compositeEdit: invalid framing");
  if (originalPhoto.width != framing.photoWidth || originalPhoto.height != framing.photoHeight ||
      changedMaskAtPhotoSize.width != framing.photoWidth || changedMaskAtPhotoSize.height != framing.photoHeight)
    throw std::invalid_argument("compositeEdit: photo or mask is not the framing's photo size");
  if (regeneratedAtModelSize.width != framing.modelWidth || regeneratedAtModelSize.height != framing.modelHeight)
    throw std::invalid_argument("compositeEdit: the regenerated image is not the model size");
  if (!std::isfinite(featherPx) || !std::isfinite(dilatePx) || featherPx < 0 || dilatePx < 0)
    throw std::invalid_argument("compositeEdit: featherPx and dilatePx must be finite and >= 0");

  RgbImage out = originalPhoto;
  const cv::Mat changed = detail::viewOf(changedMaskAtPhotoSize);
  if (cv::countNonZero(changed) == 0) return out;

  // Distance of every pixel to the nearest changed pixel (0 on changed pixels).
  cv::Mat unchanged = (changed == 0);
  cv::Mat distance;
  cv::distanceTransform(unchanged, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE, CV_32F);

  const cv::Mat regenerated =
      detail::resizeColor(detail::viewOf(regeneratedAtModelSize), framing.cropWidth, framing.cropHeight);
  for (int cy = 0; cy < framing.cropHeight; ++cy) {
    const int y = cy + framing.cropY;
    const float* d = distance.ptr<float>(y);
    const std::uint8_t* src = regenerated.ptr<std::uint8_t>(cy);
    for (int cx = 0; cx < framing.cropWidth; ++cx) {
      const int x = cx + framing.cropX;
      float weight = 0.0f;
      if (d[x] <= dilatePx)
        weight = 1.0f;
      else if (featherPx > 0.0f && d[x] < dilatePx + featherPx)
        weight = 1.0f - (d[x] - dilatePx) / featherPx;
      if (weight <= 0.0f) continue;  // untouched: stays byte-identical
      std::uint8_t* px = out.at(x, y);
      const std::uint8_t* gen = src + std::ptrdiff_t{3} * cx;
      for (int c = 0; c < 3; ++c)
        px[c] = static_cast<std::uint8_t>(std::lround(float(px[c]) * (1.0f - weight) + float(gen[c]) * weight));
    }
  }
  return out;
}

}  // namespace symmflow::imaging
