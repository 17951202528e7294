// SPDX-License-Identifier: MIT
#include "ui/main_actions.h"

#include <QAction>
#include <QIcon>
#include <QKeySequence>
#include <QMainWindow>
#include <QMenuBar>
#include <QStyle>
#include <QToolBar>

namespace symmflow::ui {
namespace {

QIcon toolIcon(const QString& name) {
  QIcon icon;
  icon.addFile(QStringLiteral(":/tools/%1-24.png").arg(name), QSize(24, 24));
  icon.addFile(QStringLiteral(":/tools/%1-48.png").arg(name), QSize(48, 48));
  return icon;
}

QAction* make(QObject* parent, const QString& text, const QKeySequence& key = {}, const QString& tip = {},
              const QIcon& icon = {}) {
  auto* a = new QAction(icon, text, parent);
  if (!key.isEmpty()) a->setShortcut(key);
  QString t = tip.isEmpty() ? QString(text).remove(QLatin1Char('&')).remove(QStringLiteral("…")) : tip;
  if (!key.isEmpty()) t += QStringLiteral(" (%1)").arg(key.toString(QKeySequence::NativeText));
  a->setToolTip(t);
  a->setStatusTip(t);
  return a;
}

// Adds `extra` after the action's standard shortcut(s), without duplicates.
void addShortcut(QAction* a, const QKeySequence& extra) {
  QList<QKeySequence> keys = a->shortcuts();
  if (!keys.contains(extra)) keys << extra;
  a->setShortcuts(keys);
}

}  // namespace

MainActions::MainActions(QMainWindow* w) : QObject(w) {
  QStyle* st = w->style();
  newMap = make(this, tr("&New map…"), QKeySequence::New, tr("New label map"), st->standardIcon(QStyle::SP_FileIcon));
  openProject = make(this, tr("&Open project…"), QKeySequence::Open, {}, st->standardIcon(QStyle::SP_DialogOpenButton));
  saveProject = make(this, tr("&Save project"), QKeySequence::Save, {}, st->standardIcon(QStyle::SP_DialogSaveButton));
  saveProjectAs = make(this, tr("Save project &as…"), QKeySequence::SaveAs);
  importMask = make(this, tr("&Import label map…"), QKeySequence(tr("Ctrl+I")),
                    tr("Open an index or colour mask; its encoding and unknown colours are reported"));
  openPhoto = make(this, tr("Open &photo…"), QKeySequence(tr("Ctrl+Shift+O")),
                   tr("Open a photo: it is segmented into an editable label map"));
  classifyImage = make(this, tr("&Classify image…"), {}, tr("Top classes of an image (image-level models)"));
  exportResult = make(this, tr("&Export result…"), QKeySequence(tr("Ctrl+E")),
                      tr("Image, index mask, colour mask and JSON sidecar"));
  exportBatch = make(this, tr("Export &all variations…"), QKeySequence(tr("Ctrl+Shift+E")));
  exportMap = make(this, tr("Export label &map…"), {}, tr("Index and colour mask of the current map"));
  quit = make(this, tr("&Quit"), QKeySequence::Quit);
  quit->setMenuRole(QAction::QuitRole);

  undo = make(this, tr("&Undo"), QKeySequence::Undo, {}, st->standardIcon(QStyle::SP_ArrowBack));
  redo = make(this, tr("&Redo"), QKeySequence::Redo, {}, st->standardIcon(QStyle::SP_ArrowForward));
  pastePhoto = make(this, tr("&Paste photo"), QKeySequence::Paste,
                    tr("Open the image on the clipboard (a screenshot, a copied picture) as the photo and segment it"));
  removeSpecks = make(this, tr("Remove &specks…"), {},
                      tr("Merge the map's small islands (a segmentation leaves them at edges and in texture) into "
                         "the class around them"));
  // Their texts name the step to undo; Help ▸ Keyboard shortcuts lists the command itself.
  undo->setProperty("commandName", tr("Undo"));
  redo->setProperty("commandName", tr("Redo"));
  // QKeySequence::Redo is Ctrl+Shift+Z on Linux; Ctrl+Y is what many users type.
  addShortcut(redo, QKeySequence(tr("Ctrl+Y")));

  toolGroup = new QActionGroup(this);
  auto tool = [&](const QString& text, const QString& key, const QString& icon, const QString& tip) {
    QAction* a = make(this, text, QKeySequence(key), tip, toolIcon(icon));
    a->setCheckable(true);
    toolGroup->addAction(a);
    return a;
  };
  brush = tool(tr("&Brush"), QStringLiteral("B"), QStringLiteral("brush"), tr("Brush: paint the current class"));
  eraser = tool(tr("&Eraser"), QStringLiteral("E"), QStringLiteral("eraser"),
                tr("Eraser: paint the background class (right-click a class to choose it)"));
  fill = tool(tr("&Fill"), QStringLiteral("G"), QStringLiteral("fill"), tr("Flood fill a region"));
  polygon = tool(tr("&Polygon / lasso"), QStringLiteral("P"), QStringLiteral("polygon"),
                 tr("Click corners then Enter or double-click; or drag a lasso"));
  line = tool(tr("&Line"), QStringLiteral("L"), QStringLiteral("line"), tr("Straight line; Shift snaps to 45°"));
  eyedropper = tool(tr("Class &picker"), QStringLiteral("I"), QStringLiteral("eyedropper"),
                    tr("Pick the class under the pointer (Alt+click with any tool)"));
  brush->setChecked(true);
  smaller = make(this, tr("Smaller brush"), QKeySequence(QStringLiteral("[")));
  larger = make(this, tr("Larger brush"), QKeySequence(QStringLiteral("]")));
  finishShape = make(this, tr("Finish shape"), QKeySequence(Qt::Key_Return));
  snapToPhoto = make(this, tr("&Snap to photo edges"), QKeySequence(tr("S")),
                     tr("Brush and eraser paint only the pixels that look like the photo under the brush's centre "
                        "and touch it, so strokes stop at the photo's edges; Fill takes the photo's region under "
                        "the click (with a photo open)"));
  snapToPhoto->setCheckable(true);
  snapToPhoto->setIconText(tr("Snap"));
  for (int i = 0; i < 10; ++i) {
    const int key = i < 9 ? i + 1 : 0;
    classKeys[i] = make(this, tr("Class %1").arg(i + 1), QKeySequence(QString::number(key)));
    classKeys[i]->setData(i);
  }

  generate = make(this, tr("&Generate"), QKeySequence(tr("Ctrl+Return")), tr("Generate images from the map"),
                  toolIcon(QStringLiteral("generate")));
  cancel = make(this, tr("&Cancel"), QKeySequence(Qt::Key_Escape), tr("Cancel the running model work"),
                toolIcon(QStringLiteral("cancel")));
  applyEdit = make(this, tr("&Apply edit"), QKeySequence(tr("Ctrl+Shift+Return")),
                   tr("Regenerate the photo from the edited map; unedited regions stay the camera's pixels"),
                   toolIcon(QStringLiteral("apply_edit")));
  reroll = make(this, tr("&Re-roll changed"), QKeySequence(tr("Ctrl+R")),
                tr("Regenerate only the changed region with a new seed"), toolIcon(QStringLiteral("reroll")));
  segmentAgain = make(this, tr("&Segment photo again"), QKeySequence(),
                      tr("Segment the open photo again with the loaded model and the run settings; "
                         "the map and the results are replaced"));

  zoomIn = make(this, tr("Zoom &in"), QKeySequence::ZoomIn);
  // Ctrl++ needs Shift on most layouts; Ctrl+= is the same key without it.
  addShortcut(zoomIn, QKeySequence(tr("Ctrl+=")));
  zoomOut = make(this, tr("Zoom &out"), QKeySequence::ZoomOut);
  fit = make(this, tr("&Fit"), QKeySequence(tr("Ctrl+0")));
  actualSize = make(this, tr("&100 %"), QKeySequence(tr("Ctrl+1")));
  showPhoto = make(this, tr("Show &photo under the map"), QKeySequence(tr("Ctrl+Shift+P")));
  showPhoto->setCheckable(true);
  showPhoto->setChecked(true);
  showPhoto->setIconText(tr("Photo"));
  showUncertainty = make(this, tr("Show &uncertainty"), QKeySequence(tr("U")),
                         tr("Per-pixel entropy of the photo's one-step segmentation"));
  showUncertainty->setCheckable(true);
  showUncertainty->setIconText(tr("Uncertainty"));
  showDiff = make(this, tr("Show &changed pixels"), QKeySequence(tr("D")),
                  tr("Highlight the pixels whose class you changed since the photo was segmented"));
  showDiff->setCheckable(true);
  showDiff->setIconText(tr("Changes"));
  compareSplit = make(this, tr("Compare: &split"), QKeySequence(tr("Ctrl+K")),
                      tr("A/B slider between the original photo and the result"), toolIcon(QStringLiteral("compare")));
  compareSplit->setCheckable(true);
  compareToggle = make(this, tr("Compare: &toggle"), {}, tr("Hold the mouse on the result to see the original"));
  compareToggle->setCheckable(true);

  openModel = make(this, tr("&Open model file…"), {}, tr("Load another .safetensors model"));
  modelCard = make(this, tr("Model &card…"), {}, tr("What the model file says about itself"));
  deviceCpu = make(this, tr("Run on &CPU"), {}, tr("Move the model to the CPU"));
  shortcuts = make(this, tr("&Keyboard shortcuts"), QKeySequence(Qt::Key_F1), tr("Every shortcut and canvas gesture"));
  about = make(this, tr("&About SymmFlow Studio"), {});
  about->setMenuRole(QAction::AboutRole);
}

void MainActions::build(QMainWindow* w) {
  QMenuBar* mb = w->menuBar();
  QMenu* file = mb->addMenu(tr("&File"));
  file->addAction(newMap);
  file->addAction(openProject);
  m_recentMenu = file->addMenu(tr("Open &recent"));
  file->addAction(saveProject);
  file->addAction(saveProjectAs);
  file->addSeparator();
  file->addAction(importMask);
  m_samplesMenu = file->addMenu(tr("Open sa&mple map"));
  file->addAction(openPhoto);
  file->addAction(classifyImage);
  file->addSeparator();
  file->addAction(exportResult);
  file->addAction(exportBatch);
  file->addAction(exportMap);
  file->addSeparator();
  file->addAction(quit);

  QMenu* edit = mb->addMenu(tr("&Edit"));
  edit->addAction(undo);
  edit->addAction(redo);
  edit->addSeparator();
  edit->addAction(pastePhoto);
  edit->addSeparator();
  edit->addAction(removeSpecks);

  QMenu* tools = mb->addMenu(tr("&Tools"));
  for (QAction* a : toolGroup->actions()) tools->addAction(a);
  tools->addSeparator();
  tools->addAction(smaller);
  tools->addAction(larger);
  tools->addAction(snapToPhoto);
  tools->addAction(finishShape);
  QMenu* classes = tools->addMenu(tr("Select &class"));
  for (QAction* a : classKeys) classes->addAction(a);

  QMenu* run = mb->addMenu(tr("&Run"));
  run->addAction(generate);
  run->addAction(cancel);
  run->addSeparator();
  run->addAction(applyEdit);
  run->addAction(reroll);
  run->addSeparator();
  run->addAction(segmentAgain);

  m_viewMenu = mb->addMenu(tr("&View"));
  m_viewMenu->addAction(zoomIn);
  m_viewMenu->addAction(zoomOut);
  m_viewMenu->addAction(fit);
  m_viewMenu->addAction(actualSize);
  m_viewMenu->addSeparator();
  m_viewMenu->addAction(showPhoto);
  m_viewMenu->addAction(showUncertainty);
  m_viewMenu->addAction(showDiff);
  m_viewMenu->addSeparator();
  m_viewMenu->addAction(compareSplit);
  m_viewMenu->addAction(compareToggle);
  m_viewMenu->addSeparator();

  m_modelMenu = mb->addMenu(tr("&Model"));

  QMenu* help = mb->addMenu(tr("&Help"));
  help->addAction(shortcuts);
  help->addSeparator();
  help->addAction(about);

  QToolBar* main = w->addToolBar(tr("Main"));
  main->setObjectName(QStringLiteral("MainToolBar"));
  main->addAction(newMap);
  main->addAction(openProject);
  main->addAction(saveProject);
  main->addSeparator();
  main->addAction(undo);
  main->addAction(redo);
  main->addSeparator();
  main->addAction(generate);
  main->addAction(cancel);
  main->addAction(applyEdit);
  main->addAction(compareSplit);

  m_toolsBar = new QToolBar(tr("Tools"), w);
  m_toolsBar->setObjectName(QStringLiteral("ToolsToolBar"));
  for (QAction* a : toolGroup->actions()) m_toolsBar->addAction(a);
  w->addToolBar(Qt::LeftToolBarArea, m_toolsBar);

  m_optionsBar = w->addToolBar(tr("Tool options"));
  m_optionsBar->setObjectName(QStringLiteral("OptionsToolBar"));
}

}  // namespace symmflow::ui
