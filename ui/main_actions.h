// SPDX-License-Identifier: MIT
#pragma once
// Every QAction of the main window, with text, icon, shortcut and tooltip, and the
// menus and toolbars built from them. What the actions do is wired by MainWindow;
// this class only creates and arranges them.
#include <QActionGroup>
#include <QObject>
#include <array>

class QAction;
class QMainWindow;
class QMenu;
class QToolBar;

namespace symmflow::ui {

class MainActions : public QObject {
  Q_OBJECT
 public:
  explicit MainActions(QMainWindow* window);

  // Builds the menu bar and the toolbars; returns the "Model" menu (filled later).
  void build(QMainWindow* window);
  QMenu* modelMenu() const { return m_modelMenu; }
  QMenu* recentMenu() const { return m_recentMenu; }
  QMenu* samplesMenu() const { return m_samplesMenu; }
  QMenu* viewMenu() const { return m_viewMenu; }
  QToolBar* toolsBar() const { return m_toolsBar; }
  QToolBar* optionsBar() const { return m_optionsBar; }

  // File
  QAction* newMap;
  QAction* openProject;
  QAction* saveProject;
  QAction* saveProjectAs;
  QAction* importMask;
  QAction* openPhoto;
  QAction* segmentAgain;
  QAction* classifyImage;
  QAction* exportResult;
  QAction* exportBatch;
  QAction* exportMap;
  QAction* quit;
  // Edit
  QAction* undo;
  QAction* redo;
  QAction* pastePhoto;
  QAction* removeSpecks;
  // Tools
  QAction* brush;
  QAction* eraser;
  QAction* fill;
  QAction* polygon;
  QAction* line;
  QAction* eyedropper;
  QActionGroup* toolGroup;
  QAction* smaller;
  QAction* larger;
  QAction* finishShape;
  QAction* snapToPhoto;                // checkable: ToolSettings::snapToPhoto
  std::array<QAction*, 10> classKeys;  // 1..9, 0
  // Run
  QAction* generate;
  QAction* cancel;
  QAction* applyEdit;
  QAction* reroll;
  // View
  QAction* zoomIn;
  QAction* zoomOut;
  QAction* fit;
  QAction* actualSize;
  QAction* showPhoto;
  QAction* showUncertainty;
  QAction* showDiff;
  QAction* compareSplit;
  QAction* compareToggle;
  // Model
  QAction* openModel;
  QAction* modelCard;
  QAction* deviceCpu;
  // Help
  QAction* shortcuts;
  QAction* about;

 private:
  QMenu* m_modelMenu = nullptr;
  QMenu* m_recentMenu = nullptr;
  QMenu* m_samplesMenu = nullptr;  // File ▸ Open sample map: filled when shown
  QMenu* m_viewMenu = nullptr;
  QToolBar* m_toolsBar = nullptr;
  QToolBar* m_optionsBar = nullptr;
};

}  // namespace symmflow::ui
