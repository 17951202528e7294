// SPDX-License-Identifier: MIT
// Save dialogs append the file's suffix without ever replacing a file the user was not asked
// about; the dialogs are answered by a timer, as a user would.
#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTimer>

#include <gtest/gtest.h>

#include "ui/save_dialog.h"

namespace symmflow::ui {
namespace {

// Answers the modal dialogs of one askSavePath call: types `name` into the file dialog and
// accepts it; a question about replacing a file gets `replace` (Yes or No), and is recorded;
// a file dialog still open after that is cancelled.
struct Answers {
  QString name;
  QMessageBox::StandardButton replace = QMessageBox::No;
  QStringList questions;
  bool typed = false;

  QString ask(const QString& dir) {
    QTimer tick;
    tick.setInterval(10);
    QObject::connect(&tick, &QTimer::timeout, [this] {
      QWidget* modal = QApplication::activeModalWidget();
      if (auto* box = qobject_cast<QMessageBox*>(modal)) {
        questions << box->text();
        box->button(replace)->click();
      } else if (auto* dialog = qobject_cast<QFileDialog*>(modal)) {
        if (typed) {
          dialog->reject();
          return;
        }
        typed = true;
        // Typed into the name field (selectFile leaves it alone once it has the focus).
        auto* field = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
        ASSERT_NE(field, nullptr);
        field->setText(name);
        // As Save does; queued, because its replace question is a nested event loop in which
        // this timer would not fire while its own slot runs.
        QMetaObject::invokeMethod(dialog, "accept", Qt::QueuedConnection);
      }
    });
    tick.start();
    return askSavePath(nullptr, QStringLiteral("Save project"), dir + QStringLiteral("/suggested.symmflow"),
                       QStringLiteral("SymmFlow projects (*.symmflow)"), QStringLiteral("symmflow"));
  }
};

void touch(const QString& path) {
  QFile f(path);
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write("old");
}

TEST(SaveDialog, ABareNameGetsTheSuffixAndTheDialogAsksAboutThatFile) {
  QTemporaryDir dir;
  EXPECT_EQ(Answers{dir.filePath("fresh")}.ask(dir.path()), dir.filePath("fresh.symmflow"));
  EXPECT_EQ(Answers{dir.filePath("kept.SymmFlow")}.ask(dir.path()), dir.filePath("kept.SymmFlow"));
  touch(dir.filePath("work.symmflow"));
  Answers declined{dir.filePath("work")};
  EXPECT_TRUE(declined.ask(dir.path()).isEmpty());
  ASSERT_EQ(declined.questions.size(), 1) << "typing 'work' asks before replacing work.symmflow";
  EXPECT_TRUE(declined.questions.front().contains("work.symmflow")) << declined.questions.front().toStdString();
  Answers replaced{dir.filePath("work"), QMessageBox::Yes};
  EXPECT_EQ(replaced.ask(dir.path()), dir.filePath("work.symmflow"));
}

TEST(SaveDialog, AnotherSuffixIsKeptAndTheAppendedNameIsAskedAbout) {
  QTemporaryDir dir;
  EXPECT_EQ(Answers{dir.filePath("street.png")}.ask(dir.path()), dir.filePath("street.png.symmflow"));
  touch(dir.filePath("street.png.symmflow"));
  Answers declined{dir.filePath("street.png")};
  EXPECT_TRUE(declined.ask(dir.path()).isEmpty());
  ASSERT_EQ(declined.questions.size(), 1);
  EXPECT_EQ(declined.questions.front().toStdString(), "street.png.symmflow already exists. Replace it?");
  Answers replaced{dir.filePath("street.png"), QMessageBox::Yes};
  EXPECT_EQ(replaced.ask(dir.path()), dir.filePath("street.png.symmflow"));
}

}  // namespace
}  // namespace symmflow::ui
