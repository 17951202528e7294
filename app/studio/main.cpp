// SPDX-License-Identifier: MIT
// symmflow-studio: the SymmFlow editor.
//   symmflow-studio [--model NAME|PATH] [--script FILE] [FILE]
// FILE is a project (.symmflow), a label map (index or colour mask) or a photo.
// --script, --autosave-delay and --recover-latest let a studio without a user (offscreen
// crash tests, demos) paint, autosave, recover and save: see ui/studio_script.h.
//
// The command line is read before the window system is touched, so --help, --version
// and a mistyped option answer on a terminal without a display, and a missing display
// is reported in words instead of Qt's "could not load the platform plugin".
#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QIcon>
#include <cstdio>
#include <optional>

#include "core/runtime_env.h"
#include "ui/main_window.h"

namespace {

void setApplicationNames() {
  QCoreApplication::setOrganizationName(QStringLiteral("SymmFlow"));
  QCoreApplication::setApplicationName(QStringLiteral("symmflow-studio"));
  QCoreApplication::setApplicationVersion(QStringLiteral(SYMMFLOW_VERSION));
}

// Reads the options; prints help, version or an error and exits as Qt does for those.
// Returns nullopt (after printing why) when a value is unusable.
std::optional<symmflow::ui::StartOptions> parseArguments(const QCoreApplication& app) {
  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("Paint label maps and get photos; segment, edit and regenerate photos with one model."));
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption model(QStringList{QStringLiteral("m"), QStringLiteral("model")},
                           QStringLiteral("Model to load: a name from the model folders (e.g. camvid) or a path."),
                           QStringLiteral("model"));
  QCommandLineOption noRecover(QStringLiteral("no-recover"), QStringLiteral("Do not offer crash recovery at start."));
  QCommandLineOption generate(QStringLiteral("generate"), QStringLiteral("Generate once the file is open."));
  QCommandLineOption recoverLatest(QStringLiteral("recover-latest"),
                                   QStringLiteral("Recover the newest autosave of a crashed studio without asking."));
  QCommandLineOption autosaveDelay(QStringLiteral("autosave-delay"),
                                   QStringLiteral("Milliseconds between a change and its autosave (default 20000)."),
                                   QStringLiteral("ms"));
  QCommandLineOption script(QStringLiteral("script"),
                            QStringLiteral("Replay the editing steps of FILE (tool, class, size, stroke, save, quit) "
                                           "once the model is ready; see ui/studio_script.h for the format."),
                            QStringLiteral("file"));
  parser.addOption(model);
  parser.addOption(noRecover);
  parser.addOption(recoverLatest);
  parser.addOption(autosaveDelay);
  parser.addOption(script);
  parser.addOption(generate);
  parser.addPositionalArgument(QStringLiteral("file"),
                               QStringLiteral("A project (.symmflow), a label map or a photo to open."),
                               QStringLiteral("[file]"));
  parser.process(app);
  if (parser.positionalArguments().size() > 1) {
    std::fprintf(stderr, "symmflow-studio: one file at a time, got %d; see --help\n",
                 int(parser.positionalArguments().size()));
    return std::nullopt;
  }

  symmflow::ui::StartOptions options;
  options.model = parser.value(model);
  options.file = parser.positionalArguments().value(0);
  options.recovery = parser.isSet(noRecover)       ? symmflow::ui::RecoveryMode::Never
                     : parser.isSet(recoverLatest) ? symmflow::ui::RecoveryMode::Latest
                                                   : symmflow::ui::RecoveryMode::Ask;
  options.generate = parser.isSet(generate);
  if (parser.isSet(autosaveDelay)) {
    bool ok = false;
    options.autosaveDelayMs = parser.value(autosaveDelay).toInt(&ok);
    if (!ok || options.autosaveDelayMs < 1) {
      std::fprintf(stderr, "symmflow-studio: --autosave-delay needs a positive number of ms\n");
      return std::nullopt;
    }
  }
  if (parser.isSet(script)) {
    auto commands = symmflow::ui::loadStudioScript(parser.value(script));
    if (!commands) {
      std::fprintf(stderr, "symmflow-studio: %s\n", commands.error().c_str());
      return std::nullopt;
    }
    options.script = std::move(commands).value();
  }
  return options;
}

// On X11/Wayland systems a window needs DISPLAY or WAYLAND_DISPLAY, unless the user
// chose a platform (QT_QPA_PLATFORM=offscreen, eglfs, ...), which Qt then reports on.
bool displayReachable() {
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
  return !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") || !qEnvironmentVariableIsEmpty("DISPLAY") ||
         !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
#else
  return true;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  symmflow::prepareRuntimeEnvironment(argv);  // before any thread pool starts
  std::optional<symmflow::ui::StartOptions> options;
  {
    QCoreApplication terminal(argc, argv);  // no window system yet
    setApplicationNames();
    options = parseArguments(terminal);
  }
  if (!options) return 2;
  if (!displayReachable()) {
    std::fprintf(stderr,
                 "symmflow-studio: no display to open a window on (DISPLAY and WAYLAND_DISPLAY "
                 "are not set). Start it from a desktop session or over 'ssh -X'; for scripted "
                 "runs without a screen set QT_QPA_PLATFORM=offscreen. The command-line tool "
                 "'symmflow' (generate, segment, classify, edit) needs no display.\n");
    return 2;
  }

  QApplication app(argc, argv);
  setApplicationNames();
  QApplication::setApplicationDisplayName(QStringLiteral("SymmFlow Studio"));
  QApplication::setDesktopFileName(QStringLiteral("io.github.symmflow.Studio"));
  QIcon icon;
  for (int s : {16, 32, 48, 64, 128, 256})
    icon.addFile(QStringLiteral(":/icons/symmflow-studio-%1.png").arg(s), QSize(s, s));
  QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("symmflow-studio"), icon));

  symmflow::ui::MainWindow window;
  window.show();
  window.start(*options);
  return app.exec();
}
