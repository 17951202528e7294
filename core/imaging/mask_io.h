// SPDX-License-Identifier: MIT
#pragma once
// Label-map files: importing masks of unknown encoding honestly (index, colour or
// scaled grey), saving index and colour masks, and colourizing label maps.
//
// Conventions: class ids are 0..K-1 for a ClassList of K classes (1 <= K <= 255);
// LabelMap::kIgnoreId (255) marks ignore/unknown pixels. ClassList::ignoreIndex is an
// ordinary class id here (e.g. CamVid's "void" = 11) and is never rewritten.
// Errors are returned, never thrown; saves are atomic (see image_io.h).
// Thread-safety: all functions are reentrant.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/imaging/image_io.h"
#include "core/result.h"
#include "core/types.h"

namespace symmflow::imaging {

// What importMask found in a file, and what it did about it.
struct MaskReport {
  enum class Encoding {
    Index,       // grey values are class ids (0..K-1), 255 = ignore
    Color,       // RGB(A) or palette image; pixel colours are class colours
    ScaledGrey,  // grey value = round(id * greyStep), e.g. ids x20 or 0..255 stretched
  };
  // What happened to pixels that did not map to a class (set from the options).
  enum class Handling { SnappedNearest, AssignedClass, Ignored };

  Encoding encoding = Encoding::Index;
  int width = 0;
  int height = 0;
  double greyStep = 1.0;  // ScaledGrey only: grey value per class id (1 for Index)
  // Color: pixels whose colour is not exactly a class colour (including alpha-0
  // pixels and black read as ignore: those count in ignorePixels instead).
  std::int64_t offPalettePixels = 0;
  // Index/ScaledGrey: pixels whose value is not a class id nor 255 (or, for
  // ScaledGrey, not on the detected scale).
  std::int64_t outOfRangePixels = 0;
  // Pixels that ended up as LabelMap::kIgnoreId (source value 255, transparent
  // pixels, black in colour masks when black is not a class colour, and off-palette
  // or out-of-range pixels when they are handled by ignoring them).
  std::int64_t ignorePixels = 0;
  std::vector<std::int64_t> histogram;  // per class id 0..K-1, after handling
  // The first few (at most 8) distinct unknown colours (Color) in scan order, and
  // how many pixels each has; for grey encodings the unknown values as (v, v, v).
  std::vector<Rgb> unknownColors;
  std::vector<std::int64_t> unknownColorPixels;
  std::int64_t distinctUnknown = 0;  // how many distinct unknown colours / values in all
  Handling offPaletteHandling = Handling::SnappedNearest;
  Handling outOfRangeHandling = Handling::Ignored;
  int assignedClass = -1;         // the class of Handling::AssignedClass
  std::string assignedClassName;  // and its name

  // One human sentence, e.g. "Colour mask 320x240: 340 pixels in 2 colours that are
  // not class colours were snapped to the nearest class; 12 ignore pixels."
  std::string summary() const;
};

struct MaskImportOptions {
  // Off-palette colours (Color encoding).
  enum class OffPalette {
    SnapNearest,  // to the class whose colour is nearest (Euclidean RGB)
    AssignClass,  // to `assignClass`
    Ignore,       // to LabelMap::kIgnoreId
    Error,        // strict: fail, naming the first unknown colour and its pixel count
  };
  // Values that are not class ids (Index / ScaledGrey).
  enum class OutOfRange { Ignore, AssignClass, Error };

  OffPalette offPalette = OffPalette::SnapNearest;
  OutOfRange outOfRange = OutOfRange::Ignore;
  int assignClass = 0;  // target class for AssignClass (0..K-1)
  // Colour masks: pure black (0,0,0) that is not a class colour is read as ignore
  // (saveColorMask writes ignore pixels as black). false: black is off-palette.
  bool blackIsIgnore = true;
  // Skip detection and use this encoding.
  std::optional<MaskReport::Encoding> forceEncoding;
  // Grey images: > 0 reads them as ScaledGrey with this grey value per id (as if
  // forceEncoding were ScaledGrey); <= 0 detects the encoding and step (see importMask).
  double greyStep = 0.0;
  std::int64_t maxPixels = kDefaultMaxPixels;
};

// Reads a mask file of any format loadImage reads and maps it to class ids of `classes`.
// Detection (unless options.forceEncoding):
//  - colour image (RGB/RGBA/palette) -> Color, unless every pixel is grey (R=G=B)
//    and not every distinct colour is a class colour, which is read as grey;
//  - grey image whose values other than 255 are all < K -> Index (255 = ignore);
//  - grey image whose values all equal round(id * M/(K-1)) (M = 255, or 65535 for
//    16-bit) -> ScaledGrey "stretched";
//  - grey image whose values (other than 255, when 255 is not on the scale) are all
//    multiples of their greatest common divisor g >= 2 with value/g < K -> ScaledGrey
//    with greyStep g (e.g. ids x20). Absent classes can make g ambiguous (ids
//    0,2,4 x20 look like ids 0,1,2 x40): pass options.greyStep when you know it;
//  - otherwise Index with out-of-range values.
// A scale step below 2 is never detected (it cannot be told from Index).
// 16-bit samples: grey values are used as they are (65535 is ignore too); colours
// are scaled to 8 bits. Transparent (alpha 0) pixels are ignore.
// Errors: the load errors of loadImage; an empty class list or more than 255
// classes; assignClass out of range; strict mode (OffPalette::Error) on the first
// unknown colour: "colour (12, 200, 7) at 340 pixels is not a class colour of this
// model; nearest is 'tree' (128, 128, 0)"; OutOfRange::Error on the first bad value.
Result<std::pair<LabelMap, MaskReport>> importMask(const std::string& path, const ClassList& classes,
                                                   const MaskImportOptions& options = {});

// Writes an 8-bit single-channel PNG whose values are the ids (255 = ignore),
// with text chunks; atomic. Errors: empty map, I/O failures.
Status saveIndexMask(const LabelMap& labels, const std::string& path, const TextChunks& text = {});

// Writes an RGB PNG of colorize(labels, classes, IgnoreStyle::Black); atomic.
// Errors: empty map, empty class list, I/O failures.
Status saveColorMask(const LabelMap& labels, const ClassList& classes, const std::string& path,
                     const TextChunks& text = {});

// How colorize draws ignore pixels and ids >= K.
enum class IgnoreStyle {
  Black,    // (0, 0, 0)
  Checker,  // 8x8 grey checkerboard (96/160), like a transparency grid
};

// Class colours per pixel. Ignore pixels and ids >= K are drawn per `ignoreStyle`.
// An empty map gives an empty image.
RgbImage colorize(const LabelMap& labels, const ClassList& classes, IgnoreStyle ignoreStyle = IgnoreStyle::Black);

}  // namespace symmflow::imaging
