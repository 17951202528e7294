// SPDX-License-Identifier: MIT
#pragma once
// The results of the open document: every image generated or edited from it, newest last,
// at most ResultHistory::kMax (the oldest go first), the latest batch (variations side by
// side) and which one is current. A value type without signals: StudioSession owns one and
// says what changed. Not thread-safe; the GUI thread uses it.
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "core/engine.h"
#include "ui/provenance.h"

namespace symmflow::ui {

struct ResultEntry {
  RgbImage image;
  LabelMap labels;  // the map it came from, at the image's size (pixel-aligned with it)
  Provenance provenance;
  // The steps of the run that made it (shared by a batch of variations); null when not
  // kept (a result restored from a project).
  std::shared_ptr<const std::vector<StepReport>> trajectory;
  int trajectoryItem = 0;  // which item of each report's previews is this result's
};

// The share of the map's pixels (y at t = 0; void and unknown ids left out) that the estimate
// at the end of a run ending at t = 1 (generate, edit: the one-step segmentation of the image
// made) labels the same, for batch item `item`. Nothing without previews at both ends.
std::optional<double> readBackShare(const std::vector<StepReport>& steps, int item, const ClassList& classes);

class ResultHistory {
 public:
  static constexpr int kMax = 24;  // results kept (and saved in projects)

  const std::vector<ResultEntry>& entries() const { return m_entries; }
  bool empty() const { return m_entries.empty(); }
  int size() const { return static_cast<int>(m_entries.size()); }
  // Index of the first result of the latest batch; 0 when empty or restored.
  int batchStart() const { return m_batchStart; }
  // Index of the current result; -1 when there is none.
  int current() const { return m_current; }
  // Null when there is no current result.
  const ResultEntry* currentEntry() const;

  // Appends a batch (nothing when empty). The oldest results beyond kMax are dropped, even of
  // the batch itself when it alone holds more; its first kept result becomes current.
  void addBatch(std::vector<ResultEntry> batch);
  // Makes `index` current. False (nothing changes) when out of range or already current.
  bool select(int index);
  // Replaces everything (a project opened): the last of `entries` is current, the first
  // starts the batch. Beyond kMax, the oldest are dropped.
  void replace(std::vector<ResultEntry> entries);
  void clear();

 private:
  void dropOldest();

  std::vector<ResultEntry> m_entries;
  int m_batchStart = 0;
  int m_current = -1;
};

}  // namespace symmflow::ui
