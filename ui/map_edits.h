// SPDX-License-Identifier: MIT
#pragma once
// Edits of the whole map that are not gestures of a tool: Edit ▸ Remove specks and the
// Classes dock's Replace all with. Each is one undoable step on the document (nothing is
// pushed when no pixel changes) and respects locked classes. GUI thread only.
#include <QString>
#include <QWidget>
#include <cstdint>

#include "core/imaging/mask_cleanup.h"

namespace symmflow::ui {

class LabelDocument;

// Maps of up to this many runs (imaging::countRuns) are cleaned at once: a 12 MP segmentation
// has some 2·10^4 runs (~0.05 s), a 520×520 map of noise of 12 classes 250 000 (0.16–0.24 s on
// a 2-core AMD EPYC). More fragmented maps, up to 12 M runs and 25 s, get a thread.
constexpr std::int64_t kSpeckRunsAtOnce = 250'000;

// Merges every 4-connected region of one class smaller than `minPixels` into the class most
// of its neighbours have (imaging::removeSpecks); regions of locked classes stay. A map of
// more than kSpeckRunsAtOnce runs is cleaned on a worker thread while a window-modal progress
// dialog over `parent` (when not null) keeps the window painted and offers Cancel; the call
// returns when it is done. Cancelled, or the map changed meanwhile: report.cancelled, the
// document as it was.
imaging::SpeckReport removeSpecks(LabelDocument& doc, std::int64_t minPixels, QWidget* parent = nullptr);

// The default size for Remove specks on a width x height map: 0.05 % of its pixels, at least
// 4 (480 pixels of a 960×1000 map, 6 000 of a 12 MP photo's).
std::int64_t defaultSpeckSize(int width, int height);

// "1 island", "8 islands": how many merges a SpeckReport made, for messages.
QString islandsPhrase(int merges);
// "1 pixel", "3 pixels".
QString pixelsPhrase(std::int64_t pixels);

// Every pixel of class `from` becomes `to`. Returns the pixels changed: 0 when `from` is
// locked, equals `to`, or either id is not a class of the document.
std::int64_t replaceClass(LabelDocument& doc, int from, int to);

}  // namespace symmflow::ui
