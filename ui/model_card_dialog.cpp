// SPDX-License-Identifier: MIT
#include "ui/model_card_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

namespace symmflow::ui {
namespace {
QString esc(const QString& s) { return s.toHtmlEscaped(); }

// A JSON value as one short line: whole numbers as such, others to 4 significant digits,
// arrays joined, nested objects compact.
QString shortValue(const QJsonValue& v) {
  if (v.isDouble()) {
    const double d = v.toDouble();
    return std::abs(d) < 1e15 && d == std::floor(d) ? QString::number(static_cast<qint64>(d))
                                                    : QString::number(d, 'g', 4);
  }
  if (v.isBool()) return v.toBool() ? QObject::tr("yes") : QObject::tr("no");
  if (v.isString()) return v.toString().isEmpty() ? QStringLiteral("–") : v.toString();
  if (v.isArray()) {
    QStringList parts;
    for (const auto& e : v.toArray()) parts << shortValue(e);
    return parts.join(QStringLiteral(", "));
  }
  if (v.isObject()) return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
  return QStringLiteral("–");
}

// The document's JSON object, or null when the text is empty or not an object.
QJsonObject parseObject(const std::string& json, bool* ok) {
  const QJsonDocument d = QJsonDocument::fromJson(QByteArray::fromStdString(json));
  *ok = d.isObject();
  return d.object();
}

QString rawBlock(const std::string& json) {
  return QStringLiteral("<pre>%1</pre>").arg(esc(QString::fromStdString(json)));
}

// A flat key/value table of a JSON object (the recipe, the training record, the config).
QString keyValueTable(const QJsonObject& o) {
  QString html = QStringLiteral("<table cellspacing=2>");
  for (auto it = o.begin(); it != o.end(); ++it) {
    QString value = shortValue(it.value());
    if (it.key() == QStringLiteral("seconds") && it.value().isDouble())
      value =
          QObject::tr("%1 s (%2 min)").arg(qRound(it.value().toDouble())).arg(it.value().toDouble() / 60.0, 0, 'f', 1);
    html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(esc(it.key()), esc(value));
  }
  return html + QStringLiteral("</table>");
}

// The same from a metadata entry; text that is not a JSON object is shown as recorded.
QString keyValueTable(const std::string& json) {
  if (json.empty()) return QObject::tr("(not recorded)");
  bool ok = false;
  const QJsonObject o = parseObject(json, &ok);
  return ok ? keyValueTable(o) : rawBlock(json);
}

struct Evaluation {
  QString key;
  int steps = 0, draws = 1, items = 0;
  bool mirror = false;
  QString solver, data;
  double score = -1, pixel = -1;  // mIoU (accuracy for image-level models); pixel accuracy
  QJsonObject perClass;
};

QString evaluationName(const Evaluation& e) {
  QString s = e.steps == 1 ? QObject::tr("1 step") : QObject::tr("%1 steps").arg(e.steps);
  if (e.draws > 1) s += QObject::tr(", %1 draws").arg(e.draws);
  if (e.mirror) s += QObject::tr(", + mirror");
  if (!e.solver.isEmpty() && e.steps > 1) s += QStringLiteral(" (%1)").arg(e.solver);
  return s;
}

// "Measured metrics": one row per recorded evaluation (symmflow eval --record), a per-class
// IoU table with the class colours, and the trainer's own validation figures. Anything not
// in that shape is shown as it is.
QString metricsHtml(const ModelInfo& info) {
  if (info.metricsJson.empty()) return QObject::tr("(not recorded)");
  bool ok = false;
  const QJsonObject o = parseObject(info.metricsJson, &ok);
  if (!ok) return rawBlock(info.metricsJson);
  const bool imageLevel = info.imageLevel();
  std::vector<Evaluation> evals;
  QJsonObject rest;
  for (auto it = o.begin(); it != o.end(); ++it) {
    const QJsonObject e = it.value().toObject();
    if (!it.value().isObject() || !e.contains(QStringLiteral("steps"))) {
      rest.insert(it.key(), it.value());
      continue;
    }
    Evaluation ev;
    ev.key = it.key();
    ev.steps = e.value(QStringLiteral("steps")).toInt();
    ev.draws = e.value(QStringLiteral("draws")).toInt(1);
    ev.items = e.value(QStringLiteral("items")).toInt();
    ev.mirror = e.value(QStringLiteral("mirror")).toBool();
    ev.solver = e.value(QStringLiteral("solver")).toString();
    ev.data = e.value(QStringLiteral("data")).toString();
    ev.score = e.value(imageLevel && e.contains(QStringLiteral("accuracy")) ? QStringLiteral("accuracy")
                                                                            : QStringLiteral("miou"))
                   .toDouble(-1);
    ev.pixel = e.value(QStringLiteral("pixel_accuracy")).toDouble(-1);
    ev.perClass = e.value(QStringLiteral("per_class_iou")).toObject();
    evals.push_back(ev);
  }
  std::sort(evals.begin(), evals.end(), [](const Evaluation& a, const Evaluation& b) {
    return std::tie(a.steps, a.draws, a.mirror, a.key) < std::tie(b.steps, b.draws, b.mirror, b.key);
  });
  auto num = [](double v) { return v < 0 ? QStringLiteral("–") : QString::number(v, 'f', 3); };
  QString html;
  if (!evals.empty()) {
    html += QStringLiteral("<table cellspacing=0 cellpadding=3 border=1><tr><th>%1</th><th>%2</th><th>%3</th>")
                .arg(QObject::tr("Segmentation"), QObject::tr("Data"),
                     imageLevel ? QObject::tr("Accuracy") : QObject::tr("mIoU"));
    if (!imageLevel) html += QStringLiteral("<th>%1</th>").arg(QObject::tr("Pixel accuracy"));
    html += QStringLiteral("</tr>");
    for (const auto& e : evals) {
      const QString data = e.items > 0 ? QObject::tr("%1, %2 items").arg(e.data).arg(e.items) : e.data;
      html += QStringLiteral("<tr><td>%1</td><td>%2</td><td align=right><b>%3</b></td>")
                  .arg(esc(evaluationName(e)), esc(data), num(e.score));
      if (!imageLevel) html += QStringLiteral("<td align=right>%1</td>").arg(num(e.pixel));
      html += QStringLiteral("</tr>");
    }
    html += QStringLiteral("</table>");
    // Per-class IoU: classes down, evaluations across, in the class list's order.
    const bool anyPerClass =
        std::any_of(evals.begin(), evals.end(), [](const Evaluation& e) { return !e.perClass.isEmpty(); });
    if (anyPerClass && !imageLevel) {
      html += QStringLiteral("<p>%1</p><table cellspacing=0 cellpadding=3 border=1><tr><th colspan=2>%2</th>")
                  .arg(QObject::tr("IoU of each class:"), QObject::tr("Class"));
      for (const auto& e : evals) html += QStringLiteral("<th>%1</th>").arg(esc(evaluationName(e)));
      html += QStringLiteral("</tr>");
      for (int i = 0; i < info.classes.size(); ++i) {
        const auto& c = info.classes.classes[i];
        const QString name = QString::fromStdString(c.name);
        if (i == info.classes.ignoreIndex) continue;
        html += QStringLiteral("<tr><td style='background:rgb(%1,%2,%3)'>&nbsp;&nbsp;&nbsp;</td><td>%4</td>")
                    .arg(c.color[0])
                    .arg(c.color[1])
                    .arg(c.color[2])
                    .arg(esc(name));
        for (const auto& e : evals) {
          const QJsonValue v = e.perClass.value(name);
          html += QStringLiteral("<td align=right>%1</td>").arg(v.isDouble() ? num(v.toDouble()) : QStringLiteral("–"));
        }
        html += QStringLiteral("</tr>");
      }
      html += QStringLiteral("</table>");
    }
  }
  if (!rest.isEmpty()) {
    html += QStringLiteral("<p>%1</p>").arg(QObject::tr("Recorded by the trainer at its best validation:"));
    html += keyValueTable(rest);
  }
  return html;
}
}  // namespace

QString modelCardHtml(const ModelInfo& info, const QString& sha256, const QString& device) {
  QString html;
  const QLocale loc;
  html += QStringLiteral("<h2>%1</h2>").arg(esc(QString::fromStdString(info.name)));
  html += QStringLiteral("<table cellspacing=4>");
  auto row = [&](const QString& k, const QString& val) {
    html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(k, esc(val));
  };
  row(QObject::tr("File"), QString::fromStdString(info.path));
  row(QObject::tr("Size"), loc.formattedDataSize(info.fileBytes));
  row(QObject::tr("SHA-256"), sha256.isEmpty() ? QObject::tr("(computing)") : sha256);
  row(QObject::tr("Parameters"), loc.toString(static_cast<qlonglong>(info.parameterCount)));
  row(QObject::tr("Weights"), QString::fromStdString(info.weightsDtype));
  row(QObject::tr("Image size"), QStringLiteral("%1 × %2").arg(info.imageWidth()).arg(info.imageHeight()));
  row(QObject::tr("Labels"), info.imageLevel()
                                 ? QObject::tr("image-level (one class per image)")
                                 : QStringLiteral("%1 × %2").arg(info.labelWidth()).arg(info.labelHeight()));
  row(QObject::tr("Device"), device);
  html += QStringLiteral("</table><h3>%1</h3><table cellspacing=2>").arg(QObject::tr("Classes"));
  for (int i = 0; i < info.classes.size(); ++i) {
    const auto& c = info.classes.classes[i];
    html += QStringLiteral(
                "<tr><td>%1</td><td style='background:rgb(%2,%3,%4)'>&nbsp;&nbsp;&nbsp;&nbsp;</td><td>%5%6</td></tr>")
                .arg(i)
                .arg(c.color[0])
                .arg(c.color[1])
                .arg(c.color[2])
                .arg(esc(QString::fromStdString(c.name)))
                .arg(i == info.classes.ignoreIndex ? QObject::tr(" (ignored in training)") : QString());
  }
  html += QStringLiteral("</table>");
  html += QStringLiteral("<h3>%1</h3>%2").arg(QObject::tr("Measured metrics"), metricsHtml(info));
  html += QStringLiteral("<h3>%1</h3>%2").arg(QObject::tr("Training recipe"), keyValueTable(info.recipeJson));
  html += QStringLiteral("<h3>%1</h3>%2").arg(QObject::tr("Trained"), keyValueTable(info.trainedJson));
  html += QStringLiteral("<h3>%1</h3>%2").arg(QObject::tr("Architecture"), keyValueTable(info.config.toJson()));
  return html;
}

QString modelCardMarkdownPath(const ModelInfo& info) {
  const QFileInfo model(QString::fromStdString(info.path));
  const QFileInfo card(model.dir().filePath(model.completeBaseName() + QStringLiteral(".md")));
  return !info.path.empty() && card.isFile() ? card.filePath() : QString();
}

ModelCardDialog::ModelCardDialog(const ModelInfo& info, const QString& sha256, const QString& device, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(tr("Model card — %1").arg(QString::fromStdString(info.name)));
  auto* v = new QVBoxLayout(this);
  auto* tabs = new QTabWidget(this);
  auto* text = new QTextBrowser(tabs);
  text->setOpenExternalLinks(true);
  text->setHtml(modelCardHtml(info, sha256, device));
  tabs->addTab(text, tr("From the model file"));
  // The written card beside the file (models/<name>.md with its sample pictures), when there
  // is one; a file too large to be a card is not read.
  const QString cardPath = modelCardMarkdownPath(info);
  QFile card(cardPath);
  if (!cardPath.isEmpty() && card.size() <= kMaxCardBytes && card.open(QIODevice::ReadOnly)) {
    auto* written = new QTextBrowser(tabs);
    written->setObjectName(QStringLiteral("writtenCard"));
    written->setOpenExternalLinks(true);
    written->setSearchPaths({QFileInfo(cardPath).absolutePath()});
    written->setMarkdown(QString::fromUtf8(card.readAll()));
    tabs->addTab(written, QFileInfo(cardPath).fileName());
  }
  v->addWidget(tabs);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  v->addWidget(buttons);
  resize(760, 720);
}

}  // namespace symmflow::ui
