// SPDX-License-Identifier: MIT
#pragma once
// Listing the files of a data set folder, for `symmflow pack` and `symmflow eval`.
// Two layouts:
//  - paired:       <dir>/images/<stem>.<ext> + <dir>/masks/<stem>.<ext>, matched by stem
//  - class folder: <dir>/<class name>/*.<ext>, the folder name is the label
// Image extensions (case-insensitive): png jpg jpeg bmp tif tiff webp; masks: png bmp
// tif tiff. Hidden entries (".name") are skipped. Paths are returned as given joined
// with the file names. Nothing is decoded. Errors are returned, never thrown.
#include <string>
#include <vector>

#include "core/result.h"
#include "core/types.h"

namespace symmflow::imaging {

struct ImageMaskPair {
  std::string stem;
  std::string imagePath;
  std::string maskPath;
};

struct PairedListing {
  std::vector<ImageMaskPair> pairs;          // sorted by stem (byte order)
  std::vector<std::string> unmatchedImages;  // image paths without a mask, sorted
  std::vector<std::string> unmatchedMasks;   // mask paths without an image, sorted
};

// Lists the paired layout. requireAllMatched: any unmatched file is an error
// (naming the first few). Errors: <dir>, images/ or masks/ missing or not a
// directory; no image files; no pair at all; two files with the same stem in one
// folder (e.g. a.png and a.jpg).
Result<PairedListing> listImageMaskPairs(const std::string& dir, bool requireAllMatched = false);
// The same for an image folder and a mask folder given apart (`eval --images --masks`).
Result<PairedListing> listImageMaskPairs(const std::string& imageDir, const std::string& maskDir,
                                         bool requireAllMatched);

// Image files directly in `dir` (PNG, JPEG, BMP, TIFF, WebP; masks: PNG, BMP, TIFF), full
// paths sorted by file name; hidden files skipped. Errors: `dir` missing or not a folder,
// none found, two files with one stem (a.png and a.jpg: outputs named by stem would collide).
Result<std::vector<std::string>> listImageFiles(const std::string& dir, bool masks = false);

struct LabelledImage {
  std::string path;
  int classId = 0;
};

struct ClassFolderListing {
  std::vector<std::string> classNames;  // class id -> folder name
  std::vector<LabelledImage> items;     // sorted by class id, then file name
};

// Lists the class-folder layout. With `classes` (non-null), class ids are the
// indices of the folder names in it and a folder not named after a class is an
// error; without it, the sorted folder names become the classes.
// Errors: <dir> missing; no class folders; a class folder without images.
Result<ClassFolderListing> listClassFolders(const std::string& dir, const ClassList* classes = nullptr);

enum class DatasetLayout { Paired, ClassFolders, Unknown };

// Paired when <dir>/images and <dir>/masks are directories; ClassFolders when <dir>
// holds sub-directories (other than images/masks) with image files; else Unknown.
DatasetLayout detectLayout(const std::string& dir);

}  // namespace symmflow::imaging
