// SPDX-License-Identifier: MIT
#include "core/imaging/dataset_folder.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/imaging/image_io.h"

namespace symmflow::imaging {
namespace {

namespace fs = std::filesystem;

const std::set<std::string> kImageExtensions = {"png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp"};
const std::set<std::string> kMaskExtensions = {"png", "bmp", "tif", "tiff"};

bool hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name.front() == '.';
}

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

Status checkDir(const std::string& dir, const std::string& what) {
  std::error_code ec;
  const auto status = fs::status(dir, ec);
  if (ec || !fs::exists(status)) return Error{what + " '" + dir + "' does not exist"};
  if (!fs::is_directory(status)) return Error{what + " '" + dir + "' is not a folder"};
  return Status::success();
}

// Regular files with one of `extensions` directly in `dir`, by file name.
Result<std::vector<std::string>> filesIn(const std::string& dir, const std::set<std::string>& extensions) {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  if (ec) return Error{"cannot list '" + dir + "' (" + ec.message() + ")"};
  for (; it != end; it.increment(ec)) {
    if (ec) return Error{"cannot list '" + dir + "' (" + ec.message() + ")"};
    const fs::path& p = it->path();
    std::error_code fileEc;
    if (hidden(p) || !it->is_regular_file(fileEc)) continue;
    if (extensions.count(lowerExtension(p.string())) != 0) names.push_back(p.filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Stem -> path, failing on two files with one stem.
Result<std::map<std::string, std::string>> byStem(const std::string& dir, const std::vector<std::string>& names) {
  std::map<std::string, std::string> out;
  for (const auto& name : names) {
    const std::string stem = fs::path(name).stem().string();
    auto [it, inserted] = out.emplace(stem, join(dir, name));
    if (!inserted)
      return Error{"'" + dir + "' has two files for '" + stem + "': '" + fs::path(it->second).filename().string() +
                   "' and '" + name + "'; keep one"};
  }
  return out;
}

std::string firstFew(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < 3; ++i) out += (i ? ", '" : "'") + items[i] + "'";
  if (items.size() > 3) out += " and " + std::to_string(items.size() - 3) + " more";
  return out;
}

}  // namespace

Result<std::vector<std::string>> listImageFiles(const std::string& dir, bool masks) {
  const char* what = masks ? "the mask folder" : "the image folder";
  if (auto s = checkDir(dir, what); !s) return Error{s.error()};
  auto names = filesIn(dir, masks ? kMaskExtensions : kImageExtensions);
  if (!names) return Error{names.error()};
  if (names->empty())
    return Error{std::string(what) + " '" + dir + "' has no " + (masks ? "masks (.png, .bmp, .tif)" : "images")};
  auto stems = byStem(dir, *names);
  if (!stems) return Error{stems.error()};
  std::vector<std::string> paths;
  for (const auto& name : *names) paths.push_back(join(dir, name));
  return paths;
}

Result<PairedListing> listImageMaskPairs(const std::string& dir, bool requireAllMatched) {
  if (auto s = checkDir(dir, "the data set folder"); !s) return Error{s.error()};
  const std::string imageDir = join(dir, "images");
  const std::string maskDir = join(dir, "masks");
  if (auto s = checkDir(imageDir, "the image folder"); !s)
    return Error{s.error() + " (expected <dir>/images/<stem>.png and <dir>/masks/<stem>.png)"};
  if (auto s = checkDir(maskDir, "the mask folder"); !s)
    return Error{s.error() + " (expected <dir>/images/<stem>.png and <dir>/masks/<stem>.png)"};
  return listImageMaskPairs(imageDir, maskDir, requireAllMatched);
}

Result<PairedListing> listImageMaskPairs(const std::string& imageDir, const std::string& maskDir,
                                         bool requireAllMatched) {
  if (auto s = checkDir(imageDir, "the image folder"); !s) return Error{s.error()};
  if (auto s = checkDir(maskDir, "the mask folder"); !s) return Error{s.error()};
  auto imageNames = filesIn(imageDir, kImageExtensions);
  if (!imageNames) return Error{imageNames.error()};
  if (imageNames.value().empty()) return Error{"the image folder '" + imageDir + "' has no images"};
  auto maskNames = filesIn(maskDir, kMaskExtensions);
  if (!maskNames) return Error{maskNames.error()};
  if (maskNames.value().empty()) return Error{"the mask folder '" + maskDir + "' has no masks"};

  auto images = byStem(imageDir, imageNames.value());
  if (!images) return Error{images.error()};
  auto masks = byStem(maskDir, maskNames.value());
  if (!masks) return Error{masks.error()};

  PairedListing listing;
  for (const auto& [stem, imagePath] : images.value()) {
    const auto m = masks.value().find(stem);
    if (m == masks.value().end())
      listing.unmatchedImages.push_back(imagePath);
    else
      listing.pairs.push_back({stem, imagePath, m->second});
  }
  for (const auto& [stem, maskPath] : masks.value())
    if (images.value().count(stem) == 0) listing.unmatchedMasks.push_back(maskPath);

  if (listing.pairs.empty())
    return Error{"no image in '" + imageDir + "' has a mask of the same name in '" + maskDir + "'"};
  if (requireAllMatched && !listing.unmatchedImages.empty())
    return Error{std::to_string(listing.unmatchedImages.size()) +
                 " images have no mask: " + firstFew(listing.unmatchedImages)};
  if (requireAllMatched && !listing.unmatchedMasks.empty())
    return Error{std::to_string(listing.unmatchedMasks.size()) +
                 " masks have no image: " + firstFew(listing.unmatchedMasks)};
  return listing;
}

Result<ClassFolderListing> listClassFolders(const std::string& dir, const ClassList* classes) {
  if (auto s = checkDir(dir, "the data set folder"); !s) return Error{s.error()};
  std::vector<std::string> folders;
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  if (ec) return Error{"cannot list '" + dir + "' (" + ec.message() + ")"};
  for (; it != end; it.increment(ec)) {
    if (ec) return Error{"cannot list '" + dir + "' (" + ec.message() + ")"};
    std::error_code dirEc;
    if (!hidden(it->path()) && it->is_directory(dirEc)) folders.push_back(it->path().filename().string());
  }
  std::sort(folders.begin(), folders.end());
  if (folders.empty()) return Error{"'" + dir + "' has no class folders (expected <dir>/<class name>/*.jpg)"};

  ClassFolderListing listing;
  if (classes != nullptr) {
    for (const auto& c : classes->classes) listing.classNames.push_back(c.name);
    for (const auto& folder : folders)
      if (classes->find(folder) < 0)
        return Error{"the folder '" + join(dir, folder) +
                     "' is not named after a class of this "
                     "model"};
  } else {
    listing.classNames = folders;
  }
  for (const auto& folder : folders) {
    const int id = classes != nullptr ? classes->find(folder)
                                      : int(std::find(folders.begin(), folders.end(), folder) - folders.begin());
    const std::string folderPath = join(dir, folder);
    auto names = filesIn(folderPath, kImageExtensions);
    if (!names) return Error{names.error()};
    if (names.value().empty()) return Error{"the class folder '" + folderPath + "' has no images"};
    for (const auto& name : names.value()) listing.items.push_back({join(folderPath, name), id});
  }
  std::stable_sort(listing.items.begin(), listing.items.end(),
                   [](const LabelledImage& a, const LabelledImage& b) { return a.classId < b.classId; });
  return listing;
}

DatasetLayout detectLayout(const std::string& dir) {
  std::error_code ec;
  if (fs::is_directory(join(dir, "images"), ec) && fs::is_directory(join(dir, "masks"), ec))
    return DatasetLayout::Paired;
  if (!fs::is_directory(dir, ec)) return DatasetLayout::Unknown;
  fs::directory_iterator it(dir, ec), end;
  if (ec) return DatasetLayout::Unknown;
  for (; it != end; it.increment(ec)) {
    if (ec) return DatasetLayout::Unknown;
    std::error_code dirEc;
    if (hidden(it->path()) || !it->is_directory(dirEc)) continue;
    auto names = filesIn(it->path().string(), kImageExtensions);
    if (names && !names.value().empty()) return DatasetLayout::ClassFolders;
  }
  return DatasetLayout::Unknown;
}

}  // namespace symmflow::imaging
