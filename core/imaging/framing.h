// SPDX-License-Identifier: MIT
#pragma once
// Framing: how a photo of any size maps onto the model's fixed canvas and back.
//
// The rule (makeFraming): let r = (W/H) / (w/h) compare the photo's aspect W:H with
// the model's w:h.
//  - |r - 1| <= aspectTolerance (2 % by default): Mode::Resize. The whole photo is
//    resized to w x h (the tiny aspect change is accepted).
//  - otherwise Mode::CenterCrop. The photo is scaled to cover the canvas keeping its
//    aspect and the overflow is cut off evenly on both sides: the crop is the
//    largest centred rectangle of aspect w:h (integer photo pixels) inside the photo,
//    and that rectangle is resized to w x h. Photo pixels outside the crop are not
//    seen by the model; mapping back leaves them untouched (images) or fills them
//    (labels, see labelsToPhoto).
// A model "grid" may be coarser than the canvas (a model's label resolution); every
// function that maps labels accepts any grid size and spreads it over the crop.
//
// Precondition violations (empty inputs, sizes that do not match the framing) are
// programmer errors and throw std::invalid_argument; nothing here does I/O.
// Thread-safety: pure functions.
#include <cstdint>

#include "core/types.h"

namespace symmflow::imaging {

struct Framing {
  enum class Mode { Resize, CenterCrop };
  Mode mode = Mode::Resize;
  int photoWidth = 0;
  int photoHeight = 0;
  int modelWidth = 0;
  int modelHeight = 0;
  // The photo rectangle (photo pixels, inside the photo) that fills the model canvas.
  // Mode::Resize: the whole photo.
  int cropX = 0;
  int cropY = 0;
  int cropWidth = 0;
  int cropHeight = 0;

  bool valid() const {
    return photoWidth > 0 && photoHeight > 0 && modelWidth > 0 && modelHeight > 0 && cropWidth > 0 && cropHeight > 0 &&
           cropX >= 0 && cropY >= 0 && cropX + cropWidth <= photoWidth && cropY + cropHeight <= photoHeight;
  }
  // Model pixels per photo pixel along x / y (> 1 when the photo is smaller).
  double scaleX() const { return static_cast<double>(modelWidth) / cropWidth; }
  double scaleY() const { return static_cast<double>(modelHeight) / cropHeight; }
};

inline constexpr double kDefaultAspectTolerance = 0.02;

// The framing of a photoWidth x photoHeight photo on a modelWidth x modelHeight
// canvas, by the rule above. All sizes must be > 0 (else std::invalid_argument).
Framing makeFraming(int photoWidth, int photoHeight, int modelWidth, int modelHeight,
                    double aspectTolerance = kDefaultAspectTolerance);

// The photo as the model sees it: crop, then resize to the model size with
// INTER_AREA when shrinking and bicubic when enlarging. photo must be photoW x photoH.
RgbImage toModel(const RgbImage& photo, const Framing& framing);

// Photo-size labels -> a gridWidth x gridHeight model grid (0 = the model size),
// nearest neighbour (pixel centres), ignore ids kept.
LabelMap labelsToModel(const LabelMap& photoLabels, const Framing& framing, int gridWidth = 0, int gridHeight = 0);

// Labels on a model grid of any size -> photo size, nearest neighbour (pixel
// centres). Pixels outside the crop get `outsideFill` (ignore by default).
LabelMap labelsToPhoto(const LabelMap& modelLabels, const Framing& framing,
                       std::uint8_t outsideFill = LabelMap::kIgnoreId);

// A model-size image (e.g. a regenerated one) -> photo size: the crop region holds
// the image resized to the crop (INTER_AREA shrinking, bicubic enlarging); pixels
// outside the crop are copied from `background` when it is photo-sized, else black.
RgbImage imageToPhoto(const RgbImage& modelImage, const Framing& framing, const RgbImage& background = {});

}  // namespace symmflow::imaging
