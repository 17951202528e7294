// SPDX-License-Identifier: MIT
#pragma once
// Runs the symmflow CLI (path in the SYMMFLOW_CLI compile definition) with arguments,
// capturing stdout and stderr together and the exit code (-1 if it did not exit normally).
// runCliWithEnv also sets `env` ("NAME=value ...", env(1) words; "-u NAME" unsets one)
// for that run only.
#include <array>
#include <cstdio>
#include <string>

#include <sys/wait.h>

namespace symmflow::testing {

struct CliRun {
  int code = -1;
  std::string out;
};

inline CliRun runCliWithEnv(const std::string& env, const std::string& args) {
  CliRun r;
  const std::string prefix = env.empty() ? std::string() : "env " + env + " ";
  FILE* p = popen((prefix + SYMMFLOW_CLI + " " + args + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline CliRun runCli(const std::string& args) { return runCliWithEnv({}, args); }

}  // namespace symmflow::testing
