// SPDX-License-Identifier: MIT
// symmflow-studio: the SymmFlow editor.
//   symmflow-studio [--model NAME|PATH] [FILE]
// FILE is a project (.symmflow), a label map (index or colour mask) or a photo.
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

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
  parser.addOption(model);
  parser.addOption(noRecover);
  parser.addOption(generate);
  parser.addPositionalArgument(
      QStringLiteral("file"),
      QStringLiteral("A project (.symmflow), a label map or a photo to open."),
      QStringLiteral("[file]"));
  parser.process(app);

  symmflow::ui::MainWindow window;
  window.show();
  symmflow::ui::StartOptions options;
  options.model = parser.value(model);
  options.file = parser.positionalArguments().value(0);
  options.recover = !parser.isSet(noRecover);
  options.generate = parser.isSet(generate);
  window.start(options);
  return app.exec();
}
