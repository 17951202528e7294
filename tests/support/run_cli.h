// SPDX-License-Identifier: MIT
#pragma once
// Runs the symmflow CLI (path in the SYMMFLOW_CLI compile definition) with arguments,
// capturing stdout and stderr together and the exit code (-1 if it did not exit normally).
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace symmflow::testing {

struct CliRun {
  int code = -1;
  std::string out;
};

inline CliRun runCli(const std::string& args) {
  CliRun r;
  FILE* p = popen((std::string(SYMMFLOW_CLI) + " " + args + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace symmflow::testing
