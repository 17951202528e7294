// SPDX-License-Identifier: MIT
#include "ui/result_history.h"

#include <algorithm>
#include <iterator>

#include "core/metrics.h"

namespace symmflow::ui {

std::optional<double> readBackShare(const std::vector<StepReport>& steps, int item, const ClassList& classes) {
  if (steps.size() < 2 || steps.front().t != 0.0 || steps.back().t != 1.0) return std::nullopt;
  const auto& first = steps.front().items;
  const auto& last = steps.back().items;
  if (item < 0 || item >= static_cast<int>(first.size()) || item >= static_cast<int>(last.size())) return std::nullopt;
  const LabelMap& painted = first[static_cast<std::size_t>(item)].y;
  const LabelMap& read = last[static_cast<std::size_t>(item)].yHat;
  if (painted.empty() || painted.width != read.width || painted.height != read.height) return std::nullopt;
  ConfusionMatrix m(classes.size(), classes.ignoreIndex);
  m.add(painted.ids.data(), read.ids.data(), painted.ids.size());
  if (m.total() == 0) return std::nullopt;
  return m.pixelAccuracy();
}

const ResultEntry* ResultHistory::currentEntry() const {
  if (m_current < 0 || m_current >= size()) return nullptr;
  return &m_entries[static_cast<std::size_t>(m_current)];
}

void ResultHistory::dropOldest() {
  const int overflow = size() - kMax;
  if (overflow <= 0) return;
  m_entries.erase(m_entries.begin(), m_entries.begin() + overflow);
  m_batchStart = std::max(0, m_batchStart - overflow);
  m_current = std::max(m_entries.empty() ? -1 : 0, m_current - overflow);
}

void ResultHistory::addBatch(std::vector<ResultEntry> batch) {
  if (batch.empty()) return;
  m_batchStart = size();
  m_entries.insert(m_entries.end(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
  m_current = m_batchStart;
  dropOldest();
}

bool ResultHistory::select(int index) {
  if (index < 0 || index >= size() || index == m_current) return false;
  m_current = index;
  return true;
}

void ResultHistory::replace(std::vector<ResultEntry> entries) {
  m_entries = std::move(entries);
  m_batchStart = 0;
  m_current = size() - 1;
  dropOldest();
}

void ResultHistory::clear() {
  m_entries.clear();
  m_batchStart = 0;
  m_current = -1;
}

}  // namespace symmflow::ui
