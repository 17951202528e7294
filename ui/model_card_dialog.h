// SPDX-License-Identifier: MIT
#pragma once
// The model card: what a model file says about itself (architecture, classes,
// training recipe, measured metrics, where it trained), its size and checksum.
#include <QDialog>
#include <QString>

#include "core/model_info.h"

namespace symmflow::ui {

// The card as rich text (QTextBrowser's HTML subset). Recorded evaluations become a table
// (one row per steps/draws setting, by steps, then draws) and a per-class IoU table
// with the class colours; recipe, training record and architecture become key/value tables.
// Metadata that is not JSON of that shape is shown as recorded; every string from the
// file is HTML-escaped.
QString modelCardHtml(const ModelInfo& info, const QString& sha256, const QString& device);

// The written model card beside the model file (<dir>/<name>.md), or empty when there is none.
QString modelCardMarkdownPath(const ModelInfo& info);

// Two tabs: what the model file records (modelCardHtml) and, when present, the written card
// (Markdown with its sample pictures, read only up to kMaxCardBytes).
class ModelCardDialog : public QDialog {
  Q_OBJECT
 public:
  static constexpr qint64 kMaxCardBytes = 1 << 20;
  ModelCardDialog(const ModelInfo& info, const QString& sha256, const QString& device, QWidget* parent = nullptr);
};

}  // namespace symmflow::ui
