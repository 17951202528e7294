// SPDX-License-Identifier: MIT
#include "core/metrics.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace symmflow {

ConfusionMatrix::ConfusionMatrix(int numClasses, int ignoreIndex)
    : m_k(numClasses),
      m_ignore(ignoreIndex),
      m_counts(static_cast<std::size_t>(numClasses) * numClasses, 0),
      m_outOfRange(static_cast<std::size_t>(numClasses), 0) {
  if (numClasses < 1) throw std::invalid_argument("ConfusionMatrix needs at least one class");
}

void ConfusionMatrix::add(int t, int p) {
  if (t < 0 || t >= m_k || t == m_ignore) return;
  if (p < 0 || p >= m_k) {
    ++m_outOfRange[t];
    return;
  }
  ++m_counts[static_cast<std::size_t>(t) * m_k + p];
}

void ConfusionMatrix::add(const std::uint8_t* truth, const std::uint8_t* predicted, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) add(truth[i], predicted[i]);
}

void ConfusionMatrix::merge(const ConfusionMatrix& o) {
  if (o.m_k != m_k) throw std::invalid_argument("ConfusionMatrix::merge: class counts differ");
  for (std::size_t i = 0; i < m_counts.size(); ++i) m_counts[i] += o.m_counts[i];
  for (int c = 0; c < m_k; ++c) m_outOfRange[c] += o.m_outOfRange[c];
}

std::int64_t ConfusionMatrix::total() const {
  std::int64_t s = 0;
  for (auto c : m_outOfRange) s += c;
  for (auto c : m_counts) s += c;
  return s;
}

std::vector<double> ConfusionMatrix::iou() const {
  std::vector<double> out(m_k, std::numeric_limits<double>::quiet_NaN());
  for (int c = 0; c < m_k; ++c) {
    if (c == m_ignore) continue;
    std::int64_t tp = count(c, c), fn = m_outOfRange[c], fp = 0;
    for (int j = 0; j < m_k; ++j) {
      if (j == c) continue;
      fn += count(c, j);
      fp += count(j, c);
    }
    const auto uni = tp + fn + fp;
    if (uni > 0) out[c] = static_cast<double>(tp) / static_cast<double>(uni);
  }
  return out;
}

double ConfusionMatrix::meanIou() const {
  double s = 0;
  int n = 0;
  for (double v : iou())
    if (!std::isnan(v)) {
      s += v;
      ++n;
    }
  return n ? s / n : 0.0;
}

double ConfusionMatrix::pixelAccuracy() const {
  std::int64_t correct = 0;
  for (int c = 0; c < m_k; ++c) correct += count(c, c);
  const auto t = total();
  return t ? static_cast<double>(correct) / static_cast<double>(t) : 0.0;
}

std::string ConfusionMatrix::toJson(const std::vector<std::string>& names) const {
  nlohmann::json per = nlohmann::json::object();
  const auto ious = iou();
  for (int c = 0; c < m_k; ++c) {
    if (c == m_ignore) continue;
    const std::string name = c < static_cast<int>(names.size()) ? names[c] : std::to_string(c);
    per[name] = std::isnan(ious[c]) ? nlohmann::json(nullptr) : nlohmann::json(ious[c]);
  }
  nlohmann::json j = {
      {"miou", meanIou()}, {"pixel_accuracy", pixelAccuracy()}, {"per_class_iou", per}, {"pixels", total()}};
  return j.dump();
}

}  // namespace symmflow
