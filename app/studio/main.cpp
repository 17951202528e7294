// SPDX-License-Identifier: MIT
// symmflow-studio: the SymmFlow editor.
//   symmflow-studio [--model NAME|PATH] [--script FILE] [FILE]
// FILE is a project (.symmflow), a label map (index or colour mask) or a photo.
// --script, --autosave-delay and --recover-latest let a studio without a user (offscreen
// crash tests, demos) paint, autosave, recover and save: see ui/studio_script.h.
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <cstdio>

#include "core/runtime_env.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
  symmflow::ensurePassiveOpenMpWait(argv);  // before any thread pool starts
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("SymmFlow"));
  QApplication::setApplicationName(QStringLiteral("symmflow-studio"));
  QApplication::setApplicationDisplayName(QStringLiteral("SymmFlow Studio"));
  QApplication::setApplicationVersion(QStringLiteral(SYMMFLOW_VERSION));
  QApplication::setDesktopFileName(QStringLiteral("io.github.symmflow.Studio"));
  QIcon icon;
  for (int s : {16, 32, 48, 64, 128, 256})
    icon.addFile(QStringLiteral(":/icons/symmflow-studio-%1.png").arg(s), QSize(s, s));
  QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("symmflow-studio"), icon));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral(
      "Paint label maps and get photos; segment, edit and regenerate photos with one model."));
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption model(
      QStringList{QStringLiteral("m"), QStringLiteral("model")},
      QStringLiteral("Model to load: a name from the model folders (e.g. camvid) or a path."),
      QStringLiteral("model"));
  QCommandLineOption noRecover(QStringLiteral("no-recover"),
                               QStringLiteral("Do not offer crash recovery at start."));
  QCommandLineOption generate(QStringLiteral("generate"),
                              QStringLiteral("Generate once the file is open."));
  QCommandLineOption recoverLatest(
      QStringLiteral("recover-latest"),
      QStringLiteral("Recover the newest autosave of a crashed studio without asking."));
  QCommandLineOption autosaveDelay(
      QStringLiteral("autosave-delay"),
      QStringLiteral("Milliseconds between a change and its autosave (default 20000)."),
      QStringLiteral("ms"));
  QCommandLineOption script(
      QStringLiteral("script"),
      QStringLiteral("Replay the editing steps of FILE (tool, class, size, stroke, save, quit) "
                     "once the model is ready; see ui/studio_script.h for the format."),
      QStringLiteral("file"));
  parser.addOption(model);
  parser.addOption(noRecover);
  parser.addOption(recoverLatest);
  parser.addOption(autosaveDelay);
  parser.addOption(script);
  parser.addOption(generate);
  parser.addPositionalArgument(
      QStringLiteral("file"),
      QStringLiteral("A project (.symmflow), a label map or a photo to open."),
      QStringLiteral("[file]"));
  parser.process(app);

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
      return 2;
    }
  }
  if (parser.isSet(script)) {
    auto commands = symmflow::ui::loadStudioScript(parser.value(script));
    if (!commands) {
      std::fprintf(stderr, "symmflow-studio: %s\n", commands.error().c_str());
      return 2;
    }
    options.script = std::move(commands).value();
  }

  symmflow::ui::MainWindow window;
  window.show();
  window.start(options);
  return app.exec();
}
