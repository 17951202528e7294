// SPDX-License-Identifier: MIT
#pragma once
// The editor's document: the label map being painted, the optional photo it
// belongs to, the class list with per-class view state, and the undo stack.
// Views and docks only connect to its signals; tools edit it through gestures.
//
// Threading: GUI thread only. Workers get copies (snapshots), never references.
// Needs no QApplication (QUndoStack lives in QtGui but has no widget dependency).
#include <QObject>
#include <QRect>
#include <QString>
#include <QUndoStack>
#include <bitset>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/types.h"

namespace symmflow::ui {

class LabelDocument : public QObject {
  Q_OBJECT
 public:
  explicit LabelDocument(QObject* parent = nullptr);
  ~LabelDocument() override;

  // Starts over: new map, classes and photo; clears the undo stack and marks clean.
  // The photo may be empty (no photo). A photo must have the map's size.
  void reset(LabelMap labels, ClassList classes, RgbImage photo = {});

  const LabelMap& labels() const { return m_labels; }
  const ClassList& classes() const { return m_classes; }
  const RgbImage& photo() const { return m_photo; }
  bool hasPhoto() const { return !m_photo.empty(); }
  int width() const { return m_labels.width; }
  int height() const { return m_labels.height; }
  bool isEmpty() const { return m_labels.empty(); }

  // Replaces the photo (not undoable; the map keeps its pixels). Empty removes it.
  // Returns false (and changes nothing) when the size differs from the map's.
  bool setPhoto(RgbImage photo);

  // The map the photo's segmentation produced (what "changed by the user" is measured
  // against). Empty when there is no reference.
  const LabelMap& referenceLabels() const { return m_reference; }
  void setReferenceLabels(LabelMap reference);

  QUndoStack* undoStack() { return &m_undo; }
  bool isModified() const { return !m_undo.isClean(); }
  // Marks the current state as saved (drives the '*' in the title).
  void markSaved() { m_undo.setClean(); }

  // ---- Gestures: one undo command per gesture --------------------------------
  // beginGesture() snapshots the map; tools then change mutableLabels() and report
  // each changed rect with touch() (which emits labelsChanged); endGesture() pushes
  // one command storing only the changed tiles (nothing when nothing changed).
  void beginGesture(const QString& name);
  bool inGesture() const { return m_gestureActive; }
  LabelMap& mutableLabels();
  void touch(const QRect& dirty);
  void endGesture();
  // Restores the snapshot and drops the gesture.
  void cancelGesture();

  // Replaces the whole map as one undoable step (import, segmentation, new map).
  // A map of another size is allowed; it drops the photo and the reference (a photo
  // must match the map), and undoing restores the old size.
  void replaceLabels(LabelMap labels, const QString& name);

  // ---- Per-class state -------------------------------------------------------
  int currentClass() const { return m_current; }
  void setCurrentClass(int id);
  int backgroundClass() const { return m_background; }
  void setBackgroundClass(int id);
  bool isClassVisible(int id) const;
  void setClassVisible(int id, bool visible);
  bool isClassLocked(int id) const;
  void setClassLocked(int id, bool locked);
  std::bitset<256> lockedMask() const { return m_locked; }
  std::bitset<256> hiddenMask() const { return m_hidden; }
  // Pixels per class (size classes().size()); recomputed lazily after changes.
  const std::vector<std::int64_t>& classCounts() const;

  // Used by the undo commands.
  void pasteTile(const QRect& rect, const LabelMap& patch);
  void notifyLabelsChanged(const QRect& rect);
  void swapInMap(const LabelMap& map);

 Q_SIGNALS:
  // Pixels inside `rect` changed (map coordinates).
  void labelsChanged(const QRect& rect);
  // Map size, classes or photo may all have changed: rebuild views.
  void documentReset();
  void photoChanged();
  void referenceChanged();
  void classStateChanged(int id);
  void currentClassChanged(int id);
  void backgroundClassChanged(int id);
  void countsChanged();
  void modifiedChanged(bool modified);

 private:
  void recount() { m_countsDirty = true; }

  LabelMap m_labels;
  LabelMap m_reference;
  ClassList m_classes;
  RgbImage m_photo;
  QUndoStack m_undo;
  std::bitset<256> m_locked;
  std::bitset<256> m_hidden;
  mutable std::vector<std::int64_t> m_counts;
  mutable bool m_countsDirty = true;
  int m_current = 0;
  int m_background = 0;

  bool m_gestureActive = false;
  QString m_gestureName;
  LabelMap m_gestureBefore;
  QRect m_gestureDirty;
};

}  // namespace symmflow::ui
