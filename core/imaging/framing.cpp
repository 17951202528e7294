// SPDX-License-Identifier: MIT
#include "core/imaging/framing.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/imaging/detail/cv_convert.h"
#include "core/imaging/detail/resize_ops.h"

namespace symmflow::imaging {
namespace {

void checkFraming(const Framing& f, const char* what) {
  if (!f.valid()) throw std::invalid_argument(std::string(what) + ": invalid framing");
}

void checkPhotoSize(int width, int height, const Framing& f, const char* what) {
  if (width != f.photoWidth || height != f.photoHeight)
    throw std::invalid_argument(std::string(what) + ": expected a " + std::to_string(f.photoWidth) + "x" +
                                std::to_string(f.photoHeight) + " input, got " + std::to_string(width) + "x" +
                                std::to_string(height));
}

cv::Rect cropRect(const Framing& f) { return {f.cropX, f.cropY, f.cropWidth, f.cropHeight}; }

}  // namespace

Framing makeFraming(int photoWidth, int photoHeight, int modelWidth, int modelHeight, double aspectTolerance) {
  if (photoWidth <= 0 || photoHeight <= 0 || modelWidth <= 0 || modelHeight <= 0)
    throw std::invalid_argument("makeFraming: sizes must be positive");
  Framing f;
  f.photoWidth = photoWidth;
  f.photoHeight = photoHeight;
  f.modelWidth = modelWidth;
  f.modelHeight = modelHeight;
  f.cropWidth = photoWidth;
  f.cropHeight = photoHeight;
  const double ratio = (double(photoWidth) / photoHeight) / (double(modelWidth) / modelHeight);
  if (std::abs(ratio - 1.0) <= aspectTolerance) {
    f.mode = Framing::Mode::Resize;
    return f;
  }
  f.mode = Framing::Mode::CenterCrop;
  if (ratio > 1.0) {  // the photo is wider: cut left and right
    f.cropWidth = std::clamp(int(std::lround(double(photoHeight) * modelWidth / modelHeight)), 1, photoWidth);
    f.cropX = (photoWidth - f.cropWidth) / 2;
  } else {  // the photo is taller: cut top and bottom
    f.cropHeight = std::clamp(int(std::lround(double(photoWidth) * modelHeight / modelWidth)), 1, photoHeight);
    f.cropY = (photoHeight - f.cropHeight) / 2;
  }
  return f;
}

RgbImage toModel(const RgbImage& photo, const Framing& framing) {
  checkFraming(framing, "toModel");
  checkPhotoSize(photo.width, photo.height, framing, "toModel");
  const cv::Mat crop = detail::viewOf(photo)(cropRect(framing));
  return detail::rgbFromMat(detail::resizeColor(crop, framing.modelWidth, framing.modelHeight));
}

LabelMap labelsToModel(const LabelMap& photoLabels, const Framing& framing, int gridWidth, int gridHeight) {
  checkFraming(framing, "labelsToModel");
  checkPhotoSize(photoLabels.width, photoLabels.height, framing, "labelsToModel");
  if (gridWidth <= 0) gridWidth = framing.modelWidth;
  if (gridHeight <= 0) gridHeight = framing.modelHeight;
  const cv::Mat crop = detail::viewOf(photoLabels)(cropRect(framing));
  return detail::labelsFromMat(detail::resizeNearest(crop, gridWidth, gridHeight));
}

LabelMap labelsToPhoto(const LabelMap& modelLabels, const Framing& framing, std::uint8_t outsideFill) {
  checkFraming(framing, "labelsToPhoto");
  if (modelLabels.empty() || modelLabels.ids.size() != std::size_t(modelLabels.width) * modelLabels.height)
    throw std::invalid_argument("labelsToPhoto: empty or inconsistent label map");
  LabelMap out(framing.photoWidth, framing.photoHeight, outsideFill);
  const cv::Mat scaled = detail::resizeNearest(detail::viewOf(modelLabels), framing.cropWidth, framing.cropHeight);
  cv::Mat target = detail::viewOf(out)(cropRect(framing));
  scaled.copyTo(target);
  return out;
}

RgbImage imageToPhoto(const RgbImage& modelImage, const Framing& framing, const RgbImage& background) {
  checkFraming(framing, "imageToPhoto");
  if (modelImage.width != framing.modelWidth || modelImage.height != framing.modelHeight)
    throw std::invalid_argument("imageToPhoto: the image is not the framing's model size");
  RgbImage out = (background.width == framing.photoWidth && background.height == framing.photoHeight)
                     ? background
                     : RgbImage(framing.photoWidth, framing.photoHeight);
  const cv::Mat scaled = detail::resizeColor(detail::viewOf(modelImage), framing.cropWidth, framing.cropHeight);
  cv::Mat target = detail::viewOf(out)(cropRect(framing));
  scaled.copyTo(target);
  return out;
}

}  // namespace symmflow::imaging
