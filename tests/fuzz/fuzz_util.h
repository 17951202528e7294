// SPDX-License-Identifier: MIT
#pragma once
// Helpers shared by the libFuzzer targets: a per-process scratch file for the
// loaders that take a path, and a tiny byte consumer for option bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace symmflow::fuzz {

// A file in $TMPDIR (or /tmp) named after the target and the process id, rewritten
// on every input. libFuzzer forks with -jobs/-workers, so the pid keeps them apart.
class ScratchFile {
 public:
  explicit ScratchFile(const char* stem, const char* extension) {
    const char* dir = std::getenv("TMPDIR");
    m_path = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/symmflow-fuzz-" + stem + "-" +
             std::to_string(::getpid()) + extension;
  }
  ~ScratchFile() { std::remove(m_path.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  // Replaces the file's content; aborts when the disk refuses (a broken run, not a finding).
  const std::string& write(const std::uint8_t* data, std::size_t size) {
    std::FILE* f = std::fopen(m_path.c_str(), "wb");
    if (f == nullptr) std::abort();
    if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
    if (std::fclose(f) != 0) std::abort();
    return m_path;
  }
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

// Takes option bytes from the front of a fuzz input; 0 when it is used up.
struct ByteReader {
  const std::uint8_t* data;
  std::size_t size;
  std::uint8_t take() {
    if (size == 0) return 0;
    --size;
    return *data++;
  }
};

// A failed invariant: abort so that libFuzzer records the input as a crash.
#define SYMMFLOW_FUZZ_CHECK(cond)                                                       \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

}  // namespace symmflow::fuzz
