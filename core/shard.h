// SPDX-License-Identifier: MIT
#pragma once
// Dataset shards: one .safetensors file with uint8 images (N,H,W,3), optional uint8
// masks (N,H,W) of class ids, optional labels (N) for image-level classes, and the class
// list in the metadata ("format" = "symmflow-shard"). Batches are drawn on the shard's
// device with random crops and the augmentation of `Augment`. LibTorch header: not for ui/.
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/result.h"
#include "core/types.h"

namespace symmflow {

// Training-time augmentation, applied per item; every draw comes from torch's generator.
struct Augment {
  bool flip = true;  // horizontal flip with probability 1/2
  // Random zoom z ~ U(1, zoomMax): a window of (crop / z) at a random place is resized to
  // the crop (image bilinear, mask nearest-exact: the same pixel centres, so labels stay on
  // their pixels), so objects are seen at up to zoomMax times
  // their size. 1: off (plain random crops).
  double zoomMax = 1.0;
  // Brightness, contrast and saturation each multiplied by U(1 - j, 1 + j), in that
  // order, then clamped to the image range. 0: off. Generation learns the jittered
  // colours too, so keep it small (0.1).
  double colorJitter = 0.0;
};

class Shard {
 public:
  static Result<Shard> load(const std::string& path);
  // Builds a shard from tensors (images (N,H,W,3) uint8; masks (N,H,W) uint8 or undefined;
  // labels (N) int64 or undefined) and writes it.
  static Status write(const std::string& path, const torch::Tensor& images, const torch::Tensor& masks,
                      const torch::Tensor& labels, const ClassList& classes, const std::string& source);

  // An in-memory shard (same tensor conventions as write()).
  static Shard fromTensors(torch::Tensor images, torch::Tensor masks, torch::Tensor labels, ClassList classes);

  int64_t size() const { return m_images.size(0); }
  int64_t height() const { return m_images.size(1); }
  int64_t width() const { return m_images.size(2); }
  bool hasMasks() const { return m_masks.defined(); }
  bool hasLabels() const { return m_labels.defined(); }
  const ClassList& classes() const { return m_classes; }
  const std::string& source() const { return m_source; }
  void to(const torch::Device& device);

  // A training batch: x (B,3,h,w) float in [-1,1]; ids (B,h/s,w/s) int64 at the label
  // resolution (s = labelDownsample; 0 = image-level (B,1,1)). crop 0 = full size.
  struct Batch {
    torch::Tensor x, ids;
  };
  Batch sample(int64_t batch, int64_t cropH, int64_t cropW, const Augment& augment, int labelDownsample) const;
  // Items [start, start+count) at full size, unaugmented.
  Batch slice(int64_t start, int64_t count, int labelDownsample) const;

  // Share of each class among non-ignore pixels (or labels).
  std::vector<double> classFrequencies() const;
  // Median-frequency balancing weights w_c = median(f) / f_c, clipped to [0.1, 10]; 1 for absent classes.
  std::vector<double> medianFrequencyWeights() const;

 private:
  torch::Tensor m_images, m_masks, m_labels;
  ClassList m_classes;
  std::string m_source;
  torch::Tensor idsFor(const torch::Tensor& index, const torch::Tensor& masks, int labelDownsample) const;
};

}  // namespace symmflow
