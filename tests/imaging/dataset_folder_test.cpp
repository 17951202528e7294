// SPDX-License-Identifier: MIT
#include "core/imaging/dataset_folder.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "core/imaging/image_io.h"
#include "core/imaging/mask_io.h"
#include "tests/imaging/test_util.h"

namespace symmflow::imaging {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

void touch(const std::string& path) { test::writeBytes(path, "x"); }

TEST(DatasetFolder, PairsAreMatchedByStemAndSorted) {
  TempDir dir;
  fs::create_directories(dir.file("images"));
  fs::create_directories(dir.file("masks"));
  for (const char* stem : {"b", "a", "c"}) touch(dir.file(std::string("images/") + stem + ".png"));
  touch(dir.file("images/d.JPG"));
  touch(dir.file("images/.hidden.png"));
  touch(dir.file("images/notes.txt"));
  for (const char* stem : {"a", "b", "d", "z"}) touch(dir.file(std::string("masks/") + stem + ".png"));

  auto listing = listImageMaskPairs(dir.path());
  ASSERT_TRUE(listing.ok()) << listing.error();
  ASSERT_EQ(listing->pairs.size(), 3u);
  EXPECT_EQ(listing->pairs[0].stem, "a");
  EXPECT_EQ(listing->pairs[1].stem, "b");
  EXPECT_EQ(listing->pairs[2].stem, "d");
  EXPECT_EQ(listing->pairs[2].imagePath, dir.file("images/d.JPG"));
  EXPECT_EQ(listing->pairs[0].maskPath, dir.file("masks/a.png"));
  EXPECT_EQ(listing->unmatchedImages, std::vector<std::string>{dir.file("images/c.png")});
  EXPECT_EQ(listing->unmatchedMasks, std::vector<std::string>{dir.file("masks/z.png")});
  EXPECT_EQ(detectLayout(dir.path()), DatasetLayout::Paired);

  auto strict = listImageMaskPairs(dir.path(), true);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.error().find("have no mask"), std::string::npos) << strict.error();

  // The same folders given apart (eval --images --masks): the same listing, hidden and
  // non-image files skipped alike.
  auto apart = listImageMaskPairs(dir.file("images"), dir.file("masks"), false);
  ASSERT_TRUE(apart.ok()) << apart.error();
  ASSERT_EQ(apart->pairs.size(), 3u);
  EXPECT_EQ(apart->pairs[2].imagePath, dir.file("images/d.JPG"));
  EXPECT_EQ(apart->unmatchedImages, listing->unmatchedImages);
  EXPECT_NE(listImageMaskPairs(dir.file("images"), dir.file("nope"), false).error().find("the mask folder"),
            std::string::npos);
}

// A folder of inputs (segment -i DIR, generate --mask DIR): image files, sorted, hidden and
// other files skipped; outputs are named by stem, so two files of one stem are refused.
TEST(DatasetFolder, ImageFilesOfAFolder) {
  TempDir dir;
  for (const char* name : {"b.png", "a.JPG", "c.webp", ".hidden.png", "notes.txt"}) touch(dir.file(name));
  fs::create_directories(dir.file("sub.png"));  // a folder with an image's name
  auto images = listImageFiles(dir.path());
  ASSERT_TRUE(images.ok()) << images.error();
  EXPECT_EQ(*images, (std::vector<std::string>{dir.file("a.JPG"), dir.file("b.png"), dir.file("c.webp")}));
  auto masks = listImageFiles(dir.path(), /*masks=*/true);  // masks are lossless formats only
  ASSERT_TRUE(masks.ok()) << masks.error();
  EXPECT_EQ(*masks, std::vector<std::string>{dir.file("b.png")});

  touch(dir.file("b.jpg"));
  auto twice = listImageFiles(dir.path());
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().find("two files for 'b'"), std::string::npos) << twice.error();
  EXPECT_NE(listImageFiles(dir.file("nope")).error().find("does not exist"), std::string::npos);
  TempDir empty;
  EXPECT_NE(listImageFiles(empty.path()).error().find("has no images"), std::string::npos);
}

TEST(DatasetFolder, PairedLayoutErrors) {
  TempDir dir;
  EXPECT_NE(listImageMaskPairs(dir.file("nope")).error().find("does not exist"), std::string::npos);
  EXPECT_NE(listImageMaskPairs(dir.path()).error().find("images"), std::string::npos);
  fs::create_directories(dir.file("images"));
  fs::create_directories(dir.file("masks"));
  EXPECT_NE(listImageMaskPairs(dir.path()).error().find("has no images"), std::string::npos);
  touch(dir.file("images/a.png"));
  touch(dir.file("images/a.jpg"));
  touch(dir.file("masks/a.png"));
  EXPECT_NE(listImageMaskPairs(dir.path()).error().find("two files for 'a'"), std::string::npos);
  fs::remove(dir.file("images/a.jpg"));
  fs::remove(dir.file("masks/a.png"));
  touch(dir.file("masks/b.png"));
  EXPECT_NE(listImageMaskPairs(dir.path()).error().find("has a mask of the same name"), std::string::npos);
}

TEST(DatasetFolder, ClassFolders) {
  TempDir dir;
  for (const char* cls : {"dog", "cat"}) {
    fs::create_directories(dir.file(cls));
    touch(dir.file(std::string(cls) + "/2.jpg"));
    touch(dir.file(std::string(cls) + "/1.png"));
  }
  EXPECT_EQ(detectLayout(dir.path()), DatasetLayout::ClassFolders);
  auto listing = listClassFolders(dir.path());
  ASSERT_TRUE(listing.ok()) << listing.error();
  EXPECT_EQ(listing->classNames, (std::vector<std::string>{"cat", "dog"}));
  ASSERT_EQ(listing->items.size(), 4u);
  EXPECT_EQ(listing->items[0].path, dir.file("cat/1.png"));
  EXPECT_EQ(listing->items[0].classId, 0);
  EXPECT_EQ(listing->items[3].path, dir.file("dog/2.jpg"));
  EXPECT_EQ(listing->items[3].classId, 1);

  ClassList model;
  model.classes = {{"dog", {}}, {"bird", {}}, {"cat", {}}};
  auto mapped = listClassFolders(dir.path(), &model);
  ASSERT_TRUE(mapped.ok()) << mapped.error();
  EXPECT_EQ(mapped->items[0].classId, 0);  // dog first: sorted by class id
  EXPECT_EQ(mapped->items[2].classId, 2);

  fs::create_directories(dir.file("horse"));
  EXPECT_NE(listClassFolders(dir.path(), &model).error().find("not named after a class"), std::string::npos);
  EXPECT_NE(listClassFolders(dir.path()).error().find("'" + dir.file("horse") + "' has no images"), std::string::npos);
  TempDir empty;
  EXPECT_NE(listClassFolders(empty.path()).error().find("no class folders"), std::string::npos);
  EXPECT_EQ(detectLayout(empty.path()), DatasetLayout::Unknown);
}

TEST(DatasetFolder, RealCamvidValPairImportsAsIndexMask) {
  const std::string val = test::sharedDir() + "/datasets/camvid/val";
  if (test::sharedDir().empty() || !fs::is_directory(val))
    GTEST_SKIP() << "shared CamVid data not found at '" << val
                 << "' (set SYMMFLOW_SHARED_DIR to the folder holding datasets/)";
  auto listing = listImageMaskPairs(val, true);
  ASSERT_TRUE(listing.ok()) << listing.error();
  EXPECT_EQ(listing->pairs.size(), 101u);
  const ImageMaskPair& pair = listing->pairs.front();

  ClassList camvid;
  for (const char* name : {"sky", "building", "pole", "road", "pavement", "tree", "sign", "fence", "car", "pedestrian",
                           "bicyclist", "void"})
    camvid.classes.push_back({name, {}});
  camvid.ignoreIndex = 11;

  auto image = loadImage(pair.imagePath);
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->width, 320);
  EXPECT_EQ(image->height, 240);
  auto mask = importMask(pair.maskPath, camvid);
  ASSERT_TRUE(mask.ok()) << mask.error();
  const auto& [labels, report] = mask.value();
  EXPECT_EQ(report.encoding, MaskReport::Encoding::Index) << report.summary();
  EXPECT_EQ(report.outOfRangePixels, 0) << report.summary();
  EXPECT_EQ(labels.width, 320);
  EXPECT_EQ(labels.height, 240);
  std::int64_t total = report.ignorePixels;
  for (auto h : report.histogram) total += h;
  EXPECT_EQ(total, 320 * 240);
}

}  // namespace
}  // namespace symmflow::imaging
