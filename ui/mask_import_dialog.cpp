// SPDX-License-Identifier: MIT
#include "ui/mask_import_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "ui/label_document.h"
#include "ui/qt_image.h"
#include "ui/studio_session.h"

namespace symmflow::ui {
namespace {
QString encodingName(imaging::MaskReport::Encoding e) {
  switch (e) {
    case imaging::MaskReport::Encoding::Index: return QObject::tr("index mask (grey value = class id)");
    case imaging::MaskReport::Encoding::Color: return QObject::tr("colour mask (class colours)");
    case imaging::MaskReport::Encoding::ScaledGrey: return QObject::tr("scaled grey mask");
  }
  return {};
}
QIcon swatch(const QColor& c) { return swatchIcon(c, 14); }
}  // namespace

MaskImportDialog::Handling MaskImportDialog::reportedHandling() const {
  // The handling that applied to this mask's unknown pixels (colours or ids).
  return m_report.encoding == imaging::MaskReport::Encoding::Color ? m_report.offPaletteHandling
                                                                   : m_report.outOfRangeHandling;
}

MaskImportDialog::Handling MaskImportDialog::handling() const {
  return static_cast<Handling>(m_handling->currentData().toInt());
}

bool MaskImportDialog::canImport() const { return m_import->isEnabled(); }

void MaskImportDialog::fillHandlings() {
  // Only what the mask's encoding supports, starting at what the report says was done:
  // unknown colours can be snapped to the nearest class colour, unknown ids cannot
  // (an id has no "nearest" class).
  const QSignalBlocker block(m_handling);
  m_handling->clear();
  if (m_report.encoding == imaging::MaskReport::Encoding::Color)
    m_handling->addItem(tr("Snap to the nearest class colour"), static_cast<int>(Handling::SnappedNearest));
  m_handling->addItem(tr("Assign to a chosen class"), static_cast<int>(Handling::AssignedClass));
  m_handling->addItem(tr("Mark as ignore (255)"), static_cast<int>(Handling::Ignored));
  m_handling->setCurrentIndex(std::max(0, m_handling->findData(static_cast<int>(reportedHandling()))));
}

MaskImportDialog::MaskImportDialog(StudioSession* session, QString path, LabelMap labels, imaging::MaskReport report,
                                   QWidget* parent)
    : QDialog(parent),
      m_session(session),
      m_path(std::move(path)),
      m_labels(std::move(labels)),
      m_report(std::move(report)) {
  setWindowTitle(tr("Import label map — %1").arg(QFileInfo(m_path).fileName()));
  auto* v = new QVBoxLayout(this);
  m_summary = new QLabel(this);
  m_summary->setWordWrap(true);
  QFont f = m_summary->font();
  f.setBold(true);
  m_summary->setFont(f);
  v->addWidget(m_summary);
  m_details = new QLabel(this);
  m_details->setWordWrap(true);
  m_details->setTextFormat(Qt::RichText);
  v->addWidget(m_details);

  auto* form = new QFormLayout();
  // How the file is read: as detected, or forced (a guess can be wrong, e.g. a colour
  // mask whose class colours are all grey).
  using Encoding = imaging::MaskReport::Encoding;
  m_encoding = new QComboBox(this);
  m_encoding->addItem(tr("As detected: %1").arg(encodingName(m_report.encoding)), -1);
  for (Encoding e : {Encoding::Index, Encoding::Color, Encoding::ScaledGrey}) {
    QString name = encodingName(e);
    name[0] = name[0].toUpper();
    m_encoding->addItem(name, static_cast<int>(e));
  }
  m_encoding->setToolTip(tr("Read the file as another kind of mask when the detected one is wrong"));
  form->addRow(tr("Read as"), m_encoding);
  m_handling = new QComboBox(this);
  fillHandlings();
  form->addRow(tr("Unknown pixels"), m_handling);
  m_assignClass = new QComboBox(this);
  const ClassList& classes = m_session->maskClasses();
  for (int i = 0; i < classes.size(); ++i)
    m_assignClass->addItem(swatch(classColor(classes, i)), QString::fromStdString(classes.classes[i].name));
  m_assignClass->setCurrentIndex(std::max(0, m_report.assignedClass));
  m_assignClass->setEnabled(reportedHandling() == Handling::AssignedClass);
  form->addRow(tr("Chosen class"), m_assignClass);
  v->addLayout(form);

  m_histogram = new QTreeWidget(this);
  m_histogram->setHeaderLabels({tr("Class"), tr("Pixels"), tr("Share")});
  m_histogram->setRootIsDecorated(false);
  m_histogram->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  v->addWidget(m_histogram, 1);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  m_import = buttons->button(QDialogButtonBox::Ok);
  m_import->setText(tr("Import"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  v->addWidget(buttons);

  connect(m_handling, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    m_assignClass->setEnabled(handling() == Handling::AssignedClass);
    reread();
  });
  connect(m_assignClass, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { reread(); });
  connect(m_encoding, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { reread(); });
  resize(520, 520);
  showReport();
}

void MaskImportDialog::reread() {
  imaging::MaskImportOptions o;
  const Handling h = handling();
  o.offPalette = h == Handling::SnappedNearest  ? imaging::MaskImportOptions::OffPalette::SnapNearest
                 : h == Handling::AssignedClass ? imaging::MaskImportOptions::OffPalette::AssignClass
                                                : imaging::MaskImportOptions::OffPalette::Ignore;
  o.outOfRange = h == Handling::AssignedClass ? imaging::MaskImportOptions::OutOfRange::AssignClass
                                              : imaging::MaskImportOptions::OutOfRange::Ignore;
  o.assignClass = std::max(0, m_assignClass->currentIndex());
  if (const int forced = m_encoding->currentData().toInt(); forced >= 0)
    o.forceEncoding = static_cast<imaging::MaskReport::Encoding>(forced);
  auto r = m_session->readMask(m_path, o);
  if (!r) {
    // Nothing valid to import until another choice reads the file.
    m_import->setEnabled(false);
    m_summary->setText(tr("This file cannot be read this way."));
    m_details->setText(tr("<span style='color:#c33'>%1</span>").arg(QString::fromStdString(r.error()).toHtmlEscaped()));
    m_histogram->clear();
    return;
  }
  m_import->setEnabled(true);
  m_labels = r->first;
  const bool colourBefore = m_report.encoding == imaging::MaskReport::Encoding::Color;
  m_report = r->second;
  if (colourBefore != (m_report.encoding == imaging::MaskReport::Encoding::Color)) {
    fillHandlings();
    m_assignClass->setEnabled(handling() == Handling::AssignedClass);
  }
  showReport();
}

void MaskImportDialog::showReport() {
  const auto& r = m_report;
  m_summary->setText(QString::fromStdString(r.summary()));
  QStringList lines;
  lines << tr("Encoding: %1, %2×%3").arg(encodingName(r.encoding)).arg(r.width).arg(r.height);
  if (r.encoding == imaging::MaskReport::Encoding::ScaledGrey) lines << tr("Grey step per class: %1").arg(r.greyStep);
  lines << tr("Off-palette pixels: %1").arg(r.offPalettePixels);
  lines << tr("Ids outside the model's classes: %1").arg(r.outOfRangePixels);
  lines << tr("Ignore pixels (255): %1").arg(r.ignorePixels);
  if (!r.unknownColors.empty()) {
    QStringList cols;
    for (std::size_t i = 0; i < r.unknownColors.size(); ++i) {
      const Rgb& c = r.unknownColors[i];
      cols << QStringLiteral(
                  "<span style='background:rgb(%1,%2,%3)'>&nbsp;&nbsp;&nbsp;</span> (%1, %2, %3) × "
                  "%4")
                  .arg(c[0])
                  .arg(c[1])
                  .arg(c[2])
                  .arg(i < r.unknownColorPixels.size() ? r.unknownColorPixels[i] : 0);
    }
    lines << tr("Unknown values: %1").arg(cols.join(QStringLiteral(", ")));
  }
  if (const QString fit = m_session->importFitNote(r.width, r.height); !fit.isEmpty()) {
    lines << tr("The document has a photo: the map will be %1, and the photo is kept.").arg(fit.toHtmlEscaped());
  } else if (const ModelInfo* info = m_session->modelInfo();
             info && !info->imageLevel() && (r.width != info->labelWidth() || r.height != info->labelHeight())) {
    lines << tr("The model works on %1×%2: the map is kept at its own size and framed (resized or "
                "centre-cropped) to the model for every run.")
                 .arg(info->labelWidth())
                 .arg(info->labelHeight());
  }
  m_details->setText(lines.join(QStringLiteral("<br>")));
  m_histogram->clear();
  const ClassList& classes = m_session->maskClasses();
  const double total = std::max<std::int64_t>(1, static_cast<std::int64_t>(r.width) * r.height);
  for (int i = 0; i < static_cast<int>(r.histogram.size()); ++i) {
    auto* item = new QTreeWidgetItem(m_histogram);
    item->setIcon(0, swatch(classColor(classes, i)));
    item->setText(0, i < classes.size() ? QString::fromStdString(classes.classes[i].name) : QString::number(i));
    item->setText(1, QString::number(r.histogram[i]));
    item->setText(2, QStringLiteral("%1 %").arg(100.0 * r.histogram[i] / total, 0, 'f', 1));
  }
  // Ignore pixels have no class: their own row, so the shares add up to 100 %.
  if (r.ignorePixels > 0) {
    auto* item = new QTreeWidgetItem(m_histogram);
    item->setText(0, tr("ignore (no class)"));
    item->setText(1, QString::number(r.ignorePixels));
    item->setText(2, QStringLiteral("%1 %").arg(100.0 * r.ignorePixels / total, 0, 'f', 1));
    item->setForeground(0, palette().color(QPalette::Disabled, QPalette::Text));
  }
}

}  // namespace symmflow::ui
