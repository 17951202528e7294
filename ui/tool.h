// SPDX-License-Identifier: MIT
#pragma once
// A painting tool: a small non-copyable object that turns pointer input in map
// coordinates into edits of the document (never of widgets). The ToolController
// owns the tools and routes input; tools do not know about the canvas.
//
// Gesture contract: begin() on press, motion() while pressed, end() on release.
// A tool that edits the map opens a document gesture in begin() (or when its shape
// completes) and closes it by end(), so every gesture is exactly one undo command.
#include <QPointF>
#include <QPolygonF>
#include <QString>
#include <Qt>

namespace symmflow::ui {

class LabelDocument;
struct ToolSettings;

enum class ToolId { Brush, Eraser, Fill, Polygon, Line, Eyedropper };

struct ToolInput {
  QPointF pos;  // map coordinates (pixel (i,j) covers [i,i+1)x[j,j+1))
  Qt::KeyboardModifiers modifiers = {};
  double tolerance = 1.0;  // a few screen pixels, in map pixels (for hit tests)
};

class Tool {
 public:
  Tool(LabelDocument& doc, ToolSettings& settings) : m_doc(doc), m_settings(settings) {}
  virtual ~Tool() = default;
  Tool(const Tool&) = delete;
  Tool& operator=(const Tool&) = delete;

  virtual ToolId id() const = 0;
  virtual QString name() const = 0;

  virtual void begin(const ToolInput& in) = 0;
  virtual void motion(const ToolInput& in) = 0;
  virtual void end(const ToolInput& in) = 0;
  // Pointer moves with no button pressed.
  virtual void hover(const ToolInput& in) {}
  virtual void doubleClick(const ToolInput& in) {}
  // Enter: completes a pending shape. Returns true when something was pending.
  virtual bool finish() { return false; }
  // Esc: drops a pending shape or gesture. Returns true when something was pending.
  virtual bool cancel() { return false; }

  // Brush-like tools: the diameter (map pixels) the cursor footprint shows; 0 = none.
  virtual int brushSize() const { return 0; }
  virtual void setBrushSize(int size) {}
  // A shape preview in map coordinates (polygon in progress, line rubber band).
  virtual QPolygonF preview() const { return {}; }

 protected:
  LabelDocument& m_doc;
  ToolSettings& m_settings;
};

}  // namespace symmflow::ui
