// SPDX-License-Identifier: MIT
#pragma once
// Shows what importing a mask found (encoding, off-palette colours, ids outside the
// model's classes, ignore pixels, a class histogram) and lets the user choose how
// unknown pixels are handled (snap to nearest class colour for colour masks, a
// chosen class, or ignore) and how the file is read (as detected, or forced to an
// index, colour or scaled-grey mask) before anything changes; the choices shown are
// the ones the report describes. Re-reads the file when a choice changes; a reading
// that fails says why and cannot be imported.
#include <QDialog>

#include "core/imaging/mask_io.h"
#include "core/types.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTreeWidget;

namespace symmflow::ui {

class StudioSession;

class MaskImportDialog : public QDialog {
  Q_OBJECT
 public:
  MaskImportDialog(StudioSession* session, QString path, LabelMap labels, imaging::MaskReport report,
                   QWidget* parent = nullptr);
  // The map to apply (valid after exec() == Accepted).
  const LabelMap& labels() const { return m_labels; }
  const imaging::MaskReport& report() const { return m_report; }

  using Handling = imaging::MaskReport::Handling;
  // The handling chosen in the dialog (for unknown colours or ids of this mask).
  Handling handling() const;
  QComboBox* handlingBox() const { return m_handling; }
  QComboBox* encodingBox() const { return m_encoding; }  // "as detected", then each encoding
  bool canImport() const;
  QComboBox* classBox() const { return m_assignClass; }
  QLabel* summaryLabel() const { return m_summary; }
  QTreeWidget* histogramTree() const { return m_histogram; }
  QLabel* detailsLabel() const { return m_details; }

 private:
  void reread();
  void fillHandlings();
  Handling reportedHandling() const;
  void showReport();

  StudioSession* m_session;
  QString m_path;
  LabelMap m_labels;
  imaging::MaskReport m_report;
  QLabel* m_summary;
  QLabel* m_details;
  QComboBox* m_encoding;
  QComboBox* m_handling;
  QPushButton* m_import = nullptr;
  QComboBox* m_assignClass;
  QTreeWidget* m_histogram;
};

}  // namespace symmflow::ui
