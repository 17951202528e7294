// SPDX-License-Identifier: MIT
#include "ui/label_document.h"

#include <algorithm>
#include <utility>

#include "ui/label_edit_command.h"
#include "ui/raster_ops.h"
#include "ui/replace_map_command.h"

namespace symmflow::ui {

LabelDocument::LabelDocument(QObject* parent) : QObject(parent) {
  connect(&m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) { Q_EMIT modifiedChanged(!clean); });
}

LabelDocument::~LabelDocument() = default;

void LabelDocument::reset(LabelMap labels, ClassList classes, RgbImage photo) {
  if (m_gestureActive) cancelGesture();
  m_undo.clear();
  m_labels = std::move(labels);
  m_classes = std::move(classes);
  m_photo = (photo.width == m_labels.width && photo.height == m_labels.height) ? std::move(photo) : RgbImage{};
  m_reference = {};
  m_locked.reset();
  m_hidden.reset();
  m_current = m_classes.size() > 1 ? 1 : 0;
  m_background = 0;
  recount();
  m_undo.setClean();
  Q_EMIT documentReset();
  Q_EMIT photoChanged();
  Q_EMIT referenceChanged();
  Q_EMIT currentClassChanged(m_current);
  Q_EMIT backgroundClassChanged(m_background);
  Q_EMIT modifiedChanged(false);
}

bool LabelDocument::setPhoto(RgbImage photo) {
  if (!photo.empty() && (photo.width != m_labels.width || photo.height != m_labels.height)) return false;
  m_photo = std::move(photo);
  Q_EMIT photoChanged();
  return true;
}

void LabelDocument::setReferenceLabels(LabelMap reference) {
  m_reference = std::move(reference);
  Q_EMIT referenceChanged();
}

void LabelDocument::beginGesture(const QString& name) {
  if (m_gestureActive) endGesture();
  m_gestureActive = true;
  m_gestureName = name;
  m_gestureBefore = m_labels;
  m_gestureDirty = QRect();
}

LabelMap& LabelDocument::mutableLabels() { return m_labels; }

void LabelDocument::touch(const QRect& dirty) {
  if (dirty.isEmpty()) return;
  m_gestureDirty = m_gestureDirty.united(dirty);
  notifyLabelsChanged(dirty);
}

void LabelDocument::endGesture() {
  if (!m_gestureActive) return;
  m_gestureActive = false;
  auto cmd = std::make_unique<LabelEditCommand>(this, m_gestureName, m_gestureBefore, m_labels, m_gestureDirty);
  m_gestureBefore = {};
  if (cmd->isEmpty()) return;
  m_undo.push(cmd.release());
}

void LabelDocument::cancelGesture() {
  if (!m_gestureActive) return;
  m_gestureActive = false;
  const QRect dirty = m_gestureDirty;
  m_labels = std::move(m_gestureBefore);
  m_gestureBefore = {};
  if (!dirty.isEmpty()) notifyLabelsChanged(dirty);
}

void LabelDocument::replaceLabels(LabelMap labels, const QString& name) {
  if (m_gestureActive) endGesture();
  if (labels.width == m_labels.width && labels.height == m_labels.height) {
    LabelMap before = m_labels;
    m_labels = std::move(labels);
    auto cmd = std::make_unique<LabelEditCommand>(this, name, before, m_labels, raster::mapRect(m_labels));
    if (cmd->isEmpty()) return;
    notifyLabelsChanged(cmd->bounds());
    m_undo.push(cmd.release());
    return;
  }
  LabelMap before = m_labels;
  m_labels = labels;
  if (!m_photo.empty()) {
    m_photo = {};
    Q_EMIT photoChanged();
  }
  m_reference = {};
  recount();
  Q_EMIT documentReset();
  m_undo.push(new ReplaceMapCommand(this, name, std::move(before), std::move(labels)));
}

void LabelDocument::setCurrentClass(int id) {
  if (id < 0 || id >= m_classes.size() || id == m_current) return;
  m_current = id;
  Q_EMIT currentClassChanged(id);
}

void LabelDocument::setBackgroundClass(int id) {
  if (id < 0 || id >= m_classes.size() || id == m_background) return;
  m_background = id;
  Q_EMIT backgroundClassChanged(id);
}

bool LabelDocument::isClassVisible(int id) const {
  return id < 0 || id > 255 || !m_hidden.test(static_cast<std::size_t>(id));
}

void LabelDocument::setClassVisible(int id, bool visible) {
  if (id < 0 || id > 255 || isClassVisible(id) == visible) return;
  m_hidden.set(static_cast<std::size_t>(id), !visible);
  Q_EMIT classStateChanged(id);
}

bool LabelDocument::isClassLocked(int id) const {
  return id >= 0 && id <= 255 && m_locked.test(static_cast<std::size_t>(id));
}

void LabelDocument::setClassLocked(int id, bool locked) {
  if (id < 0 || id > 255 || isClassLocked(id) == locked) return;
  m_locked.set(static_cast<std::size_t>(id), locked);
  Q_EMIT classStateChanged(id);
}

void LabelDocument::pasteTile(const QRect& rect, const LabelMap& patch) { raster::pasteRect(m_labels, rect, patch); }

void LabelDocument::notifyLabelsChanged(const QRect& rect) {
  recount();
  Q_EMIT labelsChanged(rect);
  Q_EMIT countsChanged();
}

void LabelDocument::swapInMap(const LabelMap& map) {
  const bool resized = map.width != m_labels.width || map.height != m_labels.height;
  m_labels = map;
  if (resized) {
    if (!m_photo.empty()) {
      m_photo = {};
      Q_EMIT photoChanged();
    }
    recount();
    Q_EMIT documentReset();
    Q_EMIT countsChanged();
  } else {
    notifyLabelsChanged(raster::mapRect(m_labels));
  }
}

const std::vector<std::int64_t>& LabelDocument::classCounts() const {
  if (m_countsDirty) {
    const auto h = raster::histogram(m_labels);
    m_counts.assign(static_cast<std::size_t>(std::max(0, m_classes.size())), 0);
    for (int i = 0; i < m_classes.size() && i < 256; ++i) m_counts[i] = h[i];
    m_countsDirty = false;
  }
  return m_counts;
}

}  // namespace symmflow::ui
