// SPDX-License-Identifier: MIT
// symmflow generate | segment | classify | edit: the model's four uses on image files.
// Photos keep their own size: they are framed to the model's size and results are
// mapped back (label maps edge-aware, edits composited into the original pixels).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/flow_recorder.h"
#include "app/cli/folder_jobs.h"
#include "app/cli/output_paths.h"
#include "app/cli/read_back.h"
#include "app/cli/whole_photo.h"
#include "core/engine.h"
#include "core/imaging/composite.h"
#include "core/imaging/dataset_folder.h"
#include "core/imaging/framing.h"
#include "core/imaging/image_io.h"
#include "core/imaging/mask_cleanup.h"
#include "core/imaging/mask_io.h"
#include "core/imaging/provenance.h"
#include "core/imaging/resample.h"

namespace symmflow::cli {
namespace fs = std::filesystem;

namespace {

// Masks and images are written as PNG: the output path must say so (any case).
const CLI::Validator PngOutput(
    [](std::string& path) -> std::string {
      if (imaging::lowerExtension(path) == "png") return {};
      return "'" + path + "': this is written as PNG (lossless, with its provenance); name it .png";
    },
    "", "a .png file");
struct Common {
  std::string model, device = "auto", solver = "euler", precision = "auto";
  int steps = 0;
  std::uint64_t seed = 0;
};

void addCommon(CLI::App* cmd, Common& c, int defaultSteps) {
  c.steps = defaultSteps;
  cmd->add_option("-m,--model", c.model, "model file or name (default: camvid)")->default_val("camvid");
  cmd->add_option("--steps", c.steps, "sampler steps")->check(CLI::Range(1, 1000));
  cmd->add_option("--solver", c.solver, "euler | heun");
  cmd->add_option("--seed", c.seed, "noise seed (same inputs and seed give the same result)");
  cmd->add_option("--device", c.device, "auto | cpu | cuda");
  cmd->add_option("--precision", c.precision,
                  "auto | fp32 | fp16 | bf16 (auto: fp16 on CUDA when it agrees with fp32, else fp32)");
}

Result<Engine> openEngine(const Common& c) {
  std::string err;
  auto path = resolveModelPath(c.model, &err);
  if (path.empty()) return Error{err};
  auto dev = parseDevice(c.device);
  if (!dev) return Error{dev.error()};
  auto precision = parsePrecision(c.precision);
  if (!precision) return Error{precision.error()};
  return Engine::load(path, *dev, *precision);
}

// The same provenance as the studio's exports (core/imaging/provenance.h).
imaging::TextChunks provenance(const Engine& e, const Common& c, const std::string& what, const LabelMap* labels) {
  namespace k = imaging::provenance;
  imaging::TextChunks t{{k::kSoftware, "SymmFlow Studio " + engineVersion()},
                        {k::kKind, what},
                        {k::kModel, e.info().name},
                        {k::kModelFile, fs::path(e.info().path).filename().string()}};
  if (auto sum = imaging::fileSha256(e.info().path)) t.push_back({k::kModelSha256, *sum});
  if (labels) t.push_back({k::kLabelsSha256, imaging::labelMapSha256(*labels)});
  t.push_back({k::kSeed, std::to_string(c.seed)});
  t.push_back({k::kNoise, noiseStream()});
  t.push_back({k::kSteps, std::to_string(c.steps)});
  t.push_back({k::kSolver, c.solver});
  return t;
}

// "street" for one output, "street_0", "street_1", ... for several.
std::string numberedStem(const std::string& stem, int i, int count) {
  return count == 1 ? stem : stem + "_" + std::to_string(i);
}

std::string numbered(const std::string& out, int i, int count) {
  if (count == 1) return out;
  fs::path p(out);
  return (p.parent_path() / (numberedStem(p.stem().string(), i, count) + p.extension().string())).string();
}

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %%", 100.0 * share);
  return text;
}

std::string notReadBack(int unwritten, double minShare, int tries) {
  return std::to_string(unwritten) + (unwritten == 1 ? " image was" : " images were") + " not written: none of " +
         std::to_string(tries) + " draws read back on " + percent(minShare) +
         " of the map (more --tries, or a lower --min-read-back)";
}

// Reads a label map for the model: index or colour PNG, any size (framed like a photo).
Result<LabelMap> readMaskForModel(const std::string& path, const ModelInfo& info, bool snap) {
  imaging::MaskImportOptions mo;
  mo.offPalette =
      snap ? imaging::MaskImportOptions::OffPalette::SnapNearest : imaging::MaskImportOptions::OffPalette::Error;
  mo.outOfRange =
      snap ? imaging::MaskImportOptions::OutOfRange::AssignClass : imaging::MaskImportOptions::OutOfRange::Error;
  auto m = imaging::importMask(path, info.classes, mo);
  if (!m) {
    // --snap is suggested only where it would have read the file (unknown colours or ids),
    // not for a missing or broken one.
    if (snap) return Error{m.error()};
    imaging::MaskImportOptions snapped = mo;
    snapped.offPalette = imaging::MaskImportOptions::OffPalette::SnapNearest;
    snapped.outOfRange = imaging::MaskImportOptions::OutOfRange::AssignClass;
    return Error{imaging::importMask(path, info.classes, snapped) ? m.error() + " Here: --snap." : m.error()};
  }
  const auto& map = m->first;
  if (map.width == info.imageWidth() && map.height == info.imageHeight()) return map;
  const auto framing = imaging::makeFraming(map.width, map.height, info.imageWidth(), info.imageHeight());
  return imaging::labelsToModel(map, framing);
}

// The solver the common options name and the engine they load.
struct EngineJob {
  Solver solver = Solver::Euler;
  Engine engine;
};
Result<EngineJob> openEngineJob(const Common& c) {
  auto solver = parseSolver(c.solver);
  if (!solver) return Error{solver.error()};
  auto engine = openEngine(c);
  if (!engine) return Error{engine.error()};
  return EngineJob{*solver, std::move(*engine)};
}

// What classify and edit share: the solver, the photo and the engine, with the photo's
// framing to the model size.
struct PhotoJob {
  Solver solver = Solver::Euler;
  RgbImage photo;
  Engine engine;
  imaging::Framing framing;
};
Result<PhotoJob> openPhotoJob(const Common& c, const std::string& input) {
  if (auto solver = parseSolver(c.solver); !solver) return Error{solver.error()};  // before reading the photo
  auto photo = imaging::loadImage(input);
  if (!photo) return Error{photo.error()};
  auto opened = openEngineJob(c);
  if (!opened) return Error{opened.error()};
  PhotoJob job{opened->solver, std::move(*photo), std::move(opened->engine), {}};
  const auto& info = job.engine.info();
  job.framing = imaging::makeFraming(job.photo.width, job.photo.height, info.imageWidth(), info.imageHeight());
  return job;
}

// The files of `count` outputs named after `path` (none when it is empty).
std::vector<std::string> numberedFiles(const std::string& path, int count) {
  std::vector<std::string> files;
  for (int i = 0; !path.empty() && i < count; ++i) files.push_back(numbered(path, i, count));
  return files;
}
}  // namespace

void registerGenerate(CLI::App& app, int& exitCode) {
  auto* cmd =
      app.add_subcommand("generate", "Label map (or class name) -> image; a folder of maps -> image/mask pairs");
  static Common c;
  static std::string mask, label, output, preview, flow;
  static int count = 1, tries = 4;
  static bool snap = false, readBack = false;
  static double minReadBack = 0.0;
  addCommon(cmd, c, 10);
  cmd->add_option("--mask", mask,
                  "label map: index or colour PNG; or a folder of them (then -o is a folder that gets "
                  "images/<stem>.png and, at each image's size, masks/<stem>.png: a paired data set)");
  cmd->add_option("--label", label, "class name, for image-level models");
  cmd->add_option("-o,--output", output, "image to write (.png); with --count N, OUT_0.png ...; or a folder")
      ->required()
      ->check(PngOrFolderOutput);
  cmd->add_option("--count", count, "variations (seeds seed, seed+1, ...)")->check(CLI::Range(1, 64));
  cmd->add_flag("--snap", snap, "snap unknown colours/ids to the nearest class instead of failing");
  cmd->add_option("--mask-preview", preview, "also write the label map used, in class colours (model size)")
      ->check(OutputFolderExists & PngOutput);
  cmd->add_option("--flow", flow,
                  "also write the flow as one picture, for a figure: x_t, y_t and the one-step label "
                  "estimate at up to 11 points from noise (t = 0) to the image (.png; with --count N, "
                  "FLOW_0.png ...)")
      ->check(OutputFolderExists & PngOutput);
  cmd->add_flag("--read-back", readBack,
                "segment each image made and print the share of the map's pixels it reads back as painted "
                "(4 more network evaluations an image; recorded in the PNG)");
  cmd->add_option("--min-read-back", minReadBack,
                  "keep only images that read back on at least this share of the map (0-1, e.g. 0.8): one "
                  "below is drawn again with the next seeds, up to --tries draws, else not written")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--tries", tries, "draws per image for --min-read-back")->check(CLI::Range(1, 64));
  cmd->callback([&exitCode] {
    if (minReadBack > 0.0) readBack = true;
    if (mask.empty() == label.empty()) {
      exitCode = fail("give exactly one of --mask or --label");
      return;
    }
    const bool folder = !mask.empty() && isFolderArgument(mask);
    if (isFolderArgument(output) != folder) {
      exitCode = fail(folder ? "--mask is a folder of label maps: give a folder for -o too (end it with '/')"
                             : "'" + output + "' is a folder: give a .png file for one label map");
      return;
    }
    if (folder && !preview.empty()) {
      exitCode = fail("--mask-preview is for one label map; a folder's pairs are in <output>/masks");
      return;
    }
    if (!flow.empty() && (folder || minReadBack > 0.0)) {
      exitCode = fail(folder ? "--flow is for one label map: give a .png map, not a folder"
                             : "--flow shows the flow of one draw; --min-read-back may draw again: use one of them");
      return;
    }
    std::vector<std::string> maps;
    if (folder) {
      auto files = imaging::listImageFiles(mask, /*masks=*/true);
      if (!files) {
        exitCode = fail(files.error());
        return;
      }
      maps = std::move(files).value();
      for (const std::string& dir :
           {output, (fs::path(output) / "images").string(), (fs::path(output) / "masks").string()})
        if (auto s = prepareOutputFolder(dir); !s) {
          exitCode = fail(s.error());
          return;
        }
    }
    // No output may replace a label map read or another output (before the model loads).
    for (const std::string& in : folder ? maps : std::vector<std::string>{mask}) {
      const std::string stem = fs::path(in).stem().string();
      std::vector<NamedPath> outs{{"--mask-preview", preview, ""}};
      for (int i = 0; i < count; ++i) {
        const std::string name = numberedStem(stem, i, count);
        if (folder) {
          outs.push_back({"-o", pngInFolder((fs::path(output) / "images").string(), name), ""});
          outs.push_back({"-o", pngInFolder((fs::path(output) / "masks").string(), name), ""});
        } else {
          outs.push_back({"-o", numbered(output, i, count), ""});
          if (!flow.empty()) outs.push_back({"--flow", numbered(flow, i, count), ""});
        }
      }
      if (auto s = checkOutputs({{"--mask", in, "the label map"}}, outs); !s) {
        exitCode = fail(s.error());
        return;
      }
    }
    auto job = openEngineJob(c);
    if (!job) {
      exitCode = fail(job.error());
      return;
    }
    const Engine& engine = job->engine;
    const auto& info = engine.info();
    RunParams p;
    p.steps = c.steps;
    p.solver = job->solver;
    p.seed = c.seed;
    p.count = count;
    // Generates from `labels` and writes image i to imagePath(i) (and, when maskPath is
    // given, the map at the image's size to maskPath(i)).
    // With --min-read-back, variation i draws again with seeds seed + i + k*count (k = 1, 2, ...)
    // while it reads back on less than asked; `unwritten` counts those that never did.
    int unwritten = 0;
    auto generateFrom = [&](const LabelMap& labels, const std::function<std::string(int)>& imagePath,
                            const std::function<std::string(int)>& maskPath) -> Status {
      FlowRecorder recorder;
      auto images = engine.generate(labels, p, recorder.control(!flow.empty()));
      if (!images) return Error{images.error()};
      for (int i = 0; i < count; ++i) {
        Common ci = c;
        ci.seed = c.seed + static_cast<std::uint64_t>(i);
        RgbImage image = std::move((*images)[static_cast<std::size_t>(i)]);
        const auto path = imagePath(i);
        double share = 0.0;
        if (readBack) {
          auto s = readBackShare(engine, image, labels, ci.seed);
          if (!s) return Error{s.error()};
          share = *s;
          std::uint64_t triedSeed = ci.seed;  // the last draw and what it read back
          double triedShare = share;
          for (int k = 1; share < minReadBack && k < tries; ++k) {
            RunParams again = p;
            again.count = 1;
            again.seed = c.seed + static_cast<std::uint64_t>(i) + static_cast<std::uint64_t>(k) * count;
            std::cout << path << ": seed " << triedSeed << " reads back on " << percent(triedShare)
                      << ", drawing again with seed " << again.seed << std::endl;
            auto redrawn = engine.generate(labels, again);
            if (!redrawn) return Error{redrawn.error()};
            auto next = readBackShare(engine, redrawn->front(), labels, again.seed);
            if (!next) return Error{next.error()};
            triedSeed = again.seed;
            triedShare = *next;
            if (triedShare > share) {  // the best draw so far
              image = std::move(redrawn->front());
              ci.seed = triedSeed;
              share = triedShare;
            }
          }
          if (share < minReadBack) {
            std::cout << path << ": not written: the best of " << tries << " draws (seed " << ci.seed
                      << ") reads back on " << percent(share) << ", under " << percent(minReadBack) << std::endl;
            ++unwritten;
            continue;
          }
        }
        auto text = provenance(engine, ci, "generate", &labels);
        if (readBack) text.push_back({imaging::provenance::kReadBack, std::to_string(share)});
        if (auto s = imaging::savePng(image, path, text); !s) return s;
        std::cout << "wrote " << path;
        if (readBack) std::cout << " (reads back as its map on " << percent(share) << " of its pixels)";
        std::cout << std::endl;
        if (maskPath) {
          const LabelMap atImage = labels.width == image.width && labels.height == image.height
                                       ? labels
                                       : imaging::resizeLabels(labels, image.width, image.height);
          if (auto s = imaging::saveIndexMask(atImage, maskPath(i), text); !s) return s;
        }
      }
      return recorder.write(numberedFiles(flow, count), info.classes);
    };
    if (folder) {
      exitCode = forEachInput(maps, "generated from", "label maps", [&](const std::string& in) -> Status {
        auto labels = readMaskForModel(in, info, snap);
        if (!labels) return Error{labels.error()};
        const std::string stem = fs::path(in).stem().string();
        auto name = [&](int i) { return numberedStem(stem, i, count); };
        return generateFrom(
            *labels, [&](int i) { return pngInFolder((fs::path(output) / "images").string(), name(i)); },
            [&](int i) { return pngInFolder((fs::path(output) / "masks").string(), name(i)); });
      });
      if (unwritten > 0) exitCode = fail(notReadBack(unwritten, minReadBack, tries));
      return;
    }
    LabelMap labels;
    if (!label.empty()) {
      const int id = info.classes.find(label);
      if (id < 0) {
        std::string names;
        for (const auto& k : info.classes.classes) names += (names.empty() ? "" : ", ") + k.name;
        exitCode = fail("unknown class '" + label + "'; this model's classes are: " + names);
        return;
      }
      labels = LabelMap(info.labelWidth(), info.labelHeight(), static_cast<std::uint8_t>(id));
    } else {
      auto m = readMaskForModel(mask, info, snap);
      if (!m) {
        exitCode = fail(m.error());
        return;
      }
      labels = *m;
    }
    if (!preview.empty()) {
      const bool dense = labels.width == info.imageWidth() && labels.height == info.imageHeight();
      auto shown = dense ? labels : imaging::resizeLabels(labels, info.imageWidth(), info.imageHeight());
      if (auto s = imaging::savePng(imaging::colorize(shown, info.classes), preview); !s) {
        exitCode = fail(s.error());
        return;
      }
    }
    if (auto s = generateFrom(labels, [](int i) { return numbered(output, i, count); }, {}); !s)
      exitCode = fail(s.error());
    else if (unwritten > 0)
      exitCode = fail(notReadBack(unwritten, minReadBack, tries));
  });
}

void registerSegment(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("segment", "Photo -> index mask at the photo's own size (or a folder of photos)");
  static Common c;
  static std::string input, output, color;
  static int draws = 4;
  static bool mirror = false;
  static std::int64_t minRegion = 0;
  addCommon(cmd, c, 1);
  cmd->add_option("-i,--input", input, "photo (PNG, JPEG, BMP, TIFF, WebP, JPEG 2000, PNM, ...), or a folder of photos")
      ->required();
  cmd->add_option("-o,--output", output,
                  "index mask to write (.png, 8-bit class ids); for a folder of photos, a folder (<stem>.png each)")
      ->required()
      ->check(PngOrFolderOutput);
  cmd->add_option("--color", color, "also write a colour mask (.png; a folder for a folder of photos)")
      ->check(PngOrFolderOutput);
  cmd->add_option("--draws", draws,
                  "noise draws averaged (batched; a model trained with flips spends an even count half on "
                  "the mirrored photo)")
      ->check(CLI::Range(1, 32));
  cmd->add_flag("--mirror", mirror, "also average each draw on the mirrored photo (twice the work)");
  cmd->add_option("--min-region", minRegion,
                  "merge every island of a class under this many pixels (at the photo's size) into the class "
                  "around it, as the studio's Edit > Remove specks does (0: the raw segmentation)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40));
  cmd->callback([&exitCode] {
    const bool folder = isFolderArgument(input);
    for (const std::string* out : {&output, &color})
      if (!out->empty() && isFolderArgument(*out) != folder) {
        exitCode = fail(folder ? "-i is a folder of photos: give folders for -o and --color too (end them with '/')"
                               : "'" + *out + "' is a folder: give a .png file for one photo");
        return;
      }
    std::vector<std::string> photos{input};
    if (folder) {
      auto files = imaging::listImageFiles(input);
      if (!files) {
        exitCode = fail(files.error());
        return;
      }
      photos = std::move(files).value();
      for (const std::string* out : {&output, &color})
        if (auto s = out->empty() ? Status{} : prepareOutputFolder(*out); !s) {
          exitCode = fail(s.error());
          return;
        }
    } else if (auto probe = imaging::probeImage(input); !probe) {
      exitCode = fail(probe.error());  // before the model loads
      return;
    }
    // No mask may replace a photo or the other mask.
    if (auto s = checkOutputs({}, {{"-o", output, ""}, {"--color", color, ""}}); !s) {
      exitCode = fail(s.error());
      return;
    }
    for (const std::string& in : photos) {
      const std::string stem = fs::path(in).stem().string();
      const std::string out = folder ? pngInFolder(output, stem) : output;
      const std::string colorOut = !folder || color.empty() ? color : pngInFolder(color, stem);
      if (auto s = checkOutputs({{"-i", in, "the photo"}}, {{"-o", out, ""}, {"--color", colorOut, ""}}); !s) {
        exitCode = fail(s.error());
        return;
      }
    }
    auto job = openEngineJob(c);
    if (!job) {
      exitCode = fail(job.error());
      return;
    }
    const Engine& engine = job->engine;
    const auto& info = engine.info();
    if (info.imageLevel()) {
      exitCode = fail("this model classifies whole images; use 'symmflow classify'");
      return;
    }
    SegmentParams p;
    p.steps = c.steps;
    p.solver = job->solver;
    p.seed = c.seed;
    p.draws = draws;
    p.mirror = mirror;
    auto text = provenance(engine, c, "segment", nullptr);
    text.push_back({imaging::provenance::kDraws, std::to_string(draws)});
    text.push_back({imaging::provenance::kMirror, mirror ? "true" : "false"});
    if (minRegion > 1) text.push_back({imaging::provenance::kMinRegion, std::to_string(minRegion)});
    auto segmentOne = [&](const std::string& in, const std::string& out, const std::string& colorOut) -> Status {
      auto photo = imaging::loadImage(in);
      if (!photo) return Error{photo.error()};
      // The whole photo: crops of the model's aspect side by side where the photo's differs.
      auto covered = segmentWholePhoto(engine, *photo, p);
      if (!covered) return Error{covered.error()};
      LabelMap& labels = covered->labels;
      std::string cleaned;
      if (minRegion > 1) {
        const imaging::SpeckReport r = imaging::removeSpecks(labels, minRegion);
        cleaned = ", " + std::to_string(r.merges) + " islands under " + std::to_string(minRegion) + " pixels merged";
      }
      if (auto s = imaging::saveIndexMask(labels, out, text); !s) return s;
      std::cout << "wrote " << out << " (" << labels.width << "x" << labels.height << cleaned << ")" << std::endl;
      if (!colorOut.empty()) {
        if (auto s = imaging::saveColorMask(labels, info.classes, colorOut, text); !s) return s;
        std::cout << "wrote " << colorOut << std::endl;
      }
      return {};
    };
    if (!folder) {
      if (auto s = segmentOne(input, output, color); !s) exitCode = fail(s.error());
      return;
    }
    exitCode = forEachInput(photos, "segmented", "photos", [&](const std::string& in) {
      const std::string stem = fs::path(in).stem().string();
      return segmentOne(in, pngInFolder(output, stem), color.empty() ? std::string() : pngInFolder(color, stem));
    });
  });
}

void registerClassify(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("classify", "Image -> class probabilities");
  static Common c;
  static std::string input;
  static int top = 5, draws = 4;
  static bool json = false, mirror = false;
  addCommon(cmd, c, 1);
  cmd->add_option("-i,--input", input, "image")->required();
  cmd->add_option("--top", top, "how many classes to print")->check(CLI::Range(1, 255));
  cmd->add_option("--draws", draws,
                  "noise draws averaged (batched; a model trained with flips spends an even count half on "
                  "the mirrored photo)")
      ->check(CLI::Range(1, 32));
  cmd->add_flag("--mirror", mirror, "also average each draw on the mirrored photo (twice the work)");
  cmd->add_flag("--json", json, "print one JSON object");
  cmd->callback([&exitCode] {
    auto job = openPhotoJob(c, input);
    if (!job) {
      exitCode = fail(job.error());
      return;
    }
    const auto& info = job->engine.info();
    SegmentParams p;
    p.steps = c.steps;
    p.solver = job->solver;
    p.seed = c.seed;
    p.draws = draws;
    p.mirror = mirror;
    auto r = job->engine.classify(imaging::toModel(job->photo, job->framing), p);
    if (!r) {
      exitCode = fail(r.error());
      return;
    }
    std::vector<int> order(r->probabilities.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return r->probabilities[a] > r->probabilities[b]; });
    order.resize(std::min<size_t>(order.size(), static_cast<size_t>(top)));
    nlohmann::json j = nlohmann::json::array();
    for (int k : order) j.push_back({{"class", info.classes.classes[k].name}, {"probability", r->probabilities[k]}});
    if (json)
      std::cout << nlohmann::json{{"top", j}, {"prediction", info.classes.classes[r->top].name}}.dump() << std::endl;
    else
      for (int k : order) std::cout << info.classes.classes[k].name << "\t" << r->probabilities[k] << "\n";
  });
}

void registerEdit(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("edit", "Round trip: photo + edited label map -> photo with only the edit changed");
  static Common c;
  static std::string input, mask, output, before, flow;
  static float feather = 3.0f;
  static bool reroll = false, snap = false;
  addCommon(cmd, c, 10);
  cmd->add_option("-i,--input", input, "photo")->required();
  cmd->add_option("--mask", mask, "edited label map (index or colour PNG), photo or model size")->required();
  cmd->add_option("-o,--output", output, "edited photo to write (.png)")
      ->required()
      ->check(OutputFolderExists & PngOutput);
  cmd->add_option("--before", before, "also write the inversion's label map (index PNG at model size)")
      ->check(OutputFolderExists & PngOutput);
  cmd->add_option("--flow", flow,
                  "also write the edit's flow as one picture: x_t, y_t and the one-step label estimate "
                  "at up to 11 points from the inverted noise (t = 0) to the edited image (.png, model size)")
      ->check(OutputFolderExists & PngOutput);
  cmd->add_option("--feather", feather, "feather of the composited region, in photo pixels");
  cmd->add_flag("--reroll", reroll, "fresh noise (from --seed) inside the changed region");
  cmd->add_flag("--snap", snap, "snap unknown colours/ids to the nearest class instead of failing");
  cmd->callback([&exitCode] {
    if (auto s = checkOutputs({{"-i", input, "the photo"}, {"--mask", mask, "the edited label map"}},
                              {{"-o", output, ""}, {"--before", before, ""}, {"--flow", flow, ""}});
        !s) {
      exitCode = fail(s.error());
      return;
    }
    auto job = openPhotoJob(c, input);
    if (!job) {
      exitCode = fail(job.error());
      return;
    }
    const Engine& engine = job->engine;
    const auto& framing = job->framing;
    const auto& info = engine.info();
    if (info.imageLevel()) {
      exitCode = fail("editing needs a model with dense label maps");
      return;
    }
    auto edited = readMaskForModel(mask, info, snap);
    if (!edited) {
      exitCode = fail(edited.error());
      return;
    }
    RunParams rp;
    rp.steps = c.steps;
    rp.solver = job->solver;
    rp.seed = c.seed;
    auto inv = engine.invert(imaging::toModel(job->photo, framing), rp);
    if (!inv) {
      exitCode = fail(inv.error());
      return;
    }
    if (!before.empty())
      if (auto s = imaging::saveIndexMask(inv->labels(), before); !s) {
        exitCode = fail(s.error());
        return;
      }
    EditParams ep;
    ep.solver = job->solver;
    ep.rerollChanged = reroll;
    ep.seed = c.seed;
    FlowRecorder recorder;
    auto out = engine.edit(*inv, *edited, ep, recorder.control(!flow.empty()));
    if (!out) {
      exitCode = fail(out.error());
      return;
    }
    if (auto s = recorder.write(numberedFiles(flow, 1), info.classes); !s) {
      exitCode = fail(s.error());
      return;
    }
    auto changedModel = imaging::changedMask(inv->labels(), *edited);
    auto changedPhoto = imaging::labelsToPhoto(changedModel, framing, 0);
    auto result = imaging::compositeEdit(job->photo, *out, changedPhoto, framing, feather);
    int64_t changed = 0;
    for (auto v : changedModel.ids) changed += v != 0;
    if (auto s = imaging::savePng(result, output, provenance(engine, c, "edit", &*edited)); !s) {
      exitCode = fail(s.error());
      return;
    }
    std::cout << "wrote " << output << " (" << changed << " label pixels changed at model size)" << std::endl;
  });
}

}  // namespace symmflow::cli
