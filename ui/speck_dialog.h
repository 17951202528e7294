// SPDX-License-Identifier: MIT
#pragma once
// Edit ▸ Remove specks: asks for the size under which islands merge into the class around
// them, and says what that size would do to the document's map (counted on a copy a moment
// after each change; a map as fragmented as noise only when applied, so typing stays fluent).
#include <QDialog>
#include <QTimer>

class QLabel;
class QSpinBox;

namespace symmflow::ui {

class LabelDocument;

class SpeckDialog : public QDialog {
  Q_OBJECT
 public:
  // `initialSize` <= 0: defaultSpeckSize() of the map. The document must outlive the dialog.
  SpeckDialog(const LabelDocument& doc, int initialSize, QWidget* parent = nullptr);
  int minPixels() const;
  void setMinPixels(int pixels);
  // The line under the size: what the current size would merge (for tests).
  QString forecast() const;
  // Counts now instead of after the pause (tests).
  void countNow();

 private:
  const LabelDocument& m_doc;
  QSpinBox* m_size;
  QLabel* m_forecast;
  QTimer m_pause;
  bool m_live = true;  // the map is counted as the size changes
};

}  // namespace symmflow::ui
