// SPDX-License-Identifier: MIT
#pragma once
// The provenance every PNG of the project carries, written alike by the studio's exports and
// the CLI: the text-chunk keywords and the SHA-256 fingerprints of the model file and the
// label map (the same `sha256sum` prints for a file). With the model file, the label map,
// the seed, the noise stream, steps and solver, an output can be regenerated exactly.
//
// Contract
// - Fingerprints are lowercase hex SHA-256 (OpenSSL's libcrypto). labelMapSha256 hashes the
//   width and height as little-endian int32, then the ids row by row.
// - fileSha256 reads in chunks; errors name the file.
// No OpenCV, torch or Qt types here.
#include <cstddef>
#include <string>

#include "core/result.h"
#include "core/types.h"

namespace symmflow::imaging {

namespace provenance {
inline constexpr const char* kSoftware = "Software";              // "SymmFlow Studio <version>"
inline constexpr const char* kKind = "symmflow.kind";             // generate, segment, edit, edit-reroll, photo, ...
inline constexpr const char* kModel = "symmflow.model";           // the model's name
inline constexpr const char* kModelFile = "symmflow.model_file";  // its file name (not the path)
inline constexpr const char* kModelSha256 = "symmflow.model_sha256";    // of the model file
inline constexpr const char* kLabelsSha256 = "symmflow.labels_sha256";  // of the label map fed to the model
inline constexpr const char* kSeed = "symmflow.seed";
inline constexpr const char* kNoise = "symmflow.noise";  // the seed-to-noise mapping (noiseStream())
inline constexpr const char* kSteps = "symmflow.steps";
inline constexpr const char* kSolver = "symmflow.solver";
inline constexpr const char* kVariation = "symmflow.variation";   // index within a batch of variations
inline constexpr const char* kDraws = "symmflow.draws";           // segmentation: noise draws averaged
inline constexpr const char* kMirror = "symmflow.mirror";         // segmentation: mirrored draws too
inline constexpr const char* kReadBack = "symmflow.read_back";    // generation: share of the map read back (0..1)
inline constexpr const char* kMinRegion = "symmflow.min_region";  // segmentation: islands under this merged (pixels)
}  // namespace provenance

std::string sha256Hex(const void* data, std::size_t size);
Result<std::string> fileSha256(const std::string& path);
std::string labelMapSha256(const LabelMap& labels);

}  // namespace symmflow::imaging
