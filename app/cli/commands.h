// SPDX-License-Identifier: MIT
#pragma once
// The `symmflow` subcommands. Each register function adds one subcommand to the app;
// its callback stores the process exit code in `exitCode` (0 success, 1 failure,
// 2 usage errors are CLI11's).
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace symmflow::cli {

void registerInfo(CLI::App& app, int& exitCode);
void registerTrain(CLI::App& app, int& exitCode);
void registerEval(CLI::App& app, int& exitCode);
void registerBench(CLI::App& app, int& exitCode);
#ifdef SYMMFLOW_HAVE_IMAGING
void registerPack(CLI::App& app, int& exitCode);
void registerGenerate(CLI::App& app, int& exitCode);
void registerSegment(CLI::App& app, int& exitCode);
void registerClassify(CLI::App& app, int& exitCode);
void registerEdit(CLI::App& app, int& exitCode);
#endif

// Prints "symmflow: error: <message>" to stderr and returns 1.
int fail(const std::string& message);
// Resolves a model name or path (see core/model_paths.h) or explains where it looked.
std::string resolveModelPath(const std::string& nameOrPath, std::string* error);
// "1,2,4" -> {1, 2, 4} (empty items skipped, "" -> {}); false when an item is not an integer.
bool parseIntList(const std::string& text, std::vector<int>& out);
// Option check for files the command will write: their folder must exist, so that a long
// run does not end in a failed save.
extern const CLI::Validator OutputFolderExists;

}  // namespace symmflow::cli
