// SPDX-License-Identifier: MIT
#pragma once
// Studio scripts: a replayable list of editing steps for `symmflow-studio --script`.
//
// Why: a studio running offscreen (crash tests, demos, screenshots) cannot receive
// input from another process. A script drives the same code path as the mouse: a
// stroke is ToolController::press / move / release in map coordinates, exactly what
// CanvasWidget calls for a drag, so the document, its undo stack and the autosave see
// an ordinary gesture.
//
// Format: UTF-8 text, one command per line; '#' starts a comment; blank lines are
// ignored; coordinates are map pixels (x right, y down; fractions allowed).
//   tool brush|eraser|fill|polygon|line|eyedropper
//   class ID                     current class, 0..254
//   size N                       size of the current tool (clamped like the [ ] keys)
//   stroke X,Y [X,Y ...]         press at the first point, move through the rest,
//                                release at the last (one gesture = one undo step)
//   save PATH                    save the project to PATH (no dialog; atomic)
//   quit                         close the window (nothing is asked once saved)
// Parsing is pure (no QApplication needed); errors name the line.
#include <QPointF>
#include <QString>
#include <QVector>
#include <vector>

#include "core/result.h"
#include "ui/tool.h"

namespace symmflow::ui {

class ToolController;

struct ScriptCommand {
  enum class Op { Tool, Class, Size, Stroke, Save, Quit };
  Op op = Op::Quit;
  int line = 0;                 // 1-based line in the script
  ToolId tool = ToolId::Brush;  // Tool
  int value = 0;                // Class, Size
  QVector<QPointF> points;      // Stroke (at least one)
  QString path;                 // Save
};

// Parses a whole script. Errors: "line N: ..." for the first bad line.
Result<std::vector<ScriptCommand>> parseStudioScript(const QString& text);
// Reads and parses a script file. Errors name the file.
Result<std::vector<ScriptCommand>> loadStudioScript(const QString& path);

// Applies a Tool, Class, Size or Stroke command through `tools` (which edits its
// document). Returns false, and does nothing, for Save and Quit: the caller owns
// files and windows.
bool applyPaintCommand(const ScriptCommand& command, ToolController& tools);

}  // namespace symmflow::ui
