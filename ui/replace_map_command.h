// SPDX-License-Identifier: MIT
#pragma once
// Replaces the whole label map, possibly with one of another size (new map,
// imported mask, resize). Stores both maps in full.
#include <QUndoCommand>

#include "core/types.h"

namespace symmflow::ui {

class LabelDocument;

class ReplaceMapCommand : public QUndoCommand {
 public:
  // `after` is assumed to be in the document already: the first redo() does nothing.
  ReplaceMapCommand(LabelDocument* doc, const QString& text, LabelMap before, LabelMap after);

  void undo() override;
  void redo() override;

 private:
  LabelDocument* m_doc;
  LabelMap m_before;
  LabelMap m_after;
  bool m_firstRedo = true;
};

}  // namespace symmflow::ui
