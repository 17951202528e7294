// SPDX-License-Identifier: MIT
#include "ui/trajectory_dock.h"

#include <QDir>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QSlider>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <functional>
#include <qcustomplot.h>
#include <vector>

#include "core/imaging/image_io.h"
#include "ui/flow_strip.h"
#include "ui/label_document.h"
#include "ui/qt_image.h"
#include "ui/save_dialog.h"
#include "ui/scrollable.h"
#include "ui/studio_session.h"

namespace symmflow::ui {
namespace {
constexpr int kPreview = 150;

QLabel* imageLabel(const QString& tip, QWidget* parent) {
  auto* l = new QLabel(parent);
  l->setFixedSize(kPreview, kPreview * 3 / 4);
  l->setAlignment(Qt::AlignCenter);
  l->setStyleSheet(QStringLiteral("background:#2b2b2b; color:#bbb;"));
  l->setToolTip(tip);
  return l;
}

// The previews of batch item `item` (a result's variation), or null when not recorded.
const StepPreview* previewOf(const StepReport& s, int item) {
  return item >= 0 && item < static_cast<int>(s.items.size()) ? &s.items[static_cast<std::size_t>(item)] : nullptr;
}

QPixmap scaled(const QImage& img) {
  if (img.isNull()) return {};
  return QPixmap::fromImage(img.scaled(kPreview, kPreview * 3 / 4, Qt::KeepAspectRatio, Qt::FastTransformation));
}
}  // namespace

TrajectoryDock::TrajectoryDock(StudioSession* session, QWidget* parent)
    : QDockWidget(tr("Trajectory"), parent), m_session(session) {
  setObjectName(QStringLiteral("TrajectoryDock"));
  auto* body = new QWidget(this);
  auto* v = new QVBoxLayout(body);
  v->setContentsMargins(4, 4, 4, 4);

  auto* images = new QGridLayout();
  m_xImage = imageLabel(tr("x_t: the image at this step"), body);
  m_yImage = imageLabel(tr("y_t: the label state at this step (argmax, class colours)"), body);
  m_yHatImage = imageLabel(tr("One-step label estimate ŷ₀ = y_t − t·v_y"), body);
  images->addWidget(new QLabel(tr("x<sub>t</sub>"), body), 0, 0, Qt::AlignHCenter);
  images->addWidget(new QLabel(tr("y<sub>t</sub>"), body), 0, 1, Qt::AlignHCenter);
  m_yHatTitle = new QLabel(tr("ŷ<sub>0</sub> estimate"), body);
  images->addWidget(m_yHatTitle, 0, 2, Qt::AlignHCenter);
  images->addWidget(m_xImage, 1, 0);
  images->addWidget(m_yImage, 1, 1);
  images->addWidget(m_yHatImage, 1, 2);
  v->addLayout(images);

  auto* controls = new QHBoxLayout();
  m_play = new QToolButton(body);
  m_play->setCheckable(true);
  m_play->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
  m_play->setToolTip(tr("Play / pause"));
  m_slider = new QSlider(Qt::Horizontal, body);
  m_slider->setRange(0, 0);
  m_stepLabel = new QLabel(tr("No generation yet"), body);
  m_stepLabel->setMinimumWidth(150);
  m_stepLabel->setToolTip(
      tr("Generate, or apply an edit to a photo: each step of its flow is kept "
         "here to play back. Segmentation takes one step and is not shown."));
  m_save = new QToolButton(body);
  m_save->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
  m_save->setToolTip(tr("Save this flow as one picture: x_t, y_t and ŷ₀ from t = 0 to t = 1, for a figure"));
  controls->addWidget(m_play);
  controls->addWidget(m_slider, 1);
  controls->addWidget(m_stepLabel);
  controls->addWidget(m_save);
  v->addLayout(controls);
  m_caption = new QLabel(body);  // whose flow this is (trajectoryCaption)
  m_caption->setStyleSheet(QStringLiteral("color: palette(mid);"));
  m_caption->setWordWrap(true);
  v->addWidget(m_caption);

  auto* tabs = new QTabWidget(body);
  m_velocity = makePlot(tr("RMS velocity"));
  // A one-line legend in the top-right corner, over headroom kept free for it (rebuild()).
  m_velocity->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  m_velocity->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  m_velocity->legend->setBrush(QColor(255, 255, 255, 200));
  m_velocity->legend->setBorderPen(QPen(QColor(190, 190, 190)));
  m_velocity->legend->setMargins(QMargins(4, 1, 4, 1));
  m_coverage = makePlot(tr("share of pixels"));
  m_coverage->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  m_coverage->legend->setWrap(5);
  m_coverage->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  m_coverage->legend->setBrush(QColor(255, 255, 255, 210));
  m_coverage->legend->setBorderPen(QPen(QColor(190, 190, 190)));
  m_coverage->legend->setMargins(QMargins(4, 1, 4, 1));
  m_coverage->legend->setRowSpacing(0);
  m_confidence = makePlot(tr("mean confidence"));
  tabs->addTab(m_velocity, tr("Velocity"));
  tabs->addTab(m_coverage, tr("Class coverage"));
  tabs->addTab(m_confidence, tr("Confidence"));
  v->addWidget(tabs, 1);
  setWidget(scrollable(body, this));

  m_playTimer.setInterval(250);
  connect(&m_playTimer, &QTimer::timeout, this, [this] {
    if (m_slider->value() >= m_slider->maximum()) {
      m_slider->setValue(0);
    } else {
      m_slider->setValue(m_slider->value() + 1);
    }
  });
  connect(m_play, &QToolButton::toggled, this, [this](bool on) {
    m_play->setIcon(style()->standardIcon(on ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    if (on) {
      m_playTimer.start();
    } else {
      m_playTimer.stop();
    }
  });
  connect(m_slider, &QSlider::valueChanged, this, &TrajectoryDock::showStep);
  connect(m_save, &QToolButton::clicked, this, &TrajectoryDock::askSaveFlowPicture);
  connect(session, &StudioSession::trajectoryChanged, this, &TrajectoryDock::rebuild);
  rebuild();
}

QCustomPlot* TrajectoryDock::makePlot(const QString& yLabel) {
  auto* plot = new QCustomPlot(this);
  plot->setMinimumHeight(150);
  plot->xAxis->setLabel(tr("t"));
  plot->yAxis->setLabel(yLabel);
  plot->xAxis->setRange(0, 1);
  plot->legend->setVisible(false);
  plot->setBackground(QBrush(palette().color(QPalette::Base)));
  auto* cursor = new QCPItemStraightLine(plot);
  cursor->setPen(QPen(QColor(220, 60, 60), 1.5, Qt::DashLine));
  cursor->point1->setCoords(0, 0);
  cursor->point2->setCoords(0, 1);
  m_cursors.push_back(cursor);
  return plot;
}

int TrajectoryDock::graphCount() const {
  return m_velocity->graphCount() + m_coverage->graphCount() + m_confidence->graphCount();
}

QString TrajectoryDock::estimateTitle() const { return m_yHatTitle->text(); }

bool TrajectoryDock::showsEstimate() const { return !m_yHatImage->pixmap().isNull(); }

std::optional<double> TrajectoryDock::readBack() const { return m_readBack; }

Status TrajectoryDock::saveFlowPicture(const QString& path) const {
  const QImage strip =
      flowStrip(m_session->trajectory(), m_session->trajectoryItem(), m_session->document()->classes());
  if (strip.isNull())
    return Error{tr("This flow kept no pictures: generate again with Record the flow on (Run dock).").toStdString()};
  return imaging::savePng(fromQImage(strip), path.toStdString());
}

void TrajectoryDock::askSaveFlowPicture() {
  QString name = QStringLiteral("flow.png");
  const int current = m_session->currentResult();
  if (current >= 0 && current < static_cast<int>(m_session->results().size())) {
    const Provenance& p = m_session->results()[static_cast<std::size_t>(current)].provenance;
    name = QStringLiteral("flow-%1-seed%2.png").arg(p.kind).arg(p.seed);
  }
  const QString path = askSavePath(this, tr("Save the flow as a picture"), QDir::home().filePath(name),
                                   tr("PNG images (*.png)"), QStringLiteral("png"));
  if (path.isEmpty()) return;
  if (const Status s = saveFlowPicture(path); !s)
    QMessageBox::warning(this, tr("Save the flow"),
                         tr("Nothing was written to %1:\n%2").arg(path, QString::fromStdString(s.error())));
}

void TrajectoryDock::rebuild() {
  const auto& steps = m_session->trajectory();
  const int item = m_session->trajectoryItem();
  m_recorded = std::any_of(steps.begin(), steps.end(), [item](const StepReport& r) {
    return item >= 0 && item < static_cast<int>(r.items.size()) && !r.items[static_cast<std::size_t>(item)].x.empty();
  });
  m_save->setEnabled(m_recorded);
  m_velocity->clearGraphs();
  m_coverage->clearGraphs();
  m_confidence->clearGraphs();
  // The curves of this result's own batch item where previews were recorded, else the
  // batch's velocity; each at the t where the velocity was evaluated.
  QVector<double> tv, vx, vy, te, conf;
  std::vector<const std::vector<double>*> coverage;
  for (const StepReport& s : steps) {
    const StepPreview* p = previewOf(s, item);
    if (s.hasVelocity) {
      tv << s.t;
      vx << (p ? p->vxNorm : s.vxNorm);
      vy << (p ? p->vyNorm : s.vyNorm);
    }
    if (p && !p->classCoverage.empty()) {
      te << s.t;
      conf << p->meanConfidence;
      coverage.push_back(&p->classCoverage);
    }
  }
  if (!tv.isEmpty()) {
    auto* gx = m_velocity->addGraph();
    gx->setName(tr("image |v_x|"));
    gx->setPen(QPen(QColor(40, 110, 220), 2));
    gx->setData(tv, vx, true);
    auto* gy = m_velocity->addGraph();
    gy->setName(tr("label |v_y|"));
    gy->setPen(QPen(QColor(230, 120, 20), 2));
    gy->setData(tv, vy, true);
    m_velocity->legend->setVisible(true);
    m_velocity->rescaleAxes();
    const QCPRange r = m_velocity->yAxis->range();
    const double span = std::max(r.size(), 1e-3);
    m_velocity->yAxis->setRange(std::max(0.0, r.lower - 0.08 * span), r.upper + 0.6 * span);
  }
  if (!coverage.empty()) {
    const ClassList& classes = m_session->document()->classes();
    const int k = static_cast<int>(coverage.front()->size());
    // The legend names the five classes that cover most of the estimate (one row above the
    // curves); the palette's colours name the rest.
    std::vector<std::pair<double, int>> most;
    for (int c = 0; c < k; ++c) {
      QVector<double> cov;
      double m = 0.0;
      for (const auto* shares : coverage) {
        cov << (c < static_cast<int>(shares->size()) ? (*shares)[c] : 0.0);
        m = std::max(m, cov.back());
      }
      auto* g = m_coverage->addGraph();
      g->setName(c < classes.size() ? QString::fromStdString(classes.classes[c].name) : QString::number(c));
      g->setPen(QPen(classColor(classes, c), 2));
      g->setData(te, cov, true);
      most.emplace_back(m, c);
    }
    std::sort(most.begin(), most.end(), std::greater<>());
    for (std::size_t i = 0; i < most.size(); ++i)
      if (i >= 5 || most[i].first < 0.01) m_coverage->graph(most[i].second)->removeFromLegend();
    m_coverage->legend->setVisible(m_coverage->legend->itemCount() > 0);
    m_coverage->rescaleAxes();
    // Headroom for the legend above the curves.
    m_coverage->yAxis->setRange(0, std::max(0.05, m_coverage->yAxis->range().upper * 1.35));

    auto* gc = m_confidence->addGraph();
    gc->setPen(QPen(QColor(60, 160, 90), 2));
    gc->setData(te, conf, true);
    m_confidence->rescaleAxes();
    m_confidence->yAxis->setRange(0, 1.0);
  }
  for (auto* p : {m_velocity, m_coverage, m_confidence}) p->xAxis->setRange(0, 1);
  const int n = static_cast<int>(steps.size());
  m_slider->blockSignals(true);
  m_slider->setRange(0, std::max(0, n - 1));
  m_slider->setValue(std::max(0, n - 1));
  m_slider->blockSignals(false);
  showStep(m_slider->value());
}

void TrajectoryDock::showStep(int index) {
  m_readBack.reset();
  const auto& steps = m_session->trajectory();
  const QString caption = m_session->trajectoryCaption();
  if (index < 0 || index >= static_cast<int>(steps.size())) {
    m_stepLabel->setText(tr("No generation yet"));
    m_caption->setText(!caption.isEmpty() ? caption
                                          : tr("Generate, or edit a photo's map and Apply edit: each step of the flow "
                                               "is kept here. A segmentation is one step, with no flow to show."));
    m_yHatTitle->setText(tr("ŷ<sub>0</sub> estimate"));
    for (auto* l : {m_xImage, m_yImage, m_yHatImage}) {
      l->setPixmap({});
      l->setText(tr("—"));
    }
    for (auto* p : {m_velocity, m_coverage, m_confidence}) p->replot();
    return;
  }
  const StepReport& s = steps[index];
  const QString where = s.step == 0 ? tr(" (start)") : s.step == s.totalSteps ? tr(" (end)") : QString();
  m_stepLabel->setText(tr("step %1/%2 · t = %3%4").arg(s.step).arg(s.totalSteps).arg(s.t, 0, 'f', 3).arg(where));
  const ClassList& classes = m_session->document()->classes();
  auto show = [](QLabel* l, const QImage& img, const QString& why) {
    if (img.isNull()) {
      l->setPixmap({});
      l->setText(why);
    } else {
      l->setPixmap(scaled(img));
    }
  };
  const StepPreview* p = previewOf(s, m_session->trajectoryItem());
  // Runs made with Record the flow off keep the velocity norms but no pictures.
  const QString notRecorded =
      m_recorded ? tr("not recorded") : tr("not recorded:\nRecord the flow\nwas off (Run dock)");
  show(m_xImage, p ? toQImage(p->x) : QImage(), notRecorded);
  show(m_yImage, p ? labelsToImage(p->y, classes) : QImage(), notRecorded);
  // At the end of a generation or edit the engine evaluates the result once more: its estimate
  // is the one-step segmentation of the image made, which says whether it reads as the map.
  const bool ofTheResult = s.step == s.totalSteps && s.t == 1.0 && p != nullptr;
  m_yHatTitle->setText(ofTheResult ? tr("ŷ<sub>0</sub> of the result") : tr("ŷ<sub>0</sub> estimate"));
  show(m_yHatImage, p && !p->yHat.empty() ? labelsToImage(p->yHat, classes) : QImage(),
       p ? tr("not evaluated here") : notRecorded);
  // There the caption says how much of the map (y at t = 0) the result reads back as painted.
  QString text = caption.isEmpty() ? QString() : tr("Flow of %1").arg(caption);
  if (ofTheResult) m_readBack = readBackShare(steps, m_session->trajectoryItem(), classes);
  if (m_readBack)
    text += tr(" · the result reads as the map on %1 % of its pixels").arg(100.0 * *m_readBack, 0, 'f', 1);
  m_caption->setText(text);
  for (auto* c : m_cursors) {
    c->point1->setCoords(s.t, 0);
    c->point2->setCoords(s.t, 1);
  }
  for (auto* p : {m_velocity, m_coverage, m_confidence}) p->replot();
}

}  // namespace symmflow::ui
