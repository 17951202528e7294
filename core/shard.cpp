// SPDX-License-Identifier: MIT
#include "core/shard.h"

#include <algorithm>
#include <cmath>

#include "core/label_space.h"
#include "core/model_info.h"
#include "core/model_io.h"
#include "core/safetensors.h"

namespace symmflow {

Result<Shard> Shard::load(const std::string& path) {
  auto file = SafetensorsFile::read(path);
  if (!file) return Error{file.error()};
  if (file->metadataOr("format") != "symmflow-shard")
    return Error{
        path +
        " is not a SymmFlow data shard (metadata 'format' is not 'symmflow-shard'); make one with 'symmflow pack'"};
  auto classes = classListFromJson(file->metadataOr("classes", "{}"));
  if (!classes) return Error{path + ": " + classes.error()};
  Shard s;
  s.m_classes = *classes;
  s.m_source = file->metadataOr("source");
  const auto* img = file->find("images");
  if (!img || img->dtype != DType::U8 || img->shape.size() != 4 || img->shape[3] != 3 || img->shape[0] < 1)
    return Error{path + ": 'images' must be a U8 tensor of shape (N,H,W,3) with N >= 1"};
  s.m_images = *fromEntry(*file, *img);
  const int64_t N = img->shape[0];
  if (const auto* m = file->find("masks")) {
    if (m->dtype != DType::U8 || m->shape.size() != 3 || m->shape[0] != N || m->shape[1] != img->shape[1] ||
        m->shape[2] != img->shape[2])
      return Error{path + ": 'masks' must be U8 (N,H,W) matching the images"};
    s.m_masks = *fromEntry(*file, *m);
  }
  if (const auto* l = file->find("labels")) {
    if ((l->dtype != DType::I64 && l->dtype != DType::U8) || l->shape.size() != 1 || l->shape[0] != N)
      return Error{path + ": 'labels' must be I64 or U8 of shape (N)"};
    s.m_labels = fromEntry(*file, *l)->to(torch::kLong);
    if ((s.m_labels < 0).any().item<bool>() || (s.m_labels >= s.m_classes.size()).any().item<bool>())
      return Error{path + ": 'labels' holds ids outside the class list"};
  }
  if (!s.m_masks.defined() && !s.m_labels.defined()) return Error{path + ": the shard has neither masks nor labels"};
  return s;
}

Status Shard::write(const std::string& path, const torch::Tensor& images, const torch::Tensor& masks,
                    const torch::Tensor& labels, const ClassList& classes, const std::string& source) {
  std::vector<TensorBlob> blobs{toBlob("images", images, DType::U8)};
  if (masks.defined()) blobs.push_back(toBlob("masks", masks, DType::U8));
  if (labels.defined()) blobs.push_back(toBlob("labels", labels, DType::I64));
  return writeSafetensors(path, blobs,
                          {{"format", "symmflow-shard"}, {"classes", classListToJson(classes)}, {"source", source}});
}

Shard Shard::fromTensors(torch::Tensor images, torch::Tensor masks, torch::Tensor labels, ClassList classes) {
  Shard s;
  s.m_images = std::move(images);
  s.m_masks = std::move(masks);
  s.m_labels = labels.defined() ? labels.to(torch::kLong) : labels;
  s.m_classes = std::move(classes);
  return s;
}

void Shard::to(const torch::Device& device) {
  m_images = m_images.to(device);
  if (m_masks.defined()) m_masks = m_masks.to(device);
  if (m_labels.defined()) m_labels = m_labels.to(device);
}

torch::Tensor Shard::idsFor(const torch::Tensor& index, const torch::Tensor& masks, int s) const {
  const int K = m_classes.size();
  if (s == 0) {
    if (m_labels.defined()) return m_labels.index_select(0, index).view({-1, 1, 1});
    return downsampleIds(masks.to(torch::kLong), 0, K, m_classes.ignoreIndex);
  }
  TORCH_CHECK(masks.defined(), "this shard has no masks: a dense model needs them");
  return downsampleIds(masks.to(torch::kLong), s, K, m_classes.ignoreIndex);
}

namespace {

// Per-item random zoom: item b's window of (h/z, w/z) at a random place, resized to (h, w).
// imgs (B,H,W,3) uint8 -> (B,3,h,w) float in [-1,1]; masks (B,H,W) uint8 -> (B,h,w) uint8.
void zoomCrop(torch::Tensor& x, torch::Tensor& masks, const torch::Tensor& imgs, int64_t h, int64_t w, double zoomMax) {
  namespace F = torch::nn::functional;
  const int64_t B = imgs.size(0), H = imgs.size(1), W = imgs.size(2);
  const auto zoom = torch::rand({B}, torch::kDouble).mul_(zoomMax - 1.0).add_(1.0);
  const auto place = torch::rand({B, 2}, torch::kDouble);
  std::vector<torch::Tensor> xs, ms;
  for (int64_t b = 0; b < B; ++b) {
    const double z = zoom[b].item<double>();
    const int64_t wh = std::clamp<int64_t>(std::llround(h / z), 1, H);
    const int64_t ww = std::clamp<int64_t>(std::llround(w / z), 1, W);
    const int64_t y0 =
        std::min(H - wh, static_cast<int64_t>(place[b][0].item<double>() * static_cast<double>(H - wh + 1)));
    const int64_t x0 =
        std::min(W - ww, static_cast<int64_t>(place[b][1].item<double>() * static_cast<double>(W - ww + 1)));
    auto win = imgs[b].narrow(0, y0, wh).narrow(1, x0, ww);
    xs.push_back(F::interpolate(
        win.permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat),
        F::InterpolateFuncOptions().size(std::vector<int64_t>{h, w}).mode(torch::kBilinear).align_corners(false)));
    if (masks.defined()) {
      // Nearest-exact by index: output pixel i takes source y0 + floor((i + 0.5) wh / h), the
      // same pixel centres as the image's bilinear resize (LibTorch 1.13's kNearestExact
      // interpolate would also log a warning for every item).
      auto centres = [&](int64_t out, int64_t in, int64_t start) {
        return torch::arange(out, torch::kDouble)
            .add_(0.5)
            .mul_(static_cast<double>(in) / static_cast<double>(out))
            .floor_()
            .clamp_(0, static_cast<double>(in - 1))
            .add_(static_cast<double>(start))
            .to(torch::TensorOptions().dtype(torch::kLong).device(masks.device()));
      };
      ms.push_back(masks[b].index_select(0, centres(h, wh, y0)).index_select(1, centres(w, ww, x0)).unsqueeze(0));
    }
  }
  x = torch::cat(xs).clamp_(0, 255).div_(127.5).sub_(1.0);
  if (masks.defined()) masks = torch::cat(ms);
}

// Brightness, contrast and saturation factors U(1-j, 1+j) per item; x (B,3,h,w) in [-1,1].
torch::Tensor jitterColours(torch::Tensor x, double j) {
  const int64_t B = x.size(0);
  auto factor = [&] { return torch::rand({B, 1, 1, 1}, x.options()).mul_(2 * j).add_(1 - j); };
  auto v = x.add(1.0).mul_(0.5);  // [0,1]
  v = v * factor();
  const auto mean = v.mean({1, 2, 3}, true);
  v = (v - mean) * factor() + mean;
  const auto grey = (v.select(1, 0) * 0.299 + v.select(1, 1) * 0.587 + v.select(1, 2) * 0.114).unsqueeze(1);
  v = (v - grey) * factor() + grey;
  return v.clamp_(0, 1).mul_(2.0).sub_(1.0);
}

}  // namespace

Shard::Batch Shard::sample(int64_t batch, int64_t cropH, int64_t cropW, const Augment& aug, int s) const {
  const auto dev = m_images.device();
  auto index = torch::randint(size(), {batch}, torch::TensorOptions().dtype(torch::kLong).device(dev));
  auto imgs = m_images.index_select(0, index);
  torch::Tensor masks = m_masks.defined() ? m_masks.index_select(0, index) : torch::Tensor();
  const bool cropping = cropH > 0 && cropW > 0 && (cropH < height() || cropW < width());
  torch::Tensor x;
  if (aug.zoomMax > 1.0) {
    zoomCrop(x, masks, imgs, cropping ? cropH : height(), cropping ? cropW : width(), aug.zoomMax);
  } else {
    if (cropping) {
      const int64_t align = s > 0 ? s : 1;
      auto oy = torch::randint((height() - cropH) / align + 1, {batch}).mul_(align);
      auto ox = torch::randint((width() - cropW) / align + 1, {batch}).mul_(align);
      std::vector<torch::Tensor> ci, cm;
      for (int64_t b = 0; b < batch; ++b) {
        const auto y0 = oy[b].item<int64_t>(), x0 = ox[b].item<int64_t>();
        ci.push_back(imgs[b].narrow(0, y0, cropH).narrow(1, x0, cropW));
        if (masks.defined()) cm.push_back(masks[b].narrow(0, y0, cropH).narrow(1, x0, cropW));
      }
      imgs = torch::stack(ci);
      if (masks.defined()) masks = torch::stack(cm);
    }
    x = imgs.permute({0, 3, 1, 2}).to(torch::kFloat).div_(127.5).sub_(1.0);
  }
  if (aug.flip) {
    auto f = torch::rand({batch}, torch::TensorOptions().device(dev)) < 0.5;
    x = torch::where(f.view({-1, 1, 1, 1}), x.flip({3}), x);
    if (masks.defined()) masks = torch::where(f.view({-1, 1, 1}), masks.flip({2}), masks);
  }
  if (aug.colorJitter > 0) x = jitterColours(x, aug.colorJitter);
  return {x.contiguous(), idsFor(index, masks, s)};
}

Shard::Batch Shard::slice(int64_t start, int64_t count, int s) const {
  count = std::min(count, size() - start);
  auto index =
      torch::arange(start, start + count, torch::TensorOptions().dtype(torch::kLong).device(m_images.device()));
  auto x = m_images.narrow(0, start, count).permute({0, 3, 1, 2}).to(torch::kFloat).div_(127.5).sub_(1.0);
  torch::Tensor masks = m_masks.defined() ? m_masks.narrow(0, start, count) : torch::Tensor();
  return {x.contiguous(), idsFor(index, masks, s)};
}

std::vector<double> Shard::classFrequencies() const {
  const int K = m_classes.size();
  torch::Tensor counts;
  if (m_masks.defined())
    counts = torch::bincount(m_masks.flatten().to(torch::kLong).cpu(), {}, 256).to(torch::kDouble);
  else
    counts = torch::bincount(m_labels.cpu(), {}, 256).to(torch::kDouble);
  std::vector<double> f(K, 0.0);
  double total = 0;
  for (int c = 0; c < K; ++c)
    if (c != m_classes.ignoreIndex) total += counts[c].item<double>();
  for (int c = 0; c < K; ++c)
    if (c != m_classes.ignoreIndex && total > 0) f[c] = counts[c].item<double>() / total;
  return f;
}

std::vector<double> Shard::medianFrequencyWeights() const {
  auto f = classFrequencies();
  std::vector<double> present;
  for (double v : f)
    if (v > 0) present.push_back(v);
  std::vector<double> w(f.size(), 1.0);
  if (present.empty()) return w;
  std::sort(present.begin(), present.end());
  const double med = present[present.size() / 2];
  for (size_t c = 0; c < f.size(); ++c)
    if (f[c] > 0) w[c] = std::clamp(med / f[c], 0.1, 10.0);
  return w;
}

}  // namespace symmflow
