// SPDX-License-Identifier: MIT
// Child process of the interrupted-save tests: saves one file through the real atomic
// save path and can be made to die or fail at an exact byte of the write.
//   interrupted_save_child project|mask PATH SEED [FSIZE_LIMIT [ignore-sigxfsz]]
// FSIZE_LIMIT (bytes) sets RLIMIT_FSIZE: the kernel refuses to grow any file past it and
// sends SIGXFSZ, whose default action kills the process in the middle of the write.
// With ignore-sigxfsz the write fails with EFBIG instead and the save must report it.
// Prints "saving" before the save and "saved" or "error: ..." after; exit 0 / 3.
#include "interrupted_save_child.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <sys/resource.h>

#include "core/imaging/mask_io.h"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: interrupted_save_child project|mask PATH SEED [FSIZE_LIMIT "
               "[ignore-sigxfsz]]\n");
  return 2;
}

bool limitFileSize(const char* bytes) {
  const rlim_t limit = std::strtoull(bytes, nullptr, 10);
  const rlimit r{limit, limit};
  return ::setrlimit(RLIMIT_FSIZE, &r) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 6) return usage();
  const std::string kind = argv[1], path = argv[2];
  const auto seed = static_cast<std::uint32_t>(std::strtoul(argv[3], nullptr, 10));
  if (argc == 6 && std::strcmp(argv[5], "ignore-sigxfsz") == 0) std::signal(SIGXFSZ, SIG_IGN);
  // Built before the limit, so only the save itself meets it.
  const auto project = symmflow::ui::test::noisyProject(1024, 768, seed);
  const auto map = symmflow::ui::test::noisyMap(2048, 1536, seed);
  if (argc >= 5 && !limitFileSize(argv[4])) return 2;
  std::printf("saving\n");
  std::fflush(stdout);
  symmflow::Status s;
  if (kind == "project") {
    s = symmflow::ui::saveProject(project, QString::fromStdString(path));
  } else if (kind == "mask") {
    s = symmflow::imaging::saveIndexMask(map, path);
  } else {
    return usage();
  }
  if (!s) {
    std::printf("error: %s\n", s.error().c_str());
    return 3;
  }
  std::printf("saved\n");
  return 0;
}
