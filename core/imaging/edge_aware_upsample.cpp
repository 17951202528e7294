// SPDX-License-Identifier: MIT
#include "core/imaging/edge_aware_upsample.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/imaging/detail/cv_convert.h"

namespace symmflow::imaging {
namespace {

void checkInputs(const FloatPlanes& probs, const Framing& framing, const char* what) {
  if (!framing.valid()) throw std::invalid_argument(std::string(what) + ": invalid framing");
  if (probs.channels < 1 || probs.channels > 255 || probs.width <= 0 || probs.height <= 0 ||
      probs.data.size() != std::size_t(probs.channels) * probs.width * probs.height)
    throw std::invalid_argument(std::string(what) + ": probabilities must have 1..255 planes of a consistent size");
}

cv::Mat planeView(const FloatPlanes& probs, int c) {
  return cv::Mat(probs.height, probs.width, CV_32FC1,
                 const_cast<float*>(probs.data.data() + std::size_t(c) * probs.width * probs.height));
}

cv::Mat box(const cv::Mat& m, int radius) {
  cv::Mat out;
  cv::boxFilter(m, out, CV_32F, cv::Size(2 * radius + 1, 2 * radius + 1), cv::Point(-1, -1), true, cv::BORDER_REFLECT);
  return out;
}

// Keeps the running argmax: where q > best, best = q and id = c.
void updateArgmax(const cv::Mat& q, int c, cv::Mat& best, cv::Mat& ids) {
  for (int y = 0; y < q.rows; ++y) {
    const float* qr = q.ptr<float>(y);
    float* br = best.ptr<float>(y);
    std::uint8_t* ir = ids.ptr<std::uint8_t>(y);
    for (int x = 0; x < q.cols; ++x) {
      if (qr[x] > br[x]) {
        br[x] = qr[x];
        ir[x] = static_cast<std::uint8_t>(c);
      }
    }
  }
}

// Bilinear sampling positions of OpenCV's INTER_LINEAR (pixel centres aligned,
// clamped at the borders) from a source of `from` samples to `to` samples.
struct Tap {
  int i0 = 0;
  int i1 = 0;
  float w = 0.0f;
};
std::vector<Tap> bilinearTaps(int from, int to) {
  std::vector<Tap> taps(static_cast<std::size_t>(to));
  const double scale = double(from) / to;
  for (int i = 0; i < to; ++i) {
    const double s = std::clamp((i + 0.5) * scale - 0.5, 0.0, double(from - 1));
    Tap& t = taps[static_cast<std::size_t>(i)];
    t.i0 = static_cast<int>(s);
    t.i1 = std::min(t.i0 + 1, from - 1);
    t.w = static_cast<float>(s - t.i0);
  }
  return taps;
}

LabelMap placeInPhoto(const cv::Mat& ids, const Framing& framing, std::uint8_t outsideFill) {
  LabelMap out(framing.photoWidth, framing.photoHeight, outsideFill);
  cv::Mat target = detail::viewOf(out)(cv::Rect(framing.cropX, framing.cropY, framing.cropWidth, framing.cropHeight));
  ids.copyTo(target);
  return out;
}

}  // namespace

LabelMap upsampleLabelsBilinear(const FloatPlanes& probs, const Framing& framing, std::uint8_t outsideFill) {
  checkInputs(probs, framing, "upsampleLabelsBilinear");
  const cv::Size crop(framing.cropWidth, framing.cropHeight);
  cv::Mat best(crop, CV_32F, cv::Scalar(-std::numeric_limits<float>::infinity()));
  cv::Mat ids(crop, CV_8U, cv::Scalar(0));
  cv::Mat q;
  for (int c = 0; c < probs.channels; ++c) {
    cv::resize(planeView(probs, c), q, crop, 0, 0, cv::INTER_LINEAR);
    updateArgmax(q, c, best, ids);
  }
  return placeInPhoto(ids, framing, outsideFill);
}

LabelMap upsampleLabelsEdgeAware(const FloatPlanes& probs, const RgbImage& photo, const Framing& framing,
                                 const EdgeAwareParams& params, std::uint8_t outsideFill) {
  checkInputs(probs, framing, "upsampleLabelsEdgeAware");
  if (photo.width != framing.photoWidth || photo.height != framing.photoHeight ||
      photo.pixels.size() != std::size_t(photo.width) * photo.height * 3)
    throw std::invalid_argument("upsampleLabelsEdgeAware: the photo is not the framing's size");
  if (!(params.epsilon > 0.0f)) throw std::invalid_argument("upsampleLabelsEdgeAware: epsilon must be > 0");

  const cv::Size crop(framing.cropWidth, framing.cropHeight);
  const int radius =
      params.radius > 0 ? params.radius : std::max(2, int(std::lround(double(framing.cropWidth) / probs.width)));
  const int subsample = params.subsample > 0 ? params.subsample : std::max(1, radius / 4);
  const cv::Size small(std::max(1, crop.width / subsample), std::max(1, crop.height / subsample));
  const int smallRadius = std::max(1, int(std::lround(double(radius) / subsample)));

  // The guide: the crop of the photo as float RGB in 0..1, full and subsampled.
  cv::Mat guideSmall;
  cv::resize(detail::viewOf(photo)(cv::Rect(framing.cropX, framing.cropY, crop.width, crop.height)), guideSmall, small,
             0, 0, cv::INTER_AREA);
  guideSmall.convertTo(guideSmall, CV_32FC3, 1.0 / 255.0);
  cv::Mat guideSmallChannels[3];
  cv::split(guideSmall, guideSmallChannels);

  // Per-pixel mean and inverse regularized covariance of the guide (He et al., eq. 14).
  cv::Mat meanI[3];
  for (int k = 0; k < 3; ++k) meanI[k] = box(guideSmallChannels[k], smallRadius);
  auto covariance = [&](int a, int b) {
    cv::Mat m = box(guideSmallChannels[a].mul(guideSmallChannels[b]), smallRadius) - meanI[a].mul(meanI[b]);
    return m;
  };
  cv::Mat rr = covariance(0, 0) + params.epsilon, rg = covariance(0, 1), rb = covariance(0, 2);
  cv::Mat gg = covariance(1, 1) + params.epsilon, gb = covariance(1, 2);
  cv::Mat bb = covariance(2, 2) + params.epsilon;
  // Symmetric 3x3 inverse: invXY over the adjugate.
  cv::Mat invRR = gg.mul(bb) - gb.mul(gb);
  cv::Mat invRG = gb.mul(rb) - rg.mul(bb);
  cv::Mat invRB = rg.mul(gb) - gg.mul(rb);
  cv::Mat invGG = rr.mul(bb) - rb.mul(rb);
  cv::Mat invGB = rb.mul(rg) - rr.mul(gb);
  cv::Mat invBB = rr.mul(gg) - rg.mul(rg);
  const cv::Mat det = invRR.mul(rr) + invRG.mul(rg) + invRB.mul(rb);
  for (cv::Mat* m : {&invRR, &invRG, &invRB, &invGG, &invGB, &invBB}) cv::divide(*m, det, *m);

  cv::Mat best(crop, CV_32F, cv::Scalar(-std::numeric_limits<float>::infinity()));
  cv::Mat ids(crop, CV_8U, cv::Scalar(0));
  const cv::Mat photoCrop = detail::viewOf(photo)(cv::Rect(framing.cropX, framing.cropY, crop.width, crop.height));
  const std::vector<Tap> xTaps = bilinearTaps(small.width, crop.width);
  const std::vector<Tap> yTaps = bilinearTaps(small.height, crop.height);
  cv::Mat p, a[3], b;
  for (int c = 0; c < probs.channels; ++c) {
    cv::resize(planeView(probs, c), p, small, 0, 0, cv::INTER_LINEAR);
    const cv::Mat meanP = box(p, smallRadius);
    cv::Mat covIp[3];
    for (int k = 0; k < 3; ++k) covIp[k] = box(guideSmallChannels[k].mul(p), smallRadius) - meanI[k].mul(meanP);
    a[0] = invRR.mul(covIp[0]) + invRG.mul(covIp[1]) + invRB.mul(covIp[2]);
    a[1] = invRG.mul(covIp[0]) + invGG.mul(covIp[1]) + invGB.mul(covIp[2]);
    a[2] = invRB.mul(covIp[0]) + invGB.mul(covIp[1]) + invBB.mul(covIp[2]);
    b = meanP - a[0].mul(meanI[0]) - a[1].mul(meanI[1]) - a[2].mul(meanI[2]);
    // Mean coefficients, upsampled bilinearly and applied to the full-resolution guide
    // in one pass (q = mean_a . I + mean_b), fused with the running argmax.
    const cv::Mat coefficients[4] = {box(a[0], smallRadius), box(a[1], smallRadius), box(a[2], smallRadius),
                                     box(b, smallRadius)};
    cv::parallel_for_(cv::Range(0, crop.height), [&](const cv::Range& rows) {
      std::vector<float> blended(std::size_t(4) * small.width);
      for (int y = rows.start; y < rows.end; ++y) {
        const Tap& ty = yTaps[std::size_t(y)];
        for (int k = 0; k < 4; ++k) {
          const float* r0 = coefficients[k].ptr<float>(ty.i0);
          const float* r1 = coefficients[k].ptr<float>(ty.i1);
          float* out = blended.data() + std::size_t(k) * small.width;
          for (int x = 0; x < small.width; ++x) out[x] = r0[x] + ty.w * (r1[x] - r0[x]);
        }
        const float* mA0 = blended.data();
        const float* mA1 = mA0 + small.width;
        const float* mA2 = mA1 + small.width;
        const float* mB = mA2 + small.width;
        const std::uint8_t* guide = photoCrop.ptr<std::uint8_t>(y);
        float* bestRow = best.ptr<float>(y);
        std::uint8_t* idRow = ids.ptr<std::uint8_t>(y);
        constexpr float kScale = 1.0f / 255.0f;
        for (int x = 0; x < crop.width; ++x) {
          const Tap& tx = xTaps[std::size_t(x)];
          auto lerp = [&](const float* row) { return row[tx.i0] + tx.w * (row[tx.i1] - row[tx.i0]); };
          const float q = (lerp(mA0) * guide[std::ptrdiff_t{3} * x] + lerp(mA1) * guide[std::ptrdiff_t{3} * x + 1] +
                           lerp(mA2) * guide[std::ptrdiff_t{3} * x + 2]) *
                              kScale +
                          lerp(mB);
          if (q > bestRow[x]) {
            bestRow[x] = q;
            idRow[x] = static_cast<std::uint8_t>(c);
          }
        }
      }
    });
  }
  return placeInPhoto(ids, framing, outsideFill);
}

}  // namespace symmflow::imaging
