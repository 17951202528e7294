// SPDX-License-Identifier: MIT
#pragma once
// Asking where to save a file of one kind (a project, a PNG) without ever replacing a file
// the user was not asked about. A name typed without the suffix gets it inside the dialog,
// which then asks before replacing that file; a name with another suffix ("street.png" for a
// project) keeps it and gets the suffix appended ("street.png.symmflow"), and the user is
// asked here when that file exists. GUI thread only.
#include <QString>

class QWidget;

namespace symmflow::ui {

// The path chosen, always ending in "." + suffix (case-insensitive), or empty when the user
// cancelled or declined to replace an existing file.
QString askSavePath(QWidget* parent, const QString& title, const QString& suggestion, const QString& filter,
                    const QString& suffix);

}  // namespace symmflow::ui
