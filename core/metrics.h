// SPDX-License-Identifier: MIT
#pragma once
// Segmentation and classification metrics over a confusion matrix. Torch-free.
#include <cstdint>
#include <string>
#include <vector>

namespace symmflow {

class ConfusionMatrix {
 public:
  // ignoreIndex: ground-truth id excluded from every count (and never a class of the mean), or -1.
  explicit ConfusionMatrix(int numClasses, int ignoreIndex = -1);
  // Adds n pixels (or images). Ground-truth ids outside [0, K) and the ignore id are skipped;
  // predictions outside [0, K) count as wrong for their true class.
  void add(const std::uint8_t* truth, const std::uint8_t* predicted, std::size_t n);
  void add(int truth, int predicted);
  void merge(const ConfusionMatrix& other);

  int numClasses() const { return m_k; }
  std::int64_t count(int truth, int predicted) const { return m_counts[truth * m_k + predicted]; }
  std::int64_t total() const;
  // Per-class intersection over union; NaN for classes absent from truth and prediction.
  std::vector<double> iou() const;
  // Mean IoU over classes that occur in the truth or prediction, ignore class excluded.
  double meanIou() const;
  double pixelAccuracy() const;  // == top-1 accuracy when one entry per image
  std::string toJson(const std::vector<std::string>& classNames) const;

 private:
  int m_k;
  int m_ignore;
  std::vector<std::int64_t> m_counts;
  std::vector<std::int64_t> m_outOfRange;  // per true class: predictions outside [0, K)
};

}  // namespace symmflow
