// SPDX-License-Identifier: MIT
// symmflow-stroke-bench: stroke-to-screen latency of the studio's canvas, idle and while a
// generation runs on the worker thread (issue 6: under 16 ms).
//
// It opens the real main window with a model, picks the brush and paints strokes of mouse
// moves sent to the canvas at ~125 Hz (a mouse's report rate). For each move it measures
// the time from delivering the event to the end of the canvas's next paint (the stroke's
// pixels on the window's backing store). Phases: "idle" (nothing running) and
// "during_generation" (moves made while Generate runs; moves after it finished are not
// counted). Prints one JSON object: median, 90th/99th percentile and max per phase.
//
//   symmflow-stroke-bench [--model camvid] [--steps 25] [--moves 300] [--seconds 120]
// Run offscreen (QT_QPA_PLATFORM=offscreen) or under Xvfb / a desktop.
#include <QApplication>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/runtime_env.h"
#include "ui/canvas_widget.h"
#include "ui/main_actions.h"
#include "ui/main_window.h"
#include "ui/studio_session.h"

using namespace symmflow::ui;

namespace {
// Counts the canvas's paint events (the filter sees a paint before the widget runs it, so
// a paint has finished once control is back in the caller of processEvents()).
class PaintCounter : public QObject {
 public:
  long paints = 0;
  bool eventFilter(QObject* obj, QEvent* ev) override {
    if (ev->type() == QEvent::Paint) ++paints;
    return QObject::eventFilter(obj, ev);
  }
};

void pump(int ms) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
}

nlohmann::json stats(std::vector<double> v) {
  if (v.empty()) return nullptr;
  std::sort(v.begin(), v.end());
  auto q = [&](double p) { return v[static_cast<size_t>(p * (v.size() - 1) + 0.5)]; };
  const auto over = std::count_if(v.begin(), v.end(), [](double x) { return x > 16.0; });
  return {{"median_ms", q(0.5)}, {"p90_ms", q(0.9)},  {"p99_ms", q(0.99)},
          {"max_ms", v.back()},  {"moves", v.size()}, {"over_16ms", over}};
}

std::string argValue(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) return argv[i + 1];
  return fallback;
}
}  // namespace

int main(int argc, char** argv) {
  symmflow::prepareRuntimeEnvironment(argv);
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("SymmFlow"));
  QApplication::setApplicationName(QStringLiteral("symmflow-stroke-bench"));
  const QString model = QString::fromStdString(argValue(argc, argv, "--model", "camvid"));
  const int steps = std::stoi(argValue(argc, argv, "--steps", "25"));
  const int movesPerPhase = std::stoi(argValue(argc, argv, "--moves", "300"));
  const int seconds = std::stoi(argValue(argc, argv, "--seconds", "120"));

  MainWindow w;
  w.resize(1280, 800);
  w.show();
  StartOptions opts;
  opts.model = model;
  opts.recovery = RecoveryMode::Never;
  w.start(opts);
  QElapsedTimer clock;
  clock.start();
  while (!w.session()->hasModel() && clock.elapsed() < seconds * 1000) pump(20);
  if (!w.session()->hasModel()) {
    std::fprintf(stderr, "symmflow-stroke-bench: the model '%s' did not load\n", qPrintable(model));
    return 1;
  }
  w.actions()->brush->trigger();
  CanvasWidget* canvas = w.canvas();
  PaintCounter counter;
  canvas->installEventFilter(&counter);
  pump(300);

  // One stroke = press, moves along a circle, release; each move timed to its paint.
  const QPointF c = QRectF(canvas->rect()).center();
  const double r = std::min(canvas->width(), canvas->height()) * 0.2;
  double angle = 0;
  auto strokeMoves = [&](int n, const std::function<bool()>& keep, std::vector<double>& out) {
    auto pos = [&] { return c + QPointF(r * std::cos(angle), r * std::sin(angle)); };
    QMouseEvent press(QEvent::MouseButtonPress, pos(), canvas->mapToGlobal(pos()), Qt::LeftButton, Qt::LeftButton,
                      Qt::NoModifier);
    QCoreApplication::sendEvent(canvas, &press);
    for (int i = 0; i < n; ++i) {
      angle += 0.05;
      const QPointF p = pos();
      const bool counted = keep();
      QMouseEvent move(QEvent::MouseMove, p, canvas->mapToGlobal(p), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
      const long before = counter.paints;
      QElapsedTimer t;
      t.start();
      QCoreApplication::sendEvent(canvas, &move);
      while (counter.paints == before && t.elapsed() < 2000) QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
      const double ms = static_cast<double>(t.nsecsElapsed()) / 1e6;
      if (counted && keep()) out.push_back(ms);
      pump(std::max(0, 8 - static_cast<int>(ms)));
    }
    QMouseEvent release(QEvent::MouseButtonRelease, pos(), canvas->mapToGlobal(pos()), Qt::LeftButton, Qt::NoButton,
                        Qt::NoModifier);
    QCoreApplication::sendEvent(canvas, &release);
  };

  std::vector<double> idle, busy;
  for (int s = 0; s < movesPerPhase / 50; ++s) {
    strokeMoves(
        50, [] { return true; }, idle);
    pump(50);
  }
  w.session()->settings().steps = steps;
  int generations = 0;
  while (static_cast<int>(busy.size()) < movesPerPhase && clock.elapsed() < seconds * 1000) {
    w.actions()->generate->trigger();
    ++generations;
    pump(30);
    while (w.session()->isBusy() && static_cast<int>(busy.size()) < movesPerPhase && clock.elapsed() < seconds * 1000)
      strokeMoves(
          40, [&] { return w.session()->isBusy(); }, busy);
    w.session()->cancel();
    while (w.session()->isBusy()) pump(20);
  }
  nlohmann::json j = {{"model", model.toStdString()},
                      {"device", w.session()->deviceName().toStdString()},
                      {"platform", QGuiApplication::platformName().toStdString()},
                      {"generation_steps", steps},
                      {"generations_started", generations},
                      {"idle", stats(idle)},
                      {"during_generation", stats(busy)}};
  std::printf("%s\n", j.dump().c_str());
  return 0;
}
