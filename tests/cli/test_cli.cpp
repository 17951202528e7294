// SPDX-License-Identifier: MIT
// The symmflow command line end to end on temporary files: pack -> train -> info ->
// generate / segment / edit / eval / bench, and bad inputs with their messages and exit codes.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "core/imaging/image_io.h"
#include "core/imaging/mask_cleanup.h"
#include "core/imaging/mask_io.h"
#include "core/imaging/provenance.h"
#include "core/model_info.h"
#include "core/runtime_env.h"
#include "core/safetensors.h"
#include "tests/support/image_diff.h"
#include "tests/support/run_cli.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace symmflow;

namespace {
using Run = symmflow::testing::CliRun;
constexpr auto run = symmflow::testing::runCli;

const ClassList& classes() {
  static ClassList c = [] {
    ClassList l;
    l.classes = {{"sky", {40, 80, 220}}, {"grass", {40, 200, 60}}, {"sun", {250, 220, 30}}};
    return l;
  }();
  return c;
}

// A folder with images/ and masks/ of a simple synthetic scene: sky over grass with a sun.
void writeScenes(const fs::path& dir, int n, int w, int h, unsigned seed) {
  fs::create_directories(dir / "images");
  fs::create_directories(dir / "masks");
  std::mt19937 rng(seed);
  for (int i = 0; i < n; ++i) {
    LabelMap m(w, h, 0);
    const int horizon = h / 2 + static_cast<int>(rng() % (h / 4)) - h / 8;
    const int sx = static_cast<int>(rng() % w), sy = static_cast<int>(rng() % (h / 3)),
              r = 2 + static_cast<int>(rng() % 3);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        if (y >= horizon)
          m.at(x, y) = 1;
        else if ((x - sx) * (x - sx) + (y - sy) * (y - sy) <= r * r)
          m.at(x, y) = 2;
      }
    RgbImage img(w, h);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int k = 0; k < 3; ++k)
          img.at(x, y)[k] = static_cast<uint8_t>(
              std::clamp<int>(classes().classes[m.at(x, y)].color[k] + static_cast<int>(rng() % 11) - 5, 0, 255));
    const std::string stem = "scene" + std::to_string(i);
    ASSERT_TRUE(imaging::savePng(img, (dir / "images" / (stem + ".png")).string()).ok());
    ASSERT_TRUE(imaging::saveIndexMask(m, (dir / "masks" / (stem + ".png")).string()).ok());
  }
}

class Cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_dir = symmflow::testing::makeTempDir("symmflow-cli");
    writeScenes(s_dir / "train", 24, 32, 24, 1);
    writeScenes(s_dir / "val", 4, 32, 24, 2);
    std::ofstream(s_dir / "classes.json") << classListToJson(classes());
    auto pack = run("pack --dir " + p("train") + " --classes " + p("classes.json") + " --size 16x16 -o " +
                    p("train.safetensors"));
    ASSERT_EQ(pack.code, 0) << pack.out;
    pack =
        run("pack --dir " + p("val") + " --classes " + p("classes.json") + " --size 16x16 -o " + p("val.safetensors"));
    ASSERT_EQ(pack.code, 0) << pack.out;
    auto train =
        run("train --train " + p("train.safetensors") + " --val " + p("val.safetensors") + " -o " + p("m.safetensors") +
            " --steps 20 --batch 4 --channels 8 --mult 1,2 --res-blocks 1 --attn '' --device cpu --val-every 20 "
            "--log-every 10");
    ASSERT_EQ(train.code, 0) << train.out;
  }
  static void TearDownTestSuite() { symmflow::testing::removeTree(s_dir.string()); }
  static std::string p(const std::string& name) { return (s_dir / name).string(); }
  static fs::path s_dir;
};
fs::path Cli::s_dir;
}  // namespace

TEST_F(Cli, HelpAndVersion) {
  auto r = run("--help");
  EXPECT_EQ(r.code, 0);
  for (const char* sub : {"info", "pack", "train", "generate", "segment", "classify", "edit", "eval", "bench"})
    EXPECT_NE(r.out.find(sub), std::string::npos) << sub;
  EXPECT_NE(run("--version").out.find("LibTorch"), std::string::npos);
  EXPECT_NE(run("frobnicate").code, 0);
}

// On a CPU that OpenBLAS does not know, the programs tell it which kernels to use
// (core/runtime_env.h); a kernel family the user chose is kept.
TEST_F(Cli, OpenBlasRunsKernelsForThisCpu) {
  using symmflow::testing::runCliWithEnv;
  auto version = runCliWithEnv("-u OPENBLAS_CORETYPE", "--version");
  const auto at = version.out.find("OpenBLAS ");
  if (at == std::string::npos) GTEST_SKIP() << "the BLAS here is not OpenBLAS: " << version.out;
  const auto name = version.out.substr(at + 9, version.out.find(')', at) - at - 9);
  EXPECT_EQ(symmflow::openBlasCoreOverride(name, symmflow::cpuFeatures()), "")
      << "OpenBLAS still runs its " << name << " kernels";
  auto chosen = runCliWithEnv("OPENBLAS_CORETYPE=Nehalem", "--version");
  EXPECT_NE(chosen.out.find("OpenBLAS Nehalem"), std::string::npos) << chosen.out;
}

TEST_F(Cli, InfoDescribesModelAndShard) {
  auto r = run("info --json " + p("m.safetensors"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"kind\":\"model\""), std::string::npos);
  EXPECT_NE(r.out.find("\"sun\""), std::string::npos);
  EXPECT_NE(r.out.find("gflops_per_eval"), std::string::npos);
  r = run("info --json " + p("train.safetensors"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"items\":24"), std::string::npos);
}

TEST_F(Cli, GenerateWritesDeterministicImagesWithProvenance) {
  const auto mask = p("val/masks/scene0.png");
  auto a = run("generate -m " + p("m.safetensors") + " --mask " + mask + " -o " + p("g.png") +
               " --steps 3 --seed 5 --count 2");
  ASSERT_EQ(a.code, 0) << a.out;
  auto b = run("generate -m " + p("m.safetensors") + " --mask " + mask + " -o " + p("h.png") + " --steps 3 --seed 5");
  ASSERT_EQ(b.code, 0) << b.out;
  auto g0 = imaging::loadImage(p("g_0.png"));
  auto h = imaging::loadImage(p("h.png"));
  ASSERT_TRUE(g0.ok() && h.ok());
  // The first of two variations is the single run, up to the rounding of batched kernels.
  EXPECT_LE(symmflow::testing::maxLevelDifference(*g0, *h), 2);
  EXPECT_EQ(g0->width, 16);
  auto text = imaging::readPngText(p("h.png"));
  ASSERT_TRUE(text.ok());
  // The studio's provenance keys; the model's fingerprint is what `sha256sum` prints for it.
  std::map<std::string, std::string> said(text->begin(), text->end());
  EXPECT_EQ(said["symmflow.kind"], "generate");
  EXPECT_EQ(said["symmflow.seed"], "5");
  EXPECT_EQ(said["symmflow.steps"], "3");
  EXPECT_EQ(said["symmflow.noise"], "philox4x32-10+box-muller");  // core/noise.h
  EXPECT_EQ(said["symmflow.model_file"], "m.safetensors");
  EXPECT_EQ(said["symmflow.model_sha256"], *imaging::fileSha256(p("m.safetensors")));
  EXPECT_EQ(said["symmflow.labels_sha256"].size(), 64u);
}

TEST_F(Cli, SegmentWritesAMaskAtThePhotoSize) {
  auto r = run("segment -m " + p("m.safetensors") + " -i " + p("val/images/scene1.png") + " -o " + p("s.png") +
               " --color " + p("sc.png") + " --draws 2 --mirror");
  ASSERT_EQ(r.code, 0) << r.out;
  // The mask says how it was made, averaging included.
  auto text = imaging::readPngText(p("s.png"));
  ASSERT_TRUE(text.ok()) << text.error();
  int said = 0;
  for (const auto& [k, v] : *text)
    said += (k == "symmflow.kind" && v == "segment") + (k == "symmflow.draws" && v == "2") +
            (k == "symmflow.mirror" && v == "true");
  EXPECT_EQ(said, 3);
  auto m = imaging::importMask(p("s.png"), classes());
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->first.width, 32);
  EXPECT_EQ(m->first.height, 24);
  auto c = imaging::importMask(p("sc.png"), classes());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->second.encoding, imaging::MaskReport::Encoding::Color);
  EXPECT_EQ(c->first, m->first);
}

TEST_F(Cli, SegmentMinRegionWritesTheRawMaskWithoutItsIslands) {
  const std::string base = "segment -m " + p("m.safetensors") + " -i " + p("val/images/scene1.png") + " --draws 2";
  auto raw = run(base + " -o " + p("raw.png"));
  ASSERT_EQ(raw.code, 0) << raw.out;
  auto r = run(base + " -o " + p("clean.png") + " --min-region 40");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("pixels merged"), std::string::npos) << r.out;
  auto rawMask = imaging::importMask(p("raw.png"), classes());
  auto cleanMask = imaging::importMask(p("clean.png"), classes());
  ASSERT_TRUE(rawMask.ok() && cleanMask.ok());
  LabelMap expected = rawMask->first;
  imaging::removeSpecks(expected, 40);
  EXPECT_EQ(cleanMask->first, expected);
  auto text = imaging::readPngText(p("clean.png"));
  ASSERT_TRUE(text.ok());
  bool said = false;
  for (const auto& [k, v] : *text) said |= k == "symmflow.min_region" && v == "40";
  EXPECT_TRUE(said);
  auto bad = run(base + " -o " + p("x.png") + " --min-region -3");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.out.find("--min-region"), std::string::npos) << bad.out;
}

TEST_F(Cli, EditRoundTripKeepsFarPixels) {
  auto r = run("edit -m " + p("m.safetensors") + " -i " + p("val/images/scene2.png") + " --mask " +
               p("val/masks/scene2.png") + " -o " + p("e.png") + " --steps 3");
  ASSERT_EQ(r.code, 0) << r.out;
  auto e = imaging::loadImage(p("e.png"));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->width, 32);
}

// --flow: x_t, y_t and the estimate at each of the 4 points of a 3-step run, 16x16 pictures
// scaled 6x, the last x_t being the image written.
TEST_F(Cli, GenerateAndEditWriteTheFlowAsOnePicture) {
  const auto mask = p("val/masks/scene0.png");
  auto g = run("generate -m " + p("m.safetensors") + " --mask " + mask + " -o " + p("fg.png") + " --flow " +
               p("flow.png") + " --steps 3 --seed 2 --count 2");
  ASSERT_EQ(g.code, 0) << g.out;
  EXPECT_NE(g.out.find("flow_1.png (the flow, 4 of 4 points)"), std::string::npos) << g.out;
  for (int i = 0; i < 2; ++i) {
    auto strip = imaging::loadImage(p("flow_" + std::to_string(i) + ".png"));
    auto image = imaging::loadImage(p("fg_" + std::to_string(i) + ".png"));
    ASSERT_TRUE(strip.ok() && image.ok()) << strip.error();
    ASSERT_EQ(strip->width, 34 + 4 * 96 + 3 * 4);
    ASSERT_EQ(strip->height, 20 + 3 * 96 + 2 * 4);
    int worst = 0;
    for (int y = 0; y < 16; ++y)
      for (int x = 0; x < 16; ++x)
        for (int k = 0; k < 3; ++k)
          worst =
              std::max(worst, std::abs(strip->at(34 + 3 * 100 + 6 * x + 3, 20 + 6 * y + 3)[k] - image->at(x, y)[k]));
    EXPECT_LE(worst, 2) << "variation " << i << ": the last x_t is the image written";
  }
  // A long run keeps 11 evenly spread points, the first and the last among them.
  auto longer = run("generate -m " + p("m.safetensors") + " --mask " + mask + " -o " + p("fl.png") + " --flow " +
                    p("flowl.png") + " --steps 20");
  ASSERT_EQ(longer.code, 0) << longer.out;
  EXPECT_NE(longer.out.find("flowl.png (the flow, 11 of 21 points)"), std::string::npos) << longer.out;
  auto eleven = imaging::loadImage(p("flowl.png"));
  ASSERT_TRUE(eleven.ok()) << eleven.error();
  EXPECT_EQ(eleven->width, 34 + 11 * 96 + 10 * 4);
  auto e = run("edit -m " + p("m.safetensors") + " -i " + p("val/images/scene2.png") + " --mask " +
               p("val/masks/scene2.png") + " -o " + p("fe.png") + " --steps 3 --flow " + p("eflow.png"));
  ASSERT_EQ(e.code, 0) << e.out;
  auto edited = imaging::loadImage(p("eflow.png"));
  ASSERT_TRUE(edited.ok()) << edited.error();
  EXPECT_EQ(edited->width, 34 + 4 * 96 + 3 * 4);

  const std::string gen = "generate -m " + p("m.safetensors") + " --steps 2 ";
  for (const auto& [args, said] : std::vector<std::pair<std::string, std::string>>{
           {"--mask " + p("val/masks/") + " -o " + p("fgdir/") + " --flow " + p("x.png"),
            "--flow is for one label map"},
           {"--mask " + mask + " -o " + p("x.png") + " --min-read-back 0.5 --flow " + p("y.png"),
            "--min-read-back may draw again"},
           {"--mask " + mask + " -o " + p("x.png") + " --flow " + p("y.jpg"), "name it .png"}}) {
    auto r = run(gen + args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_NE(r.out.find(said), std::string::npos) << r.out;
  }
}

TEST_F(Cli, EvalPrintsMetricsAsJson) {
  auto r = run("eval -m " + p("m.safetensors") + " --shard " + p("val.safetensors") + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"miou\""), std::string::npos);
  EXPECT_NE(r.out.find("\"per_class_iou\""), std::string::npos);
  r = run("eval -m " + p("m.safetensors") + " --images " + p("val/images") + " --masks " + p("val/masks") + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"pixel_accuracy\""), std::string::npos);
}

// Folders: segment writes <stem>.png per photo (the same mask as for that photo alone) and
// goes on past a broken file; generate turns a folder of maps into image/mask pairs that
// eval reads as a data set.
TEST_F(Cli, SegmentAndGenerateWorkOnFolders) {
  const fs::path photos = s_dir / "folder_photos";
  fs::create_directories(photos);
  for (int i = 0; i < 4; ++i)
    fs::copy_file(p("val/images/scene" + std::to_string(i) + ".png"), photos / ("scene" + std::to_string(i) + ".png"),
                  fs::copy_options::overwrite_existing);
  std::ofstream(photos / "broken.png") << "not a picture";
  auto r = run("segment -m " + p("m.safetensors") + " -i " + photos.string() + " -o " + p("folder_masks/") +
               " --draws 1 --seed 5");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("segmented 4 of 5 photos"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("broken.png"), std::string::npos) << r.out;
  auto single = run("segment -m " + p("m.safetensors") + " -i " + p("val/images/scene2.png") + " -o " +
                    p("single.png") + " --draws 1 --seed 5");
  ASSERT_EQ(single.code, 0) << single.out;
  auto fromFolder = imaging::importMask(p("folder_masks/scene2.png"), classes());
  auto alone = imaging::importMask(p("single.png"), classes());
  ASSERT_TRUE(fromFolder.ok() && alone.ok());
  EXPECT_EQ(fromFolder->first, alone->first);
  EXPECT_FALSE(fs::exists(p("folder_masks/broken.png")));

  r = run("generate -m " + p("m.safetensors") + " --mask " + p("val/masks") + " -o " + p("synth/") +
          " --steps 2 --count 2");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("generated from 4 of 4 label maps"), std::string::npos) << r.out;
  for (const char* name : {"scene0_0", "scene0_1", "scene3_1"}) {
    auto image = imaging::loadImage(p(std::string("synth/images/") + name + ".png"));
    auto map = imaging::importMask(p(std::string("synth/masks/") + name + ".png"), classes());
    ASSERT_TRUE(image.ok() && map.ok()) << name;
    EXPECT_EQ(map->first.width, image->width) << "each image is paired with its map at its size";
    EXPECT_EQ(map->first.height, image->height);
  }
  r = run("eval -m " + p("m.safetensors") + " --images " + p("synth/images") + " --masks " + p("synth/masks") +
          " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"items\":8"), std::string::npos) << r.out;

  // A folder and a file do not mix.
  r = run("segment -m " + p("m.safetensors") + " -i " + photos.string() + " -o " + p("x.png"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("give folders for -o and --color too"), std::string::npos) << r.out;
  r = run("generate -m " + p("m.safetensors") + " --mask " + p("val/masks/scene0.png") + " -o " + p("synth/"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("give a .png file for one label map"), std::string::npos) << r.out;
  r = run("segment -m " + p("m.safetensors") + " -i " + p("val/images/scene0.png") + " -o " + p("nowhere/deep/"));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("does not exist; create it first"), std::string::npos) << r.out;
}

// --read-back prints and records what the model reads back from each image it made;
// --min-read-back writes only images that read back on the share asked for, drawing again
// with later seeds up to --tries.
TEST_F(Cli, GenerateReadBackKeepsOnlyImagesThatReadBackAsTheMap) {
  const std::string base =
      "generate -m " + p("m.safetensors") + " --mask " + p("val/masks/scene1.png") + " --steps 3 --seed 7";
  auto r = run(base + " --read-back -o " + p("rb.png"));
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string said = "reads back as its map on ";
  const auto at = r.out.find(said);
  ASSERT_NE(at, std::string::npos) << r.out;
  const double printed = std::atof(r.out.c_str() + at + said.size()) / 100.0;
  auto text = imaging::readPngText(p("rb.png"));
  ASSERT_TRUE(text.ok()) << text.error();
  double recorded = -1.0;
  for (const auto& [key, value] : *text)
    if (key == imaging::provenance::kReadBack) recorded = std::atof(value.c_str());
  EXPECT_NEAR(recorded, printed, 0.0006) << "the PNG records the share printed";
  EXPECT_GE(recorded, 0.0);
  EXPECT_LE(recorded, 1.0);

  // `info` on the PNG prints its provenance and the command that makes it again.
  auto info = run("info " + p("rb.png") + " --json");
  ASSERT_EQ(info.code, 0) << info.out;
  const auto j = nlohmann::json::parse(info.out.substr(info.out.find('{')), nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << info.out;
  EXPECT_EQ(j["kind"], "image");
  EXPECT_EQ(j["provenance"]["symmflow.seed"], "7");
  EXPECT_EQ(j["provenance"]["symmflow.steps"], "3");
  EXPECT_NEAR(std::atof(j["provenance"]["symmflow.read_back"].get<std::string>().c_str()), recorded, 1e-6);
  EXPECT_NE(j["regenerate"].get<std::string>().find("--seed 7 --steps 3"), std::string::npos) << info.out;
  ASSERT_TRUE(imaging::savePng(RgbImage(4, 4, 9), p("plain.png")).ok());
  info = run("info " + p("plain.png"));
  EXPECT_EQ(info.code, 0) << info.out;
  EXPECT_NE(info.out.find("no SymmFlow provenance"), std::string::npos) << info.out;

  // Asked for more than this draw reads back, with one try: nothing is written, exit 1.
  if (recorded < 0.999) {
    r = run(base + " --min-read-back " + std::to_string(recorded + 0.001) + " --tries 1 -o " + p("rb_high.png"));
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("not written"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 image was not written"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(p("rb_high.png")));
  }
  // At most what it reads back: written, the same pixels as without the filter.
  r = run(base + " --min-read-back " + std::to_string(std::max(0.0, recorded - 0.001)) + " --tries 1 -o " +
          p("rb_low.png"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(imaging::loadImage(p("rb_low.png")).value(), imaging::loadImage(p("rb.png")).value());

  // All of the map (unless the first draw reads back perfectly): each of 3 tries is a draw
  // of its own seed, 7 then 8 and 9.
  r = run(base + " --min-read-back 1 --tries 3 -o " + p("rb_never.png"));
  if (r.out.find("reads back as its map on 100.0 %") == std::string::npos) {
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("seed 7 reads back on"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("drawing again with seed 8"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("drawing again with seed 9"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("the best of 3 draws"), std::string::npos) << r.out;
  }
}

// --native scores what `segment` writes: each photo at its own size (32x24 against a
// 16x16 model: covered by two windows), against its mask at that size.
TEST_F(Cli, EvalNativeScoresWhatSegmentWrites) {
  std::int64_t right = 0, total = 0;
  for (int i = 0; i < 4; ++i) {
    const std::string stem = "scene" + std::to_string(i);
    const std::string out = p("native_" + stem + ".png");
    auto r = run("segment -m " + p("m.safetensors") + " -i " + p("val/images/" + stem + ".png") + " -o " + out +
                 " --draws 1 --seed 3");
    ASSERT_EQ(r.code, 0) << r.out;
    auto written = imaging::importMask(out, classes());
    auto truth = imaging::importMask(p("val/masks/" + stem + ".png"), classes());
    ASSERT_TRUE(written.ok() && truth.ok());
    ASSERT_EQ(written->first.ids.size(), truth->first.ids.size());
    for (std::size_t k = 0; k < truth->first.ids.size(); ++k) {
      right += written->first.ids[k] == truth->first.ids[k];
      ++total;
    }
  }
  auto r = run("eval -m " + p("m.safetensors") + " --images " + p("val/images") + " --masks " + p("val/masks") +
               " --native --draws 1 --seed 3 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  EXPECT_EQ(j["resolution"], "photo");
  EXPECT_EQ(j["items"], 4);
  EXPECT_EQ(j["pixels"], total);
  EXPECT_DOUBLE_EQ(j["pixel_accuracy"].get<double>(), static_cast<double>(right) / static_cast<double>(total));
  // Without masks it says what it needs.
  r = run("eval -m " + p("m.safetensors") + " --shard " + p("val.safetensors") + " --native");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("--native needs --images and --masks"), std::string::npos) << r.out;
}

// --record adds one entry per setting to the file's metrics (steps, draws, mirror in
// the key) and leaves the weights byte for byte as they were.
TEST_F(Cli, EvalRecordsEachSettingUnderItsOwnKeyAndKeepsTheWeights) {
  const std::string model = p("recorded.safetensors");
  fs::copy_file(p("m.safetensors"), model, fs::copy_options::overwrite_existing);
  auto tensorBytes = [](const std::string& path) {
    auto f = SafetensorsFile::read(path);
    EXPECT_TRUE(f.ok()) << f.error();
    std::string all;
    for (const auto& e : f->tensors()) all += e.name + std::string(reinterpret_cast<const char*>(f->data(e)), e.bytes);
    return all;
  };
  const std::string before = tensorBytes(model);
  auto r = run("eval -m " + model + " --shard " + p("val.safetensors") + " --json --record");
  ASSERT_EQ(r.code, 0) << r.out;
  const double plain = nlohmann::json::parse(r.out)["miou"];
  r = run("eval -m " + model + " --shard " + p("val.safetensors") + " --json --record --draws 2 --mirror");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto averaged = nlohmann::json::parse(r.out);
  EXPECT_EQ(averaged["mirror"], true);

  auto file = SafetensorsFile::read(model);
  ASSERT_TRUE(file.ok()) << file.error();
  auto metrics = nlohmann::json::parse(file->metadataOr(meta::kMetrics, "{}"));
  ASSERT_TRUE(metrics.contains("eval_steps1")) << metrics.dump();
  ASSERT_TRUE(metrics.contains("eval_steps1_draws2_mirror")) << metrics.dump();
  EXPECT_DOUBLE_EQ(metrics["eval_steps1"]["miou"].get<double>(), plain);
  EXPECT_EQ(metrics["eval_steps1"]["draws"], 1);
  EXPECT_DOUBLE_EQ(metrics["eval_steps1_draws2_mirror"]["miou"].get<double>(), averaged["miou"].get<double>());
  EXPECT_EQ(metrics["eval_steps1_draws2_mirror"]["mirror"], true);
  EXPECT_EQ(tensorBytes(model), before);
}

TEST_F(Cli, BenchPrintsTimings) {
  auto r = run("bench -m " + p("m.safetensors") + " --device cpu --steps 2 --reps 2 --warmup 0 --draws 3 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* k : {"\"device\"", "\"eval_ms\"", "\"segment_ms\"", "\"generate_ms\"", "\"median\""})
    EXPECT_NE(r.out.find(k), std::string::npos) << k;
  EXPECT_EQ(nlohmann::json::parse(r.out.substr(r.out.find('{')))["segment_draws"], 3) << r.out;
  // The ceiling it is measured against: the dense matrix-product rate, and the utilisation.
  const auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  ASSERT_TRUE(j.contains("matmul")) << r.out;
  EXPECT_EQ(j["matmul"]["n"].get<int>(), 1024);
  EXPECT_GT(j["matmul"]["tflops"].get<double>(), 0.0);
  EXPECT_NEAR(j["mfu"].get<double>(), j["achieved_tflops"].get<double>() / j["matmul"]["tflops"].get<double>(), 1e-12);
  // CUDA graphs are a CUDA-only path: on the CPU the engine reports them off and no graph row.
  ASSERT_TRUE(j.contains("engine_cuda_graphs")) << r.out;
  EXPECT_FALSE(j["engine_cuda_graphs"]["active"].get<bool>());
  EXPECT_EQ(j["engine_cuda_graphs"]["replays"].get<long>(), 0);
  EXPECT_FALSE(j.contains("graph")) << r.out;
  // The CPU's fast path (docs/PERFORMANCE.md): channels-last memory and the fused CPU kernels,
  // unless the environment turns them off.
  if (std::getenv("SYMMFLOW_CHANNELS_LAST") == nullptr) {
    EXPECT_TRUE(j["channels_last"].get<bool>()) << r.out;
  }
  if (std::getenv("SYMMFLOW_FUSED_KERNELS") == nullptr) {
    EXPECT_GT(j["fused_kernels"]["calls"].get<long>(), 0) << r.out;
  }
  // Memory of each timed phase: the resident set before it and the peak while it ran.
  for (const char* phase : {"eval", "segment", "generate"}) {
    ASSERT_TRUE(j["memory"].contains(phase)) << r.out;
    const auto& m = j["memory"][phase];
    EXPECT_GT(m["host_before_mib"].get<double>(), 10.0) << phase;
    if (m["host_peak_reset"].get<bool>()) {
      EXPECT_GE(m["host_peak_mib"].get<double>(), m["host_before_mib"].get<double>() - 1.0) << phase;
    }
    EXPECT_FALSE(m.contains("device_peak_allocated_mib")) << "the CPU has no device peak";
  }
}

TEST_F(Cli, BenchDumpsVelocitiesProfilesAndChecksPrecision) {
  auto r = run("bench -m " + p("m.safetensors") +
               " --device cpu --steps 1 --reps 1 --warmup 0 --json --profile"
               " --precision bf16 --dump-velocity " +
               p("v.safetensors"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"precision\":\"fp32\""), std::string::npos) << "half precision is CUDA only: " << r.out;
  EXPECT_NE(r.out.find("\"leaf_ops\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("aten::"), std::string::npos) << r.out;
  auto dump = SafetensorsFile::read(p("v.safetensors"));
  ASSERT_TRUE(dump.ok()) << dump.error();
  for (const char* k : {"x", "y", "t", "vx", "vy"}) {
    const TensorEntry* e = dump->find(k);
    ASSERT_NE(e, nullptr) << k;
    EXPECT_EQ(e->dtype, DType::F32) << k;
  }
  EXPECT_EQ(dump->find("vx")->shape, dump->find("x")->shape);
  auto bad = run("bench -m " + p("m.safetensors") + " --device cpu --precision int4");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("fp32, fp16 or bf16"), std::string::npos) << bad.out;
}

// Architecture sweep: the file's task and size, another architecture, random weights; its
// FLOPs and parameters are that architecture's, and what needs the file's weights is not timed.
TEST_F(Cli, BenchTimesAnotherArchitectureWithRandomWeights) {
  const auto file = nlohmann::json::parse(run("info --json " + p("m.safetensors")).out);
  auto r = run("bench -m " + p("m.safetensors") +
               " --device cpu --reps 1 --warmup 0 --json --channels 12 --mult 1,3 --res-blocks 2 --attn ''");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  EXPECT_TRUE(j["random_weights"].get<bool>());
  EXPECT_EQ(j["architecture"]["base_channels"], 12);
  EXPECT_EQ(j["architecture"]["channel_mult"], nlohmann::json::array({1, 3}));
  EXPECT_EQ(j["architecture"]["res_blocks"], 2);
  EXPECT_TRUE(j["architecture"]["attention_levels"].empty());
  EXPECT_EQ(j["architecture"]["num_classes"], file["config"]["num_classes"]) << "the file's task is kept";
  EXPECT_EQ(j["image_size"], file["image_size"]);
  EXPECT_NE(j["parameters"], file["parameters"]);
  EXPECT_NE(j["gflops_per_eval"], file["gflops_per_eval"]);
  EXPECT_TRUE(j["segment_ms"].is_null());
  EXPECT_TRUE(j["generate_ms"].is_null());
  EXPECT_GT(j["eval_ms"]["median"].get<double>(), 0.0);

  auto bad = run("bench -m " + p("m.safetensors") + " --device cpu --mult 1,2x");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("--mult must be a comma-separated list of integers"), std::string::npos) << bad.out;
  auto unusable = run("bench -m " + p("m.safetensors") + " --device cpu --mult 1,2,4,8,8,8,8,8,8");
  EXPECT_EQ(unusable.code, 1);
  EXPECT_NE(unusable.out.find("this architecture is not usable"), std::string::npos) << unusable.out;
  auto mixed =
      run("bench -m " + p("m.safetensors") + " --device cpu --channels 8 --dump-velocity " + p("w.safetensors"));
  EXPECT_EQ(mixed.code, 1);
  EXPECT_NE(mixed.out.find("cannot be combined"), std::string::npos) << mixed.out;
}

TEST_F(Cli, PackNamesTheFilesItLeavesOut) {
  const fs::path d = s_dir / "unpaired";
  writeScenes(d, 3, 32, 24, 5);
  fs::remove(d / "masks" / "scene1.png");
  fs::rename(d / "images" / "scene2.png", d / "images" / "scene2-typo.png");
  auto r = run("pack --dir " + d.string() + " --classes " + p("classes.json") + " --size 16x16 -o " +
               p("unpaired.safetensors"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("1 items of 16x16"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 image(s) without a mask of the same stem left out"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("scene1.png"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("scene2-typo.png"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 mask(s) without an image of the same stem left out"), std::string::npos) << r.out;

  // A device as the class list would be read without end.
  if (fs::exists("/dev/zero")) {
    auto dev = run("pack --dir " + d.string() + " --classes /dev/zero --size 16x16 -o " + p("dev.safetensors"));
    EXPECT_EQ(dev.code, 1) << dev.out;
    EXPECT_NE(dev.out.find("not a class list (a JSON file of at most 1 MB is expected)"), std::string::npos) << dev.out;
  }
}

// An output that names a file the command reads (by another spelling, a symbolic or a hard
// link too), or another output, is refused before the model loads, and the file is left alone.
TEST_F(Cli, OutputsNeverReplaceWhatTheyRead) {
  fs::create_directories(p("own"));
  fs::copy_file(p("val/images/scene1.png"), p("own/photo.png"), fs::copy_options::overwrite_existing);
  fs::copy_file(p("val/masks/scene1.png"), p("own/map.png"), fs::copy_options::overwrite_existing);
  fs::remove(p("own/link.png"));
  fs::create_symlink(p("own/photo.png"), p("own/link.png"));
  fs::remove(p("own/hard.png"));
  fs::create_hard_link(p("own/map.png"), p("own/hard.png"));
  const auto photoBytes = *imaging::fileSha256(p("own/photo.png"));
  const auto mapBytes = *imaging::fileSha256(p("own/map.png"));
  const auto shardBytes = *imaging::fileSha256(p("train.safetensors"));
  const std::string m = "-m " + p("m.safetensors") + " ";
  const std::string other = p("own/other.png");
  for (const auto& [args, said] : std::vector<std::pair<std::string, std::string>>{
           {"segment " + m + "-i " + p("own/photo.png") + " -o " + p("own/../own/./photo.png"),
            "is the photo given with -i: writing it would replace the photo"},
           {"segment " + m + "-i " + p("own/link.png") + " -o " + p("own/photo.png"), "is the photo given with -i"},
           {"segment " + m + "-i " + p("own/photo.png") + " -o " + other + " --color " + other,
            "-o and --color both name"},
           {"segment " + m + "-i " + p("own/") + " -o " + p("own/"), "is the photo given with -i"},
           {"generate " + m + "--mask " + p("own/map.png") + " -o " + p("own/hard.png"),
            "is the label map given with --mask"},
           {"generate " + m + "--mask " + p("own/map.png") + " -o " + p("own/g.png") + " --count 2 --flow " +
                p("own/g.png"),
            "-o and --flow both name"},
           {"generate " + m + "--mask " + p("own/map.png") + " -o " + other + " --mask-preview " + other,
            "--mask-preview and -o both name"},
           {"edit " + m + "-i " + p("own/photo.png") + " --mask " + p("own/map.png") + " -o " + other + " --before " +
                p("own/map.png"),
            "is the edited label map given with --mask"},
           {"train --train " + p("train.safetensors") + " -o " + p("train.safetensors") + " --steps 1",
            "is the training shard given with --train"}}) {
    auto r = run(args);
    EXPECT_EQ(r.code, 1) << args;
    EXPECT_NE(r.out.find(said), std::string::npos) << args << "\n" << r.out;
  }
  EXPECT_EQ(*imaging::fileSha256(p("own/photo.png")), photoBytes);
  EXPECT_EQ(*imaging::fileSha256(p("own/map.png")), mapBytes);
  EXPECT_FALSE(fs::exists(other));
  EXPECT_EQ(*imaging::fileSha256(p("train.safetensors")), shardBytes);
  // Other names are fine.
  auto ok = run("segment " + m + "-i " + p("own/photo.png") + " -o " + other);
  EXPECT_EQ(ok.code, 0) << ok.out;
}

TEST_F(Cli, BadInputsFailWithClearMessages) {
  // An output folder that does not exist is refused before any model run.
  auto missing = run("generate -m " + p("m.safetensors") + " --mask " + p("val/masks/scene0.png") + " -o " +
                     p("no/such/folder/g.png") + " --steps 50");
  EXPECT_NE(missing.code, 0);
  EXPECT_NE(missing.out.find("does not exist; create it first"), std::string::npos) << missing.out;
  // Masks and images are written as PNG: another extension is refused, not mislabelled.
  auto notPng = run("segment -m " + p("m.safetensors") + " -i " + p("val/images/scene1.png") + " -o " + p("s.png") +
                    " --color " + p("s.jpg"));
  EXPECT_NE(notPng.code, 0);
  EXPECT_NE(notPng.out.find("name it .png"), std::string::npos) << notPng.out;
  EXPECT_FALSE(fs::exists(p("s.jpg")));
  auto r = run("segment -m " + p("m.safetensors") + " -i " + p("nope.png") + " -o " + p("x.png"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("does not exist"), std::string::npos) << r.out;

  std::ofstream(p("corrupt.png"), std::ios::binary) << "\x89PNG\r\n\x1a\n garbage";
  r = run("segment -m " + p("m.safetensors") + " -i " + p("corrupt.png") + " -o " + p("x.png"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("error"), std::string::npos) << r.out;

  // A colour mask with a colour far from every class.
  RgbImage odd(16, 16, 0);
  for (auto& v : odd.pixels) v = 128;
  ASSERT_TRUE(imaging::savePng(odd, p("odd.png")).ok());
  RgbImage odd2 = odd;
  odd2.at(0, 0)[0] = 255;
  odd2.at(0, 0)[1] = 0;
  ASSERT_TRUE(imaging::savePng(odd2, p("odd2.png")).ok());
  r = run("generate -m " + p("m.safetensors") + " --mask " + p("odd2.png") + " -o " + p("x.png") + " --steps 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("not a class colour"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Here: --snap."), std::string::npos) << r.out;
  // --snap is not suggested for a file it could not read either.
  r = run("generate -m " + p("m.safetensors") + " --mask " + p("no-such-map.png") + " -o " + p("x.png"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("does not exist"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("--snap"), std::string::npos) << r.out;

  // Class count mismatch: ids beyond the model's classes.
  LabelMap many(16, 16, 1);
  many.at(0, 0) = 0;
  many.at(1, 0) = 2;
  for (int x = 4; x < 12; ++x) many.at(x, 8) = 7;
  ASSERT_TRUE(imaging::saveIndexMask(many, p("many.png")).ok());
  r = run("generate -m " + p("m.safetensors") + " --mask " + p("many.png") + " -o " + p("x.png") + " --steps 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("7"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("error"), std::string::npos) << r.out;

  r = run("generate -m " + p("missing.safetensors") + " --mask " + p("many.png") + " -o " + p("x.png"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("not found"), std::string::npos) << r.out;
  r = run("generate -m " + p("m.safetensors") + " --label sun -o " + p("x.png"));
  EXPECT_EQ(r.code, 0) << r.out;  // image-level label on a dense model: a uniform map
  r = run("generate -m " + p("m.safetensors") + " --label moon -o " + p("x.png"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("unknown class 'moon'"), std::string::npos) << r.out;
  r = run("eval -m " + p("m.safetensors") + " --shard " + p("m.safetensors"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("not a SymmFlow data shard"), std::string::npos) << r.out;
  r = run("train --train " + p("train.safetensors") + " -o " + p("y.safetensors") + " --crop 7x7 --steps 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("divisible"), std::string::npos) << r.out;
}
