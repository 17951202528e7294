// SPDX-License-Identifier: MIT
#include "ui/model_card_dialog.h"

#include <QDialogButtonBox>
#include <QJsonDocument>
#include <QLocale>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace symmflow::ui {
namespace {
QString prettyJson(const std::string& json) {
  if (json.empty()) return QObject::tr("(not recorded)");
  const QJsonDocument d = QJsonDocument::fromJson(QByteArray::fromStdString(json));
  const QString text = d.isNull() ? QString::fromStdString(json) : QString::fromUtf8(d.toJson(QJsonDocument::Indented));
  return QStringLiteral("<pre>%1</pre>").arg(text.toHtmlEscaped());
}
}  // namespace

ModelCardDialog::ModelCardDialog(const ModelInfo& info, const QString& sha256, const QString& device, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(tr("Model card — %1").arg(QString::fromStdString(info.name)));
  auto* v = new QVBoxLayout(this);
  auto* text = new QTextBrowser(this);
  text->setOpenExternalLinks(true);
  QString html;
  const QLocale loc;
  html += QStringLiteral("<h2>%1</h2>").arg(QString::fromStdString(info.name).toHtmlEscaped());
  html += QStringLiteral("<table cellspacing=4>");
  auto row = [&](const QString& k, const QString& val) {
    html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(k, val.toHtmlEscaped());
  };
  row(tr("File"), QString::fromStdString(info.path));
  row(tr("Size"), loc.formattedDataSize(info.fileBytes));
  row(tr("SHA-256"), sha256.isEmpty() ? tr("(computing)") : sha256);
  row(tr("Parameters"), loc.toString(static_cast<qlonglong>(info.parameterCount)));
  row(tr("Weights"), QString::fromStdString(info.weightsDtype));
  row(tr("Image size"), QStringLiteral("%1 × %2").arg(info.imageWidth()).arg(info.imageHeight()));
  row(tr("Labels"), info.imageLevel() ? tr("image-level (one class per image)")
                                      : QStringLiteral("%1 × %2").arg(info.labelWidth()).arg(info.labelHeight()));
  row(tr("Device"), device);
  html += QStringLiteral("</table><h3>%1</h3><table cellspacing=2>").arg(tr("Classes"));
  for (int i = 0; i < info.classes.size(); ++i) {
    const auto& c = info.classes.classes[i];
    html += QStringLiteral(
                "<tr><td>%1</td><td "
                "style='background:rgb(%2,%3,%4)'>&nbsp;&nbsp;&nbsp;&nbsp;</td><td>%5%6</td></tr>")
                .arg(i)
                .arg(c.color[0])
                .arg(c.color[1])
                .arg(c.color[2])
                .arg(QString::fromStdString(c.name).toHtmlEscaped())
                .arg(i == info.classes.ignoreIndex ? tr(" (ignored in training)") : QString());
  }
  html += QStringLiteral("</table>");
  html += QStringLiteral("<h3>%1</h3>%2").arg(tr("Measured metrics"), prettyJson(info.metricsJson));
  html += QStringLiteral("<h3>%1</h3>%2").arg(tr("Training recipe"), prettyJson(info.recipeJson));
  html += QStringLiteral("<h3>%1</h3>%2").arg(tr("Trained"), prettyJson(info.trainedJson));
  html += QStringLiteral("<h3>%1</h3>%2").arg(tr("Architecture"), prettyJson(info.config.toJson()));
  text->setHtml(html);
  v->addWidget(text);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  v->addWidget(buttons);
  resize(620, 640);
}

}  // namespace symmflow::ui
