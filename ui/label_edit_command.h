// SPDX-License-Identifier: MIT
#pragma once
// One undoable gesture on a label map: only the tiles that changed are stored,
// each with its pixels before and after.
#include <QRect>
#include <QUndoCommand>
#include <vector>

#include "core/types.h"

namespace symmflow::ui {

class LabelDocument;

class LabelEditCommand : public QUndoCommand {
 public:
  static constexpr int kTileSize = 64;

  struct Tile {
    QRect rect;       // in map pixels, inside the map
    LabelMap before;  // rect-sized patches
    LabelMap after;
  };

  // Compares `before` and `after` (same size) inside `dirty` and keeps the changed
  // tiles. The command assumes `after` is already in the document: its first
  // redo() does nothing.
  LabelEditCommand(LabelDocument* doc, const QString& text, const LabelMap& before, const LabelMap& after,
                   const QRect& dirty);

  // True when no pixel changed: such a command should not be pushed.
  bool isEmpty() const { return m_tiles.empty(); }
  // The union of the changed tiles.
  QRect bounds() const { return m_bounds; }
  // Bytes of pixel data held (before + after).
  std::size_t byteSize() const;
  const std::vector<Tile>& tiles() const { return m_tiles; }

  void undo() override;
  void redo() override;

 private:
  LabelDocument* m_doc;
  std::vector<Tile> m_tiles;
  QRect m_bounds;
  bool m_firstRedo = true;
};

}  // namespace symmflow::ui
