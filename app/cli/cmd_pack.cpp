// SPDX-License-Identifier: MIT
// symmflow pack: turns image/mask folders (or a folder per class) into data shards at a
// fixed size, optionally holding out a validation part.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>
#include <unistd.h>

#include <torch/torch.h>

#include "app/cli/commands.h"
#include "core/imaging/dataset_folder.h"
#include "core/imaging/framing.h"
#include "core/imaging/image_io.h"
#include "core/imaging/mask_io.h"
#include "core/model_info.h"
#include "core/safetensors.h"
#include "core/shard.h"

namespace symmflow::cli {
namespace fs = std::filesystem;

namespace {
struct Item {
  std::string image, mask;
  int label = -1;
};

Status writeItems(const std::string& out, const std::vector<Item>& items, const ClassList& classes, int H, int W,
                  bool dense, const std::string& source) {
  const int64_t N = static_cast<int64_t>(items.size());
  auto imgs = torch::empty({N, H, W, 3}, torch::kByte);
  torch::Tensor masks = dense ? torch::empty({N, H, W}, torch::kByte) : torch::Tensor();
  torch::Tensor labels = dense ? torch::Tensor() : torch::empty({N}, torch::kLong);
  for (int64_t i = 0; i < N; ++i) {
    auto img = imaging::loadImage(items[i].image);
    if (!img) return Error{img.error()};
    const auto framing = imaging::makeFraming(img->width, img->height, W, H);
    auto small = imaging::toModel(*img, framing);
    std::memcpy(imgs[i].data_ptr(), small.pixels.data(), small.pixels.size());
    if (dense) {
      imaging::MaskImportOptions mo;
      mo.offPalette = imaging::MaskImportOptions::OffPalette::Error;
      auto m = imaging::importMask(items[i].mask, classes, mo);
      if (!m) return Error{m.error()};
      if (m->first.width != img->width || m->first.height != img->height)
        return Error{items[i].mask + " does not have the size of its image " + items[i].image};
      auto mm = imaging::labelsToModel(m->first, framing);
      // Ignore pixels (255) become the data set's ignore class when it has one.
      if (classes.ignoreIndex >= 0)
        for (auto& v : mm.ids)
          if (v == LabelMap::kIgnoreId) v = static_cast<std::uint8_t>(classes.ignoreIndex);
      std::memcpy(masks[i].data_ptr(), mm.ids.data(), mm.ids.size());
    } else {
      labels[i] = items[i].label;
    }
    if ((i + 1) % 1000 == 0 && isatty(2)) std::cerr << "  " << (i + 1) << "/" << N << "\r" << std::flush;
  }
  auto s = Shard::write(out, imgs, masks, labels, classes, source);
  if (s) std::cout << "wrote " << out << ": " << N << " items of " << H << "x" << W << std::endl;
  return s;
}
}  // namespace

void registerPack(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("pack", "Pack image/mask folders or class folders into a data shard");
  static std::vector<std::string> dirs;
  static std::string classFolders, classesPath, size, output, valOutput, source;
  static double valFraction = 0;
  static int limit = 0, valLimit = 0;
  static std::uint64_t seed = 0;
  cmd->add_option("--dir", dirs, "folder with images/ and masks/ (repeatable)");
  cmd->add_option("--class-folders", classFolders, "folder with one sub-folder of images per class");
  cmd->add_option("--classes", classesPath, "classes.json (id, name, colour; ignore_index)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--size", size, "HxW of the shard's images, e.g. 144x192")->required();
  cmd->add_option("-o,--output", output, "shard to write (.safetensors)")->required();
  cmd->add_option("--val-fraction", valFraction, "hold out this fraction (seeded shuffle) into --val-output");
  cmd->add_option("--val-output", valOutput, "shard for the held-out items");
  cmd->add_option("--limit", limit, "at most N training items (after shuffling and the hold-out)");
  cmd->add_option("--val-limit", valLimit, "at most N held-out items");
  cmd->add_option("--seed", seed, "shuffle seed for the hold-out and --limit");
  cmd->add_option("--source", source, "description recorded in the shard");
  cmd->callback([&exitCode] {
    // A regular file of at most 1 MB: a device such as /dev/zero would never end.
    auto text = readFileBytes(classesPath, 1u << 20);
    if (!text) {
      exitCode = fail("not a class list (a JSON file of at most 1 MB is expected): " + text.error());
      return;
    }
    auto classes = classListFromJson(std::string(text->begin(), text->end()));
    if (!classes) {
      exitCode = fail(classesPath + ": " + classes.error());
      return;
    }
    int H = 0, W = 0;
    if (std::sscanf(size.c_str(), "%dx%d", &H, &W) != 2 || H <= 0 || W <= 0 || H > 4096 || W > 4096) {
      exitCode = fail("--size must look like 144x192 (height x width)");
      return;
    }
    if (valFraction > 0 && valOutput.empty()) {
      exitCode = fail("--val-fraction needs --val-output");
      return;
    }
    std::vector<Item> items;
    const bool dense = classFolders.empty();
    if (dense) {
      if (dirs.empty()) {
        exitCode = fail("give --dir (images/ + masks/) or --class-folders");
        return;
      }
      for (const auto& d : dirs) {
        auto listing = imaging::listImageMaskPairs(d);
        if (!listing) {
          exitCode = fail(listing.error());
          return;
        }
        for (const auto& p : listing->pairs) items.push_back({p.imagePath, p.maskPath, -1});
        // Unpaired files are left out, and the user is told which (a typo in one stem
        // should not silently shrink a data set).
        auto skipped = [](const std::vector<std::string>& files, const char* what) {
          if (files.empty()) return;
          std::cerr << "note: " << files.size() << " " << what << " left out:";
          for (size_t i = 0; i < std::min<size_t>(files.size(), 5); ++i) std::cerr << " " << files[i];
          if (files.size() > 5) std::cerr << " ...";
          std::cerr << std::endl;
        };
        skipped(listing->unmatchedImages, "image(s) without a mask of the same stem");
        skipped(listing->unmatchedMasks, "mask(s) without an image of the same stem");
      }
    } else {
      auto listing = imaging::listClassFolders(classFolders, &*classes);
      if (!listing) {
        exitCode = fail(listing.error());
        return;
      }
      for (const auto& it : listing->items) items.push_back({it.path, "", it.classId});
    }
    if (items.empty()) {
      exitCode = fail("no items found");
      return;
    }
    if (seed != 0 || valFraction > 0) std::shuffle(items.begin(), items.end(), std::mt19937_64(seed));
    // The hold-out is taken before --limit, so a limited shard shares its validation items.
    std::vector<Item> val;
    if (valFraction > 0) {
      const auto nVal = static_cast<size_t>(std::max(1.0, valFraction * static_cast<double>(items.size())));
      val.assign(items.end() - static_cast<long>(std::min(nVal, items.size() - 1)), items.end());
      items.resize(items.size() - val.size());
    }
    if (limit > 0 && static_cast<int>(items.size()) > limit) items.resize(limit);
    if (valLimit > 0 && static_cast<int>(val.size()) > valLimit) val.resize(valLimit);
    const std::string src = source.empty() ? (dense ? dirs.front() : classFolders) : source;
    if (auto s = writeItems(output, items, *classes, H, W, dense, src); !s) {
      exitCode = fail(s.error());
      return;
    }
    if (!val.empty())
      if (auto s = writeItems(valOutput, val, *classes, H, W, dense, src + " (held out)"); !s)
        exitCode = fail(s.error());
  });
}

}  // namespace symmflow::cli
