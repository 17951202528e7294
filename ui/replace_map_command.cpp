// SPDX-License-Identifier: MIT
#include "ui/replace_map_command.h"

#include <utility>

#include "ui/label_document.h"

namespace symmflow::ui {

ReplaceMapCommand::ReplaceMapCommand(LabelDocument* doc, const QString& text, LabelMap before, LabelMap after)
    : QUndoCommand(text), m_doc(doc), m_before(std::move(before)), m_after(std::move(after)) {}

void ReplaceMapCommand::undo() { m_doc->swapInMap(m_before); }

void ReplaceMapCommand::redo() {
  if (m_firstRedo) {
    m_firstRedo = false;
    return;
  }
  m_doc->swapInMap(m_after);
}

}  // namespace symmflow::ui
