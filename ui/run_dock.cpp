// SPDX-License-Identifier: MIT
#include "ui/run_dock.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <random>

#include "ui/scrollable.h"
#include "ui/studio_session.h"

namespace symmflow::ui {
namespace {
QToolButton* actionButton(QAction* a, QWidget* parent) {
  auto* b = new QToolButton(parent);
  b->setDefaultAction(a);
  b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  return b;
}
}  // namespace

RunDock::RunDock(StudioSession* session, QAction* generate, QAction* cancel, QAction* applyEdit, QAction* reroll,
                 QWidget* parent)
    : QDockWidget(tr("Run"), parent), m_session(session) {
  setObjectName(QStringLiteral("RunDock"));
  auto* body = new QWidget(this);
  auto* v = new QVBoxLayout(body);
  v->setContentsMargins(6, 6, 6, 6);

  auto* form = new QFormLayout();
  m_steps = new QSpinBox(body);
  m_steps->setRange(1, 200);
  m_steps->setToolTip(tr("Integration steps: more is slower and usually sharper."));
  form->addRow(tr("Steps"), m_steps);
  m_solver = new QComboBox(body);
  m_solver->addItem(tr("Euler"), static_cast<int>(Solver::Euler));
  m_solver->addItem(tr("Heun (2 evaluations/step)"), static_cast<int>(Solver::Heun));
  form->addRow(tr("Solver"), m_solver);
  auto* seedRow = new QHBoxLayout();
  m_seed = new QSpinBox(body);
  m_seed->setRange(0, 2147483647);
  m_seed->setToolTip(tr("Same seed + same map = same image."));
  auto* dice = new QToolButton(body);
  dice->setText(tr("New"));
  dice->setToolTip(tr("Draw a new random seed"));
  m_randomSeed = new QCheckBox(tr("Random"), body);
  m_randomSeed->setToolTip(tr("Draw a new seed for every Generate"));
  seedRow->addWidget(m_seed, 1);
  seedRow->addWidget(dice);
  seedRow->addWidget(m_randomSeed);
  form->addRow(tr("Seed"), seedRow);
  m_variations = new QSpinBox(body);
  m_variations->setRange(1, 8);
  m_variations->setToolTip(tr("Images per Generate, seeds seed, seed+1, … shown side by side"));
  form->addRow(tr("Variations"), m_variations);
  auto* liveRow = new QHBoxLayout();
  m_live = new QCheckBox(tr("Live preview"), body);
  m_live->setToolTip(
      tr("A quick run a moment after each stroke. On the CPU it uses the model's "
         "smaller companion (<name>-small) when one is installed; Generate always "
         "uses the full model"));
  m_previewSteps = new QSpinBox(body);
  m_previewSteps->setRange(1, 20);
  m_previewSteps->setSuffix(tr(" steps"));
  liveRow->addWidget(m_live);
  liveRow->addWidget(m_previewSteps);
  form->addRow(QString(), liveRow);
  m_record = new QCheckBox(tr("Record the flow"), body);
  m_record->setToolTip(
      tr("Keep every step of Generate and Apply edit for the Trajectory dock, and read each result "
         "back as a map (the % on its thumbnail). Costs one more network evaluation per run; "
         "turn it off for the fastest runs"));
  form->addRow(QString(), m_record);
  v->addLayout(form);

  auto* buttons = new QHBoxLayout();
  buttons->addWidget(actionButton(generate, body), 2);
  buttons->addWidget(actionButton(cancel, body), 1);
  v->addLayout(buttons);

  auto* photo = new QGroupBox(tr("Photo edit"), body);
  auto* pv = new QVBoxLayout(photo);
  auto* pb = new QHBoxLayout();
  pb->addWidget(actionButton(applyEdit, photo));
  pb->addWidget(actionButton(reroll, photo));
  pv->addLayout(pb);
  auto* pf = new QFormLayout();
  m_feather = new QDoubleSpinBox(photo);
  m_feather->setRange(0.0, 32.0);
  m_feather->setSingleStep(0.5);
  m_feather->setSuffix(tr(" px"));
  m_feather->setToolTip(tr("Width of the blend at the edge of the edited region (model pixels)"));
  pf->addRow(tr("Feather"), m_feather);
  pv->addLayout(pf);
  v->addWidget(photo);

  m_progress = new QProgressBar(body);
  m_progress->setRange(0, 1);
  m_progress->setValue(0);
  m_progress->setTextVisible(true);
  m_progress->setFormat(tr("Idle"));
  v->addWidget(m_progress);
  m_status = new QLabel(body);
  m_status->setWordWrap(true);
  m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
  v->addWidget(m_status);
  v->addStretch(1);
  auto* area = scrollable(body, this);
  // As wide as its controls need: it scrolls vertically only.
  area->setMinimumWidth(body->minimumSizeHint().width() + style()->pixelMetric(QStyle::PM_ScrollBarExtent));
  setWidget(area);

  for (auto* s : {m_steps, m_seed, m_variations, m_previewSteps})
    connect(s, qOverload<int>(&QSpinBox::valueChanged), this, &RunDock::pushToSettings);
  connect(m_feather, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &RunDock::pushToSettings);
  connect(m_solver, qOverload<int>(&QComboBox::currentIndexChanged), this, &RunDock::pushToSettings);
  connect(m_randomSeed, &QCheckBox::toggled, this, &RunDock::pushToSettings);
  connect(m_record, &QCheckBox::toggled, this, &RunDock::pushToSettings);
  connect(m_live, &QCheckBox::toggled, this, [this](bool on) {
    pushToSettings();
    if (on) m_session->schedulePreview();
  });
  connect(dice, &QToolButton::clicked, this, [this] {
    std::random_device rd;
    m_seed->setValue(static_cast<int>(rd() & 0x7fffffff));
  });
  connect(session, &StudioSession::settingsChanged, this, &RunDock::syncFromSettings);
  connect(session, &StudioSession::runStarted, this, [this](const QString& what) {
    m_progress->setRange(0, 0);  // busy until the first step
    m_progress->setFormat(what);
    m_phase = what;
    m_status->clear();
  });
  // A new map starts afresh: the last run's outcome was about the previous one.
  connect(session, &StudioSession::newMapStarted, this, [this] {
    if (m_session->isBusy()) return;
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Idle"));
    m_phase.clear();
    m_status->clear();
  });
  connect(session, &StudioSession::runProgress, this, [this](int step, int total) {
    m_progress->setRange(0, std::max(1, total));
    m_progress->setValue(step);
    m_progress->setFormat(tr("%1 · step %2 / %3").arg(m_phase).arg(step).arg(total));
  });
  connect(session, &StudioSession::runFinished, this, [this](const QString& summary) {
    const bool failed = summary.startsWith(tr("Failed")), cancelled = summary.startsWith(tr("Cancel"));
    m_progress->setRange(0, 1);
    m_progress->setValue(failed || cancelled ? 0 : 1);
    m_progress->setFormat(failed ? tr("Failed") : cancelled ? tr("Cancelled") : tr("Done"));
    m_status->setText(summary);
    syncFromSettings();  // a random seed was drawn
  });
  syncFromSettings();
}

void RunDock::syncFromSettings() {
  m_syncing = true;
  const RunSettings& s = m_session->settings();
  m_steps->setValue(s.steps);
  m_solver->setCurrentIndex(s.solver == Solver::Heun ? 1 : 0);
  m_seed->setValue(static_cast<int>(s.seed & 0x7fffffff));
  m_randomSeed->setChecked(s.randomSeed);
  m_variations->setValue(s.variations);
  m_live->setChecked(s.livePreview);
  m_previewSteps->setValue(s.previewSteps);
  m_record->setChecked(s.recordTrajectory);
  m_feather->setValue(s.editFeather);
  m_syncing = false;
}

void RunDock::pushToSettings() {
  if (m_syncing) return;
  RunSettings& s = m_session->settings();
  s.steps = m_steps->value();
  s.solver = m_solver->currentIndex() == 1 ? Solver::Heun : Solver::Euler;
  s.seed = static_cast<std::uint64_t>(m_seed->value());
  s.randomSeed = m_randomSeed->isChecked();
  s.variations = m_variations->value();
  s.livePreview = m_live->isChecked();
  s.previewSteps = m_previewSteps->value();
  s.recordTrajectory = m_record->isChecked();
  s.editFeather = static_cast<float>(m_feather->value());
  m_seed->setEnabled(!s.randomSeed);
}

}  // namespace symmflow::ui
