// SPDX-License-Identifier: MIT
// GoogleTest main for the ui suites: the studio's runtime environment, one QApplication,
// offscreen when there is no display.
#include <QApplication>
#include <QStandardPaths>
#include <cstdlib>

#include <gtest/gtest.h>

#include "core/runtime_env.h"

int main(int argc, char** argv) {
  symmflow::prepareRuntimeEnvironment(argv);  // as the studio does (core/runtime_env.h)
  if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) qputenv("QT_QPA_PLATFORM", "offscreen");
  // Keep settings, autosaves and recovery files of the tests away from the user's.
  QStandardPaths::setTestModeEnabled(true);
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("SymmFlowTests"));
  QApplication::setApplicationName(QStringLiteral("symmflow-ui-tests"));
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
