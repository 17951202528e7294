// SPDX-License-Identifier: MIT
#pragma once
// The model card: what a model file says about itself (architecture, classes,
// training recipe, measured metrics, where it trained), its size and checksum.
#include <QDialog>

#include "core/model_info.h"

namespace symmflow::ui {

class ModelCardDialog : public QDialog {
  Q_OBJECT
 public:
  ModelCardDialog(const ModelInfo& info, const QString& sha256, const QString& device, QWidget* parent = nullptr);
};

}  // namespace symmflow::ui
