// SPDX-License-Identifier: MIT
// libFuzzer target: the studio's project file reader (ui::decodeProject, the pure
// function behind loadProject). A file ends with the SHA-256 of everything before
// it, so random bytes would almost never get past the checksum: each input is
// decoded as it is, and once more with its correct checksum appended, which
// reaches the header JSON, the blob table, the label maps and the PNG blobs.
// An accepted project must have maps, photo and classes that agree in size.
#include <QByteArray>
#include <QCryptographicHash>

#include "tests/fuzz/fuzz_util.h"
#include "ui/project_file.h"

using namespace symmflow;

namespace {
void check(const QByteArray& bytes) {
  auto project = ui::decodeProject(bytes);
  if (!project) {
    SYMMFLOW_FUZZ_CHECK(!project.error().empty());
    return;
  }
  const LabelMap& labels = project->labels;
  SYMMFLOW_FUZZ_CHECK(labels.width > 0 && labels.height > 0);
  SYMMFLOW_FUZZ_CHECK(labels.ids.size() == std::size_t(labels.width) * labels.height);
  SYMMFLOW_FUZZ_CHECK(project->reference.empty() || project->reference.ids.size() == labels.ids.size());
  SYMMFLOW_FUZZ_CHECK(project->photo.empty() ||
                      (project->photo.width == labels.width && project->photo.height == labels.height));
  SYMMFLOW_FUZZ_CHECK(project->classes.size() >= 1 && project->classes.size() <= 255);
  // What was read can be written again.
  SYMMFLOW_FUZZ_CHECK(!ui::encodeProject(*project).isEmpty());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const QByteArray raw(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
  check(raw);
  check(raw + QCryptographicHash::hash(raw, QCryptographicHash::Sha256));
  return 0;
}
