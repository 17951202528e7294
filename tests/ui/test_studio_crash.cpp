// SPDX-License-Identifier: MIT
// Crash safety of the real studio: the symmflow-studio binary paints through a script
// (the mouse-tool code path), autosaves, is killed with SIGKILL, and a second studio
// recovers the autosave without asking and saves it. The recovered map must be
// pixel-identical to the same script applied to a LabelDocument here.
//
// Needs the shipped model (models/camvid.safetensors in the source tree: the studio
// only paints once a model gives the map its classes and size); no data set. Runs
// with a temporary HOME and XDG folders, so the user's settings and autosaves are
// never touched. Also: the studio's command line on a terminal without a display.
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <csignal>

#include <gtest/gtest.h>

#include "core/model_info.h"
#include "ui/autosave_manager.h"
#include "ui/label_document.h"
#include "ui/studio_script.h"
#include "ui/tool_controller.h"

using namespace symmflow;
using namespace symmflow::ui;

namespace {

const QString kStudio = QStringLiteral(SYMMFLOW_STUDIO_EXE);
const QString kModel = QStringLiteral(SYMMFLOW_SOURCE_DIR "/models/camvid.safetensors");
constexpr int kStartTimeoutMs = 180000;  // model load on a busy 2-core machine

// Every tool that edits the map, several classes and sizes, a stroke leaving the map.
const char* kPaintScript = R"(# painted by the crash test
tool brush
class 3
size 9
stroke 10,10 40,12 80,30 120,60
class 7
size 1
stroke 5,100 6,101 150,130
size 25
class 9
stroke 170,20 210,5
tool line
size 3
class 1
stroke 20,140 180,70
tool eraser
size 15
stroke 60,20 70,40
tool fill
class 5
stroke 100,100
)";

// A studio process with its own HOME, XDG folders and offscreen platform.
class StudioHarness {
 public:
  StudioHarness() {
    for (const char* d : {"home", "config", "data", "cache", "runtime"})
      QDir().mkpath(m_root.filePath(QString::fromLatin1(d)));
    QFile::setPermissions(m_root.filePath(QStringLiteral("runtime")),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    m_env = QProcessEnvironment::systemEnvironment();
    m_env.insert(QStringLiteral("HOME"), m_root.filePath(QStringLiteral("home")));
    m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_root.filePath(QStringLiteral("config")));
    m_env.insert(QStringLiteral("XDG_DATA_HOME"), m_root.filePath(QStringLiteral("data")));
    m_env.insert(QStringLiteral("XDG_CACHE_HOME"), m_root.filePath(QStringLiteral("cache")));
    m_env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_root.filePath(QStringLiteral("runtime")));
    m_env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    m_env.insert(QStringLiteral("OMP_WAIT_POLICY"), QStringLiteral("PASSIVE"));
    m_env.remove(QStringLiteral("SYMMFLOW_MODELS"));
  }

  QString path(const QString& name) const { return m_root.filePath(name); }

  void writeFile(const QString& name, const QByteArray& text) const {
    QFile f(path(name));
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(text);
  }

  void start(QProcess& p, const QStringList& args) const {
    p.setProcessEnvironment(m_env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(kStudio, QStringList{QStringLiteral("--model"), kModel} + args);
  }

  // Autosave files (*.symmflow) anywhere under the temporary XDG data folder.
  QStringList autosaves() const {
    QStringList out;
    QDirIterator it(path(QStringLiteral("data")), {QStringLiteral("*.symmflow")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) out << it.next();
    return out;
  }

 private:
  QTemporaryDir m_dirHolder;
  QDir m_root{m_dirHolder.path()};
  QProcessEnvironment m_env;
};

// The script applied to a blank map of the model (what the studio shows after it
// loads a model: a new map of class 0 at the label size, background class 0).
LabelMap expectedMap(const QString& script) {
  auto info = inspectModel(kModel.toStdString());
  if (!info) throw std::runtime_error(info.error());
  LabelDocument doc;
  doc.reset(LabelMap(info->labelWidth(), info->labelHeight(), 0), info->classes);
  doc.setBackgroundClass(0);
  ToolController tools(&doc);
  auto commands = parseStudioScript(script);
  if (!commands) throw std::runtime_error(commands.error());
  for (const ScriptCommand& c : commands.value()) applyPaintCommand(c, tools);
  return doc.labels();
}

// Polls the autosave folder until an autosave holds `expected`; fails when the
// studio exits first or nothing matches within the time-out.
QString waitForAutosave(const StudioHarness& h, QProcess& studio, const LabelMap& expected) {
  QElapsedTimer clock;
  clock.start();
  while (clock.elapsed() < kStartTimeoutMs) {
    if (studio.state() == QProcess::NotRunning) {
      ADD_FAILURE() << "the studio exited before autosaving: " << studio.readAll().toStdString();
      return {};
    }
    for (const QString& f : h.autosaves()) {
      auto p = loadProject(f);
      if (p && p->labels == expected) return f;
    }
    studio.waitForReadyRead(100);  // also keeps its output pipe drained
  }
  ADD_FAILURE() << "no autosave with the painted map after " << kStartTimeoutMs
                << " ms; studio output: " << studio.readAll().toStdString();
  return {};
}

std::int64_t differingPixels(const LabelMap& a, const LabelMap& b) {
  if (a.ids.size() != b.ids.size()) return -1;
  std::int64_t n = 0;
  for (std::size_t i = 0; i < a.ids.size(); ++i) n += a.ids[i] != b.ids[i];
  return n;
}

}  // namespace

TEST(StudioCrash, KilledStudioIsRecoveredPixelIdentical) {
  if (!QFile::exists(kModel)) GTEST_SKIP() << "no shipped model at " << kModel.toStdString();
  StudioHarness h;
  h.writeFile(QStringLiteral("paint.txt"), kPaintScript);
  const LabelMap expected = expectedMap(QString::fromLatin1(kPaintScript));
  const LabelMap blank(expected.width, expected.height, 0);
  ASSERT_GT(differingPixels(expected, blank), 1000) << "the script must really paint";

  // 1. Paint, wait for the autosave, SIGKILL.
  QProcess first;
  h.start(first, {QStringLiteral("--no-recover"), QStringLiteral("--autosave-delay"), QStringLiteral("200"),
                  QStringLiteral("--script"), h.path("paint.txt")});
  ASSERT_TRUE(first.waitForStarted(10000)) << first.errorString().toStdString();
  const QString autosave = waitForAutosave(h, first, expected);
  ASSERT_FALSE(autosave.isEmpty());
  ASSERT_EQ(::kill(static_cast<pid_t>(first.processId()), SIGKILL), 0);
  ASSERT_TRUE(first.waitForFinished(10000));
  EXPECT_EQ(first.exitStatus(), QProcess::CrashExit);
  ASSERT_TRUE(QFile::exists(autosave)) << "a killed studio keeps its autosave";

  // 2. A new studio recovers it without asking, saves it and quits cleanly.
  const QString saved = h.path(QStringLiteral("recovered.symmflow"));
  h.writeFile(QStringLiteral("save.txt"), ("save " + saved + "\nquit\n").toUtf8());
  QProcess second;
  h.start(second, {QStringLiteral("--recover-latest"), QStringLiteral("--script"), h.path(QStringLiteral("save.txt"))});
  ASSERT_TRUE(second.waitForFinished(kStartTimeoutMs)) << second.readAll().toStdString();
  const std::string output = second.readAll().toStdString();
  ASSERT_EQ(second.exitStatus(), QProcess::NormalExit) << output;
  ASSERT_EQ(second.exitCode(), 0) << output;

  auto recovered = loadProject(saved);
  ASSERT_TRUE(recovered.ok()) << recovered.error() << "\n" << output;
  EXPECT_EQ(recovered->labels.width, expected.width);
  EXPECT_EQ(recovered->labels.height, expected.height);
  EXPECT_EQ(differingPixels(recovered->labels, expected), 0);
  EXPECT_EQ(recovered->classes.size(), inspectModel(kModel.toStdString())->classes.size());
  // The dead session's autosave was taken over, and the clean exit removed the new one.
  EXPECT_TRUE(h.autosaves().isEmpty()) << h.autosaves().join(QLatin1Char(' ')).toStdString();
}

TEST(StudioCrash, BadScriptIsRefusedWithItsLine) {
  StudioHarness h;
  h.writeFile(QStringLiteral("bad.txt"), "tool brush\nstroke 1,2 3\n");
  QProcess studio;
  h.start(studio, {QStringLiteral("--no-recover"), QStringLiteral("--script"), h.path(QStringLiteral("bad.txt"))});
  ASSERT_TRUE(studio.waitForFinished(60000));
  const QString output = QString::fromUtf8(studio.readAll());
  EXPECT_EQ(studio.exitCode(), 2) << output.toStdString();
  EXPECT_TRUE(output.contains(QStringLiteral("line 2"))) << output.toStdString();
  EXPECT_TRUE(h.autosaves().isEmpty());
}

// The command line is read before any window exists: --help, --version and a wrong
// option answer on a terminal without a display, and starting the studio there says
// what is missing and what to do instead of Qt's platform-plugin message.
TEST(StudioCommandLine, AnswersWithoutADisplay) {
  QTemporaryDir home;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  for (const char* v : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"}) env.remove(QString::fromLatin1(v));
  env.insert(QStringLiteral("HOME"), home.path());
  env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path());
  auto run = [&](const QStringList& args, int* code) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(kStudio, args);
    EXPECT_TRUE(p.waitForFinished(60000));
    *code = p.exitCode();
    return QString::fromUtf8(p.readAll()).toStdString();
  };
  int code = -1;
  std::string out = run({QStringLiteral("--help")}, &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("--model"), std::string::npos) << out;
  EXPECT_NE(out.find("--script"), std::string::npos) << out;

  out = run({QStringLiteral("--version")}, &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("symmflow-studio"), std::string::npos) << out;

  out = run({QStringLiteral("--no-such-option")}, &code);
  EXPECT_NE(code, 0) << out;
  EXPECT_NE(out.find("no-such-option"), std::string::npos) << out;

  out = run({QStringLiteral("a.png"), QStringLiteral("b.png")}, &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("one file at a time"), std::string::npos) << out;

  out = run({}, &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("no display"), std::string::npos) << out;
  EXPECT_NE(out.find("QT_QPA_PLATFORM=offscreen"), std::string::npos) << out;
  EXPECT_EQ(out.find("Reinstalling"), std::string::npos) << out;
}
