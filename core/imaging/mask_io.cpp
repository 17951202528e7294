// SPDX-License-Identifier: MIT
#include "core/imaging/mask_io.h"

#include <cmath>
#include <numeric>
#include <unordered_map>

#include <opencv2/core.hpp>

#include "core/imaging/detail/atomic_file.h"
#include "core/imaging/detail/decode.h"
#include "core/imaging/detail/png_codec.h"

namespace symmflow::imaging {
namespace {

using Encoding = MaskReport::Encoding;
using Handling = MaskReport::Handling;
constexpr std::size_t kMaxReportedUnknown = 8;
constexpr std::uint32_t kNoValue = 0xFFFFFFFFu;

std::string rgbText(const Rgb& c) {
  return "(" + std::to_string(c[0]) + ", " + std::to_string(c[1]) + ", " + std::to_string(c[2]) + ")";
}
std::uint32_t pack(int r, int g, int b) {
  return (std::uint32_t(r) << 16) | (std::uint32_t(g) << 8) | std::uint32_t(b);
}
Rgb unpack(std::uint32_t c) { return {std::uint8_t(c >> 16), std::uint8_t(c >> 8), std::uint8_t(c)}; }

int nearestClass(const ClassList& classes, const Rgb& c) {
  int best = 0;
  long bestDistance = -1;
  for (int i = 0; i < classes.size(); ++i) {
    const Rgb& k = classes.classes[static_cast<std::size_t>(i)].color;
    long d = 0;
    for (int ch = 0; ch < 3; ++ch) {
      const long diff = long(c[ch]) - long(k[ch]);
      d += diff * diff;
    }
    if (bestDistance < 0 || d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best;
}

// The decoded mask reduced to what detection needs: grey values (8 or 16 bit) or
// 8-bit RGB colours, plus which pixels are transparent.
struct MaskPixels {
  int width = 0;
  int height = 0;
  bool colour = false;
  bool sixteenBit = false;                // grey only
  std::vector<std::uint32_t> values;      // grey value, or packed RGB
  std::vector<std::uint8_t> transparent;  // 1 = alpha 0; empty when no alpha
};

MaskPixels extract(const cv::Mat& m) {
  MaskPixels p;
  p.width = m.cols;
  p.height = m.rows;
  const int cn = m.channels();
  const bool deep = m.depth() == CV_16U;
  cv::Mat src = m;
  if (m.depth() != CV_8U && m.depth() != CV_16U) m.convertTo(src, CV_8U);
  p.colour = cn >= 3;
  p.sixteenBit = deep && !p.colour;
  const std::size_t n = std::size_t(m.cols) * m.rows;
  p.values.resize(n);
  const bool hasAlpha = cn == 2 || cn == 4;
  if (hasAlpha) p.transparent.assign(n, 0);
  auto sample = [&](int y, int x, int c) -> std::uint32_t {
    return deep ? src.ptr<std::uint16_t>(y)[x * cn + c] : src.ptr<std::uint8_t>(y)[x * cn + c];
  };
  auto to8 = [&](std::uint32_t v) -> int { return deep ? int((v + 128) / 257) : int(v); };
  std::size_t i = 0;
  for (int y = 0; y < m.rows; ++y) {
    for (int x = 0; x < m.cols; ++x, ++i) {
      if (p.colour) {  // OpenCV order: B, G, R[, A]
        p.values[i] = pack(to8(sample(y, x, 2)), to8(sample(y, x, 1)), to8(sample(y, x, 0)));
      } else {
        p.values[i] = sample(y, x, 0);
      }
      if (hasAlpha && sample(y, x, cn - 1) == 0) p.transparent[i] = 1;
    }
  }
  return p;
}

bool isTransparent(const MaskPixels& p, std::size_t i) { return !p.transparent.empty() && p.transparent[i] != 0; }

// Turns an all-grey colour image into a grey one.
void colourToGrey(MaskPixels& p) {
  for (auto& v : p.values) v &= 0xFF;
  p.colour = false;
  p.sixteenBit = false;
}

struct GreyScale {
  Encoding encoding = Encoding::Index;
  double step = 1.0;
};

// Detection for grey images (see mask_io.h). counts: per grey value, opaque pixels.
std::optional<GreyScale> detectScaledGrey(const std::vector<std::int64_t>& counts, int numClasses,
                                          std::uint32_t fullScale) {
  std::vector<std::uint32_t> present;
  for (std::uint32_t v = 0; v < counts.size(); ++v)
    if (counts[v] > 0) present.push_back(v);
  if (numClasses >= 2) {
    const double step = double(fullScale) / (numClasses - 1);
    bool all = step >= 2.0;
    for (std::uint32_t v : present) {
      if (!all) break;
      const long id = std::lround(v / step);
      all = id < numClasses && std::lround(id * step) == long(v);
    }
    if (all) return GreyScale{Encoding::ScaledGrey, step};
  }
  const auto isIgnore = [&](std::uint32_t v) { return v == 255 || v == 65535; };
  std::uint32_t g = 0, maxValue = 0;
  for (std::uint32_t v : present) {
    if (isIgnore(v)) continue;
    g = std::gcd(g, v);
    maxValue = std::max(maxValue, v);
  }
  if (g >= 2 && maxValue / g < std::uint32_t(numClasses)) return GreyScale{Encoding::ScaledGrey, double(g)};
  return std::nullopt;
}

Error outOfRangeError(const std::string& path, std::uint32_t v, std::int64_t pixels, int numClasses,
                      const GreyScale& scale) {
  std::string what =
      scale.encoding == Encoding::Index
          ? "is not a class id of this model (ids 0.." + std::to_string(numClasses - 1) + ", 255 = ignore)"
          : "is not on the mask's grey scale (id x " + std::to_string(scale.step) + " for ids 0.." +
                std::to_string(numClasses - 1) + ")";
  return Error{"'" + path + "': value " + std::to_string(v) + " at " + std::to_string(pixels) + " pixels " + what +
               ". Import with out-of-range values set to ignore or to a class to keep going."};
}

void finishReport(MaskReport& report, const LabelMap& labels, int numClasses) {
  report.histogram.assign(std::size_t(numClasses), 0);
  report.ignorePixels = 0;
  for (std::uint8_t id : labels.ids) {
    if (id < numClasses)
      ++report.histogram[id];
    else
      ++report.ignorePixels;
  }
}

Result<std::pair<LabelMap, MaskReport>> importGrey(const MaskPixels& p, const std::string& path,
                                                   const ClassList& classes, const MaskImportOptions& options) {
  const int numClasses = classes.size();
  const std::uint32_t fullScale = p.sixteenBit ? 65535 : 255;
  std::vector<std::int64_t> counts(std::size_t(fullScale) + 1, 0);
  std::uint32_t maxNonIgnore = 0;
  bool anyNonIgnore = false;
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    if (isTransparent(p, i)) continue;
    const std::uint32_t v = p.values[i];
    ++counts[v];
    if (v != 255 && v != 65535) {
      maxNonIgnore = std::max(maxNonIgnore, v);
      anyNonIgnore = true;
    }
  }

  GreyScale scale;
  const bool forcedIndex = options.forceEncoding == Encoding::Index;
  const bool forcedScaled = options.forceEncoding == Encoding::ScaledGrey || options.greyStep > 0;
  if (forcedScaled) {
    if (options.greyStep > 0) {
      scale = {Encoding::ScaledGrey, options.greyStep};
    } else if (auto s = detectScaledGrey(counts, numClasses, fullScale)) {
      scale = *s;
    } else {
      return Error{"'" + path + "': cannot find the grey step of this scaled-grey mask; give it explicitly"};
    }
  } else if (!forcedIndex && anyNonIgnore && maxNonIgnore >= std::uint32_t(numClasses)) {
    if (auto s = detectScaledGrey(counts, numClasses, fullScale)) scale = *s;
  }

  // Grey value -> id, or kNoValue for "out of range".
  std::vector<std::uint32_t> lut(counts.size(), kNoValue);
  for (std::uint32_t v = 0; v < lut.size(); ++v) {
    if (scale.encoding == Encoding::Index) {
      if (v < std::uint32_t(numClasses)) lut[v] = v;
    } else {
      const long id = std::lround(v / scale.step);
      if (id >= 0 && id < numClasses && std::lround(id * scale.step) == long(v)) lut[v] = std::uint32_t(id);
    }
    if (lut[v] == kNoValue && (v == 255 || v == 65535)) lut[v] = LabelMap::kIgnoreId;
  }

  MaskReport report;
  report.encoding = scale.encoding;
  report.width = p.width;
  report.height = p.height;
  report.greyStep = scale.step;
  report.offPaletteHandling = Handling::SnappedNearest;
  switch (options.outOfRange) {
    case MaskImportOptions::OutOfRange::AssignClass:
      report.outOfRangeHandling = Handling::AssignedClass;
      report.assignedClass = options.assignClass;
      if (options.assignClass >= 0 && options.assignClass < numClasses)
        report.assignedClassName = classes.classes[std::size_t(options.assignClass)].name;
      break;
    default: report.outOfRangeHandling = Handling::Ignored; break;
  }
  const std::uint8_t outOfRangeId = options.outOfRange == MaskImportOptions::OutOfRange::AssignClass
                                        ? std::uint8_t(options.assignClass)
                                        : LabelMap::kIgnoreId;

  LabelMap labels(p.width, p.height);
  std::vector<bool> seen(lut.size(), false);
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    if (isTransparent(p, i)) {
      labels.ids[i] = LabelMap::kIgnoreId;
      continue;
    }
    const std::uint32_t v = p.values[i];
    if (lut[v] != kNoValue) {
      labels.ids[i] = std::uint8_t(lut[v]);
      continue;
    }
    if (options.outOfRange == MaskImportOptions::OutOfRange::Error)
      return outOfRangeError(path, v, counts[v], numClasses, scale);
    ++report.outOfRangePixels;
    labels.ids[i] = outOfRangeId;
    if (!seen[v]) {
      seen[v] = true;
      ++report.distinctUnknown;
      if (report.unknownColors.size() < kMaxReportedUnknown) {
        const auto c = std::uint8_t(std::min<std::uint32_t>(v, 255));
        report.unknownColors.push_back({c, c, c});
        report.unknownColorPixels.push_back(counts[v]);
      }
    }
  }
  finishReport(report, labels, numClasses);
  return std::make_pair(std::move(labels), std::move(report));
}

Result<std::pair<LabelMap, MaskReport>> importColour(const MaskPixels& p, const std::string& path,
                                                     const ClassList& classes, const MaskImportOptions& options) {
  const int numClasses = classes.size();
  std::unordered_map<std::uint32_t, int> exact;
  for (int i = numClasses - 1; i >= 0; --i) {  // the first class wins a duplicated colour
    const Rgb& c = classes.classes[std::size_t(i)].color;
    exact[pack(c[0], c[1], c[2])] = i;
  }
  const bool blackIgnore = options.blackIsIgnore && exact.count(0) == 0;

  // Pass 1: id per distinct colour (-1 = unknown) and unknown colour counts.
  std::unordered_map<std::uint32_t, std::int64_t> unknownCounts;
  std::vector<std::uint32_t> unknownOrder;
  std::uint32_t last = kNoValue;
  std::int64_t* lastUnknown = nullptr;
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    if (isTransparent(p, i)) continue;
    const std::uint32_t c = p.values[i];
    if (c == last) {
      if (lastUnknown != nullptr) ++*lastUnknown;
      continue;
    }
    last = c;
    lastUnknown = nullptr;
    const auto it = exact.find(c);
    if (it != exact.end() || (blackIgnore && c == 0)) {
      continue;
    }
    auto [u, inserted] = unknownCounts.try_emplace(c, 0);
    if (inserted) unknownOrder.push_back(c);
    lastUnknown = &u->second;
    ++*lastUnknown;
  }

  if (!unknownOrder.empty() && options.offPalette == MaskImportOptions::OffPalette::Error) {
    const Rgb c = unpack(unknownOrder.front());
    const int nearest = nearestClass(classes, c);
    const ClassInfo& info = classes.classes[std::size_t(nearest)];
    std::string more;
    if (unknownOrder.size() > 1) more = " (" + std::to_string(unknownOrder.size()) + " unknown colours in all)";
    std::int64_t unknownPixels = 0, opaquePixels = 0;
    for (const auto& [colour, n] : unknownCounts) unknownPixels += n;
    for (std::size_t i = 0; i < p.values.size(); ++i) opaquePixels += isTransparent(p, i) ? 0 : 1;
    // A label map has few colours; a photo has thousands, almost none of them a class colour.
    const bool photoLike = unknownOrder.size() > 1000 && 2 * unknownPixels > opaquePixels;
    return Error{"'" + path + "': colour " + rgbText(c) + " at " + std::to_string(unknownCounts[unknownOrder.front()]) +
                 " pixels is not a class colour of this model; nearest is '" + info.name + "' " + rgbText(info.color) +
                 more + "." +
                 (photoLike ? " Most pixels have colours of no class: is this a photo rather than a "
                              "label map? If not, import"
                            : " Import") +
                 " with snapping to map off-palette colours to the nearest class."};
  }

  MaskReport report;
  report.encoding = Encoding::Color;
  report.width = p.width;
  report.height = p.height;
  report.distinctUnknown = std::int64_t(unknownOrder.size());
  switch (options.offPalette) {
    case MaskImportOptions::OffPalette::AssignClass:
      report.offPaletteHandling = Handling::AssignedClass;
      report.assignedClass = options.assignClass;
      if (options.assignClass >= 0 && options.assignClass < numClasses)
        report.assignedClassName = classes.classes[std::size_t(options.assignClass)].name;
      break;
    case MaskImportOptions::OffPalette::Ignore: report.offPaletteHandling = Handling::Ignored; break;
    default: report.offPaletteHandling = Handling::SnappedNearest; break;
  }
  std::unordered_map<std::uint32_t, int> lookup = exact;
  if (blackIgnore) lookup[0] = LabelMap::kIgnoreId;
  for (std::uint32_t c : unknownOrder) {
    int id = LabelMap::kIgnoreId;
    if (report.offPaletteHandling == Handling::SnappedNearest) id = nearestClass(classes, unpack(c));
    if (report.offPaletteHandling == Handling::AssignedClass) id = options.assignClass;
    lookup[c] = id;
    report.offPalettePixels += unknownCounts[c];
    if (report.unknownColors.size() < kMaxReportedUnknown) {
      report.unknownColors.push_back(unpack(c));
      report.unknownColorPixels.push_back(unknownCounts[c]);
    }
  }

  // Pass 2: map every pixel.
  LabelMap labels(p.width, p.height);
  last = kNoValue;
  std::uint8_t id = 0;
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    if (isTransparent(p, i)) {
      labels.ids[i] = LabelMap::kIgnoreId;
      continue;
    }
    if (p.values[i] != last) {
      last = p.values[i];
      id = std::uint8_t(lookup.at(last));
    }
    labels.ids[i] = id;
  }
  finishReport(report, labels, numClasses);
  return std::make_pair(std::move(labels), std::move(report));
}

bool allGrey(const MaskPixels& p) {
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    if (isTransparent(p, i)) continue;
    const std::uint32_t c = p.values[i];
    if (((c >> 16) & 0xFF) != (c & 0xFF) || ((c >> 8) & 0xFF) != (c & 0xFF)) return false;
  }
  return true;
}

bool allClassColours(const MaskPixels& p, const ClassList& classes) {
  std::unordered_map<std::uint32_t, bool> known;
  for (const auto& c : classes.classes) known[pack(c.color[0], c.color[1], c.color[2])] = true;
  std::uint32_t last = kNoValue;
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    if (isTransparent(p, i) || p.values[i] == last) continue;
    last = p.values[i];
    if (known.count(last) == 0) return false;
  }
  return true;
}

Status checkLabels(const LabelMap& labels, const std::string& path) {
  if (labels.empty()) return Error{"cannot save '" + path + "': the label map is empty"};
  if (labels.ids.size() != std::size_t(labels.width) * labels.height)
    return Error{"cannot save '" + path + "': the label map's buffer does not match its size"};
  return Status::success();
}

}  // namespace

std::string MaskReport::summary() const {
  std::string enc;
  switch (encoding) {
    case Encoding::Index: enc = "Index mask"; break;
    case Encoding::Color: enc = "Colour mask"; break;
    case Encoding::ScaledGrey: {
      const double rounded = std::round(greyStep);
      enc = std::abs(greyStep - rounded) < 1e-9 ? "Scaled-grey mask (ids x" + std::to_string(long(rounded)) + ")"
                                                : "Scaled-grey mask (ids stretched over the full grey range)";
      break;
    }
  }
  std::string text = enc + " " + std::to_string(width) + "x" + std::to_string(height) + ": ";
  auto handled = [this](Handling h) -> std::string {
    switch (h) {
      case Handling::SnappedNearest: return "snapped to the nearest class";
      case Handling::AssignedClass:
        return assignedClassName.empty()
                   ? "assigned to class id " + std::to_string(assignedClass)
                   : "assigned to " + assignedClassName + " (id " + std::to_string(assignedClass) + ")";
      case Handling::Ignored: return "set to ignore";
    }
    return {};
  };
  std::vector<std::string> parts;
  if (offPalettePixels > 0)
    parts.push_back(std::to_string(offPalettePixels) + " pixels in " + std::to_string(distinctUnknown) +
                    (distinctUnknown == 1 ? " colour that is" : " colours that are") + " not a class colour were " +
                    handled(offPaletteHandling));
  if (outOfRangePixels > 0)
    parts.push_back(std::to_string(outOfRangePixels) + " pixels in " + std::to_string(distinctUnknown) +
                    (distinctUnknown == 1 ? " value that is" : " values that are") + " not a class id were " +
                    handled(outOfRangeHandling));
  if (parts.empty())
    parts.emplace_back(encoding == Encoding::Color ? "every pixel has a class colour" : "every value is a class id");
  if (ignorePixels > 0) parts.push_back(std::to_string(ignorePixels) + " ignore pixels");
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? "; " : "") + parts[i];
  return text + ".";
}

Result<std::pair<LabelMap, MaskReport>> importMask(const std::string& path, const ClassList& classes,
                                                   const MaskImportOptions& options) {
  const int numClasses = classes.size();
  if (numClasses < 1) return Error{"cannot import '" + path + "': the model has no classes"};
  if (numClasses > 255) return Error{"cannot import '" + path + "': more than 255 classes"};
  const bool assigns = options.offPalette == MaskImportOptions::OffPalette::AssignClass ||
                       options.outOfRange == MaskImportOptions::OutOfRange::AssignClass;
  if (assigns && (options.assignClass < 0 || options.assignClass >= numClasses))
    return Error{"cannot import '" + path + "': class " + std::to_string(options.assignClass) +
                 " does not exist (the model has " + std::to_string(numClasses) + " classes)"};

  auto decoded = detail::decodeFile(path, options.maxPixels, /*raw=*/true);
  if (!decoded) return Error{decoded.error()};
  try {
    MaskPixels pixels = extract(decoded.value());
    decoded = Error{"released"};  // free the decoded image early
    const auto& force = options.forceEncoding;
    if (pixels.colour) {
      const bool readAsGrey = (force && *force != Encoding::Color) ||
                              (!force && options.greyStep <= 0 && allGrey(pixels) && !allClassColours(pixels, classes));
      const bool forcedGreyStep = !force && options.greyStep > 0 && allGrey(pixels);
      if (readAsGrey || forcedGreyStep) {
        if (!allGrey(pixels))
          return Error{"cannot import '" + path + "' as a grey mask: it has colours that are not grey"};
        colourToGrey(pixels);
      }
    } else if (force == Encoding::Color) {
      for (auto& v : pixels.values) {
        const int g = pixels.sixteenBit ? int((v + 128) / 257) : int(v);
        v = pack(g, g, g);
      }
      pixels.colour = true;
    }
    return pixels.colour ? importColour(pixels, path, classes, options) : importGrey(pixels, path, classes, options);
  } catch (const std::exception& e) {  // bad_alloc, cv::Exception
    return Error{"cannot import '" + path + "': " + e.what()};
  }
}

Status saveIndexMask(const LabelMap& labels, const std::string& path, const TextChunks& text) {
  if (auto s = checkLabels(labels, path); !s) return s;
  for (const auto& entry : text)
    if (auto problem = detail::pngKeywordProblem(entry.first); !problem.empty())
      return Error{"cannot save '" + path + "': " + problem};
  return detail::writeFileAtomically(path, [&](std::FILE* file) {
    return detail::writePng(file, labels.ids.data(), labels.width, labels.height, 1, text);
  });
}

Status saveColorMask(const LabelMap& labels, const ClassList& classes, const std::string& path,
                     const TextChunks& text) {
  if (auto s = checkLabels(labels, path); !s) return s;
  if (classes.size() < 1) return Error{"cannot save '" + path + "': the class list is empty"};
  return savePng(colorize(labels, classes, IgnoreStyle::Black), path, text);
}

RgbImage colorize(const LabelMap& labels, const ClassList& classes, IgnoreStyle ignoreStyle) {
  if (labels.empty()) return {};
  std::array<Rgb, 256> lut{};
  std::array<bool, 256> known{};
  for (int i = 0; i < std::min(classes.size(), 256); ++i) {
    lut[std::size_t(i)] = classes.classes[std::size_t(i)].color;
    known[std::size_t(i)] = true;
  }
  RgbImage out(labels.width, labels.height);
  for (int y = 0; y < labels.height; ++y) {
    for (int x = 0; x < labels.width; ++x) {
      const std::uint8_t id = labels.at(x, y);
      std::uint8_t* px = out.at(x, y);
      if (known[id]) {
        px[0] = lut[id][0];
        px[1] = lut[id][1];
        px[2] = lut[id][2];
      } else if (ignoreStyle == IgnoreStyle::Checker) {
        px[0] = px[1] = px[2] = (((x / 8) + (y / 8)) % 2) ? 160 : 96;
      }  // IgnoreStyle::Black: already 0
    }
  }
  return out;
}

}  // namespace symmflow::imaging
