// SPDX-License-Identifier: MIT
#include "ui/studio_script.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringList>

#include "ui/label_document.h"
#include "ui/tool_controller.h"

namespace symmflow::ui {
namespace {

constexpr qint64 kMaxScriptBytes = 16 << 20;

using Op = ScriptCommand::Op;

Result<ToolId> parseTool(const QString& name) {
  static const std::pair<const char*, ToolId> kTools[] = {{"brush", ToolId::Brush}, {"eraser", ToolId::Eraser},
                                                          {"fill", ToolId::Fill},   {"polygon", ToolId::Polygon},
                                                          {"line", ToolId::Line},   {"eyedropper", ToolId::Eyedropper}};
  for (const auto& [text, id] : kTools)
    if (name == QLatin1String(text)) return id;
  return Error{"unknown tool '" + name.toStdString() + "'"};
}

Result<int> parseInt(const QString& word, int lo, int hi) {
  bool ok = false;
  const int v = word.toInt(&ok);
  if (!ok || v < lo || v > hi)
    return Error{"'" + word.toStdString() + "' is not an integer in " + std::to_string(lo) + ".." + std::to_string(hi)};
  return v;
}

Result<QPointF> parsePoint(const QString& word) {
  const QStringList xy = word.split(QLatin1Char(','));
  bool okX = false, okY = false;
  const double x = xy.value(0).toDouble(&okX), y = xy.value(1).toDouble(&okY);
  if (xy.size() != 2 || !okX || !okY) return Error{"'" + word.toStdString() + "' is not X,Y"};
  return QPointF(x, y);
}

// One non-empty, comment-free line split into words.
Result<ScriptCommand> parseLine(const QStringList& words) {
  const QString& verb = words.front();
  ScriptCommand c;
  const auto needArgs = [&](int n) -> Status {
    if (words.size() - 1 != n) return Error{"'" + verb.toStdString() + "' takes " + std::to_string(n) + " argument(s)"};
    return {};
  };
  if (verb == QLatin1String("tool")) {
    if (auto s = needArgs(1); !s) return Error{s.error()};
    auto t = parseTool(words[1]);
    if (!t) return Error{t.error()};
    c.op = Op::Tool;
    c.tool = t.value();
  } else if (verb == QLatin1String("class") || verb == QLatin1String("size")) {
    if (auto s = needArgs(1); !s) return Error{s.error()};
    const bool isClass = verb == QLatin1String("class");
    auto v = isClass ? parseInt(words[1], 0, 254) : parseInt(words[1], 1, 4096);
    if (!v) return Error{v.error()};
    c.op = isClass ? Op::Class : Op::Size;
    c.value = v.value();
  } else if (verb == QLatin1String("stroke")) {
    if (words.size() < 2) return Error{"'stroke' needs at least one X,Y point"};
    c.op = Op::Stroke;
    for (int i = 1; i < words.size(); ++i) {
      auto p = parsePoint(words[i]);
      if (!p) return Error{p.error()};
      c.points.push_back(p.value());
    }
  } else if (verb == QLatin1String("save")) {
    if (auto s = needArgs(1); !s) return Error{s.error()};
    c.op = Op::Save;
    c.path = words[1];
  } else if (verb == QLatin1String("quit")) {
    if (auto s = needArgs(0); !s) return Error{s.error()};
    c.op = Op::Quit;
  } else {
    return Error{"unknown command '" + verb.toStdString() + "'"};
  }
  return c;
}

}  // namespace

Result<std::vector<ScriptCommand>> parseStudioScript(const QString& text) {
  std::vector<ScriptCommand> out;
  static const QRegularExpression kSpace(QStringLiteral("\\s+"));
  const QStringList lines = text.split(QLatin1Char('\n'));
  for (int i = 0; i < lines.size(); ++i) {
    const QString body = lines[i].section(QLatin1Char('#'), 0, 0).trimmed();
    if (body.isEmpty()) continue;
    auto c = parseLine(body.split(kSpace, Qt::SkipEmptyParts));
    if (!c) return Error{"line " + std::to_string(i + 1) + ": " + c.error()};
    c->line = i + 1;
    out.push_back(std::move(c).value());
  }
  return out;
}

Result<std::vector<ScriptCommand>> loadStudioScript(const QString& path) {
  QFile f(path);
  if (f.exists() && !QFileInfo(path).isFile())  // a folder, or a device or FIFO that would never end
    return Error{"cannot read the script " + path.toStdString() + ": it is not a regular file"};
  if (f.size() > kMaxScriptBytes)
    return Error{"cannot read the script " + path.toStdString() + ": it is over 16 MB, too large to be a script"};
  if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
    return Error{"cannot read the script " + path.toStdString() + ": " + f.errorString().toStdString()};
  auto r = parseStudioScript(QString::fromUtf8(f.readAll()));
  if (!r) return Error{path.toStdString() + ": " + r.error()};
  return r;
}

bool applyPaintCommand(const ScriptCommand& c, ToolController& tools) {
  switch (c.op) {
    case Op::Tool: tools.setTool(c.tool); return true;
    case Op::Class: tools.document()->setCurrentClass(c.value); return true;
    case Op::Size: tools.setSize(c.value); return true;
    case Op::Stroke: {
      // Exactly the canvas's sequence for a drag: press, moves while pressed, release.
      tools.press({c.points.front()});
      for (int i = 1; i < c.points.size(); ++i) tools.move({c.points[i]});
      tools.release({c.points.back()});
      return true;
    }
    case Op::Save:
    case Op::Quit: return false;
  }
  return false;
}

}  // namespace symmflow::ui
