// SPDX-License-Identifier: MIT
#pragma once
// Where SymmFlow looks for model files, in order:
//   1. $SYMMFLOW_MODELS (a folder), when set;
//   2. the user's folder: $XDG_DATA_HOME/symmflow/models (default ~/.local/share/symmflow/models);
//   3. the installed folder next to the program: <exe>/../share/symmflow/models;
//   4. the configured install folder (SYMMFLOW_DATA_DIR/models);
//   5. the source tree's models/ (only for programs run from inside their build folder).
#include <string>
#include <vector>

namespace symmflow {

// Existing folders only, without duplicates.
std::vector<std::string> modelSearchDirs();
// The user's own model folder (may not exist yet).
std::string userModelDir();
// Every *.safetensors file in the search folders (a name found earlier shadows later ones).
std::vector<std::string> listModelFiles();
// The model to open when the user has not chosen one, from `files` (listModelFiles()):
// camvid.safetensors, else another full model (not a <stem>-small preview companion whose
// <stem> is in `files`), preferring names that start with "camvid"; empty if `files` is.
std::string chooseDefaultModel(const std::vector<std::string>& files);
// Resolves "camvid" or "camvid.safetensors" or a path to an existing file; empty if none.
std::string findModel(const std::string& nameOrPath);

// Sample label maps made by the project (resources/samples), looked for like models: in
// $XDG_DATA_HOME/symmflow/samples, <exe>/../share/symmflow/samples, SYMMFLOW_DATA_DIR/samples
// and, from a build folder, the source tree's resources/samples. Existing folders only.
std::vector<std::string> sampleSearchDirs();
// The sample maps (*.png) for the model named `modelName`: those whose file name starts with
// "<name>_", where a preview companion's name counts as the model it serves ("camvid-small"
// -> "camvid_street.png"). Sorted by file name; a name found earlier shadows later ones.
std::vector<std::string> listSampleMaps(const std::string& modelName);

// The smaller model that serves live previews for `modelPath` on the CPU: the file
// <stem>-small.safetensors in the same folder (camvid.safetensors -> camvid-small.safetensors).
// Empty when there is none or `modelPath` is itself a -small model. The caller checks that
// its classes and sizes match before using it.
std::string previewCompanion(const std::string& modelPath);

}  // namespace symmflow
