// SPDX-License-Identifier: MIT
#pragma once
// Scratch folders for tests: created with mkdtemp, removed with POSIX nftw. Not with
// std::filesystem::remove_all: PyTorch's pip wheels export their own statically linked copy
// of libstdc++'s filesystem symbols (pytorch/pytorch#133437), and a test binary linked against
// that LibTorch (the GPU machine's) jumps to a null pointer inside it.
#include <cstdio>
#include <cstdlib>
#include <ftw.h>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include <sys/stat.h>

namespace symmflow::testing {

// A new empty folder <TMPDIR or /tmp>/<prefix>-XXXXXX.
inline std::string makeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
  return tmpl;
}

// Removes path and everything under it, read-only folders included; silent on errors.
inline void removeTree(const std::string& path) {
  // First make every folder writable and searchable (tests make some read-only), then
  // remove children before their parents without following symbolic links.
  ::nftw(
      path.c_str(),
      [](const char* p, const struct stat* st, int type, FTW*) {
        if (type == FTW_D || type == FTW_DNR) ::chmod(p, (st->st_mode & 07777) | S_IRWXU);
        return 0;
      },
      16, FTW_PHYS);
  ::nftw(
      path.c_str(),
      [](const char* p, const struct stat*, int, FTW*) {
        std::remove(p);
        return 0;
      },
      16, FTW_DEPTH | FTW_PHYS);
}

}  // namespace symmflow::testing
