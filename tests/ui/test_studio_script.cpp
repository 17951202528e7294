// SPDX-License-Identifier: MIT
// Studio scripts (--script): parsing, errors with line numbers, and replay through
// the tool controller as one undo step per stroke.
#include <QFileInfo>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "fake_backend.h"
#include "ui/label_document.h"
#include "ui/studio_script.h"
#include "ui/tool_controller.h"

using namespace symmflow;
using namespace symmflow::ui;

TEST(StudioScript, ParsesEveryCommandAndSkipsCommentsAndBlankLines) {
  auto r =
      parseStudioScript(QStringLiteral("# a comment\n\ntool eraser\nclass 2   # trailing comment\nsize 7\n"
                                       "stroke 1,2 3.5,4\nsave /tmp/x.symmflow\nquit\n"));
  ASSERT_TRUE(r.ok()) << r.error();
  const auto& c = r.value();
  ASSERT_EQ(c.size(), 6u);
  EXPECT_EQ(c[0].op, ScriptCommand::Op::Tool);
  EXPECT_EQ(c[0].tool, ToolId::Eraser);
  EXPECT_EQ(c[0].line, 3);
  EXPECT_EQ(c[1].op, ScriptCommand::Op::Class);
  EXPECT_EQ(c[1].value, 2);
  EXPECT_EQ(c[2].op, ScriptCommand::Op::Size);
  EXPECT_EQ(c[2].value, 7);
  EXPECT_EQ(c[3].op, ScriptCommand::Op::Stroke);
  ASSERT_EQ(c[3].points.size(), 2);
  EXPECT_EQ(c[3].points[1], QPointF(3.5, 4));
  EXPECT_EQ(c[4].op, ScriptCommand::Op::Save);
  EXPECT_EQ(c[4].path, QStringLiteral("/tmp/x.symmflow"));
  EXPECT_EQ(c[5].op, ScriptCommand::Op::Quit);
}

TEST(StudioScript, ErrorsNameTheLineAndTheProblem) {
  const std::pair<const char*, const char*> bad[] = {
      {"tool brush\nstroke 1,2 3\n", "line 2: '3' is not X,Y"},
      {"tool airbrush\n", "line 1: unknown tool 'airbrush'"},
      {"class 255\n", "line 1: '255' is not an integer in 0..254"},
      {"size\n", "line 1: 'size' takes 1 argument(s)"},
      {"\n\nstroke\n", "line 3: 'stroke' needs at least one X,Y point"},
      {"paint 1,1\n", "line 1: unknown command 'paint'"},
      {"quit now\n", "line 1: 'quit' takes 0 argument(s)"},
  };
  for (const auto& [text, message] : bad) {
    auto r = parseStudioScript(QString::fromLatin1(text));
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error(), message);
  }
  auto missing = loadStudioScript(QStringLiteral("/nonexistent/script.txt"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("/nonexistent/script.txt"), std::string::npos);
  // A FIFO would block until a writer came, /dev/zero would never end.
  QTemporaryDir dir;
  const QString fifo = dir.filePath("script.txt");
  ASSERT_EQ(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
  for (const QString& path : {fifo, QStringLiteral("/dev/zero"), dir.path()}) {
    if (!QFileInfo::exists(path)) continue;
    auto r = loadStudioScript(path);
    ASSERT_FALSE(r.ok()) << path.toStdString();
    EXPECT_NE(r.error().find("it is not a regular file"), std::string::npos) << r.error();
  }
}

TEST(StudioScript, StrokesReplayAsGesturesLikeTheMouse) {
  LabelDocument doc;
  doc.reset(LabelMap(40, 20, 0), test::threeClasses());
  ToolController tools(&doc);
  auto r =
      parseStudioScript(QStringLiteral("tool brush\nclass 2\nsize 3\nstroke 5,5 15,5\ntool line\nsize 1\nclass 1\n"
                                       "stroke 0,19 39,19\nsave /tmp/ignored.symmflow\nquit\n"));
  ASSERT_TRUE(r.ok()) << r.error();
  int handled = 0;
  for (const ScriptCommand& c : r.value()) handled += applyPaintCommand(c, tools) ? 1 : 0;
  EXPECT_EQ(handled, 8);  // save and quit are left to the caller
  EXPECT_EQ(tools.currentToolId(), ToolId::Line);
  EXPECT_EQ(doc.currentClass(), 1);
  EXPECT_EQ(doc.labels().at(10, 5), 2);
  EXPECT_EQ(doc.labels().at(10, 10), 0);
  EXPECT_EQ(doc.labels().at(20, 19), 1);
  EXPECT_EQ(doc.undoStack()->count(), 2);  // one undo step per stroke
  doc.undoStack()->undo();
  doc.undoStack()->undo();
  EXPECT_EQ(doc.labels(), LabelMap(40, 20, 0));
}
