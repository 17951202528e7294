// SPDX-License-Identifier: MIT
#include "ui/label_edit_command.h"

#include <algorithm>

#include "ui/label_document.h"
#include "ui/raster_ops.h"

namespace symmflow::ui {

LabelEditCommand::LabelEditCommand(LabelDocument* doc, const QString& text, const LabelMap& before,
                                   const LabelMap& after, const QRect& dirty)
    : QUndoCommand(text), m_doc(doc) {
  const QRect area = dirty.intersected(raster::mapRect(after));
  if (area.isEmpty() || before.width != after.width || before.height != after.height) return;
  const int tx0 = area.left() / kTileSize;
  const int ty0 = area.top() / kTileSize;
  const int tx1 = area.right() / kTileSize;
  const int ty1 = area.bottom() / kTileSize;
  for (int ty = ty0; ty <= ty1; ++ty) {
    for (int tx = tx0; tx <= tx1; ++tx) {
      const QRect tile =
          QRect(tx * kTileSize, ty * kTileSize, kTileSize, kTileSize).intersected(raster::mapRect(after));
      bool differs = false;
      for (int y = tile.top(); y <= tile.bottom() && !differs; ++y) {
        const std::size_t row = static_cast<std::size_t>(y) * after.width;
        differs = !std::equal(before.ids.begin() + row + tile.left(), before.ids.begin() + row + tile.right() + 1,
                              after.ids.begin() + row + tile.left());
      }
      if (!differs) continue;
      m_tiles.push_back({tile, raster::copyRect(before, tile), raster::copyRect(after, tile)});
      m_bounds = m_bounds.united(tile);
    }
  }
}

std::size_t LabelEditCommand::byteSize() const {
  std::size_t n = 0;
  for (const Tile& t : m_tiles) n += t.before.ids.size() + t.after.ids.size();
  return n;
}

void LabelEditCommand::undo() {
  for (const Tile& t : m_tiles) m_doc->pasteTile(t.rect, t.before);
  m_doc->notifyLabelsChanged(m_bounds);
}

void LabelEditCommand::redo() {
  if (m_firstRedo) {
    m_firstRedo = false;
    return;
  }
  for (const Tile& t : m_tiles) m_doc->pasteTile(t.rect, t.after);
  m_doc->notifyLabelsChanged(m_bounds);
}

}  // namespace symmflow::ui
