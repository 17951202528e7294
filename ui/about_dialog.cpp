// SPDX-License-Identifier: MIT
#include "ui/about_dialog.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QLabel>
#include <QVBoxLayout>

#include "core/engine.h"

namespace symmflow::ui {

AboutDialog::AboutDialog(const QString& device, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("About SymmFlow Studio"));
  auto* v = new QVBoxLayout(this);
  auto* icon = new QLabel(this);
  icon->setPixmap(QApplication::windowIcon().pixmap(64, 64));
  icon->setAlignment(Qt::AlignHCenter);
  v->addWidget(icon);
  auto* text = new QLabel(this);
  text->setTextFormat(Qt::RichText);
  text->setOpenExternalLinks(true);
  text->setTextInteractionFlags(Qt::TextBrowserInteraction);
  text->setText(tr("<h2>SymmFlow Studio %1</h2>"
                   "<p>Paint label maps and get photos; segment photos, edit their maps and regenerate them "
                   "— with one model.</p>"
                   "<p>Symmetrical Flow Matching: Caetano et al., AAAI 2026, "
                   "<a href='https://arxiv.org/abs/2506.10634'>arXiv 2506.10634</a>.</p>"
                   "<table cellspacing=3>"
                   "<tr><td><b>Engine</b></td><td>%2</td></tr>"
                   "<tr><td><b>LibTorch</b></td><td>%3</td></tr>"
                   "<tr><td><b>Qt</b></td><td>%4</td></tr>"
                   "<tr><td><b>Device</b></td><td>%5</td></tr>"
                   "<tr><td><b>CUDA</b></td><td>%6</td></tr></table>"
                   "<p>MIT licence.</p>")
                    .arg(QApplication::applicationVersion(), QString::fromStdString(engineVersion()),
                         QString::fromStdString(torchVersion()), QString::fromLatin1(qVersion()),
                         device.isEmpty() ? tr("no model loaded") : device.toHtmlEscaped(),
                         cudaAvailable() ? tr("available") : tr("not available")));
  v->addWidget(text);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  v->addWidget(buttons);
}

}  // namespace symmflow::ui
