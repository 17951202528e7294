// SPDX-License-Identifier: MIT
#include "ui/speck_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

#include "core/imaging/mask_cleanup.h"
#include "ui/label_document.h"
#include "ui/map_edits.h"

namespace symmflow::ui {
SpeckDialog::SpeckDialog(const LabelDocument& doc, int initialSize, QWidget* parent) : QDialog(parent), m_doc(doc) {
  setWindowTitle(tr("Remove specks"));
  auto* v = new QVBoxLayout(this);
  auto* intro = new QLabel(tr("Merges every island of a class smaller than this into the class around it, as one "
                              "step that Undo takes back. Locked classes stay; lock thin objects (poles, signs) "
                              "to keep them."),
                           this);
  intro->setWordWrap(true);
  v->addWidget(intro);
  auto* form = new QFormLayout();
  m_size = new QSpinBox(this);
  const std::int64_t pixels = static_cast<std::int64_t>(doc.width()) * doc.height();
  m_size->setRange(2, static_cast<int>(std::clamp<std::int64_t>(pixels, 2, 1 << 30)));
  m_size->setSuffix(tr(" px"));
  m_size->setValue(initialSize > 0 ? initialSize : static_cast<int>(defaultSpeckSize(doc.width(), doc.height())));
  form->addRow(tr("Islands under"), m_size);
  v->addLayout(form);
  m_forecast = new QLabel(this);
  m_forecast->setWordWrap(true);
  v->addWidget(m_forecast);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  v->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  m_pause.setSingleShot(true);
  m_pause.setInterval(200);
  connect(&m_pause, &QTimer::timeout, this, &SpeckDialog::countNow);
  m_live = imaging::countRuns(doc.labels()) <= kSpeckRunsAtOnce;
  connect(m_size, qOverload<int>(&QSpinBox::valueChanged), this, [this] {
    if (m_live) m_forecast->setText(tr("Counting…"));
    m_pause.start();
  });
  setMinimumWidth(420);
  countNow();
}

int SpeckDialog::minPixels() const { return m_size->value(); }

void SpeckDialog::setMinPixels(int pixels) { m_size->setValue(pixels); }

QString SpeckDialog::forecast() const { return m_forecast->text(); }

void SpeckDialog::countNow() {
  m_pause.stop();
  const std::int64_t pixels = static_cast<std::int64_t>(m_doc.width()) * m_doc.height();
  if (!m_live) {
    m_forecast->setText(
        tr("This map is too fragmented to count as you type: what merges is counted when you "
           "press OK."));
    return;
  }
  LabelMap copy = m_doc.labels();
  const imaging::SpeckReport r = imaging::removeSpecks(copy, minPixels(), m_doc.lockedMask());
  if (r.pixels == 0) {
    m_forecast->setText(tr("No island is that small: nothing would change."));
    return;
  }
  const double share = 100.0 * static_cast<double>(r.pixels) / static_cast<double>(std::max<std::int64_t>(1, pixels));
  const QString percent = share < 0.005 ? tr("under 0.01 %") : tr("%1 %").arg(share, 0, 'f', 2);
  m_forecast->setText(tr("Would merge %1: %2 (%3 of the map) change class.")
                          .arg(islandsPhrase(r.merges), pixelsPhrase(r.pixels), percent));
}

}  // namespace symmflow::ui
