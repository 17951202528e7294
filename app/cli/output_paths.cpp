// SPDX-License-Identifier: MIT
#include "app/cli/output_paths.h"

#include <filesystem>
#include <system_error>

namespace symmflow::cli {
namespace fs = std::filesystem;

bool sameFile(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) {
    const bool same = fs::equivalent(a, b, ec);
    if (!ec) return same;
  }
  ec.clear();
  const fs::path ca = fs::weakly_canonical(fs::absolute(a, ec), ec);
  if (ec) return fs::absolute(a).lexically_normal() == fs::absolute(b).lexically_normal();
  const fs::path cb = fs::weakly_canonical(fs::absolute(b, ec), ec);
  if (ec) return fs::absolute(a).lexically_normal() == fs::absolute(b).lexically_normal();
  return ca == cb;
}

Status checkOutputs(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const NamedPath& out = outputs[i];
    if (out.path.empty()) continue;
    for (const NamedPath& in : inputs)
      if (sameFile(out.path, in.path))
        return Error{out.option + " '" + out.path + "' is " + in.what + " given with " + in.option +
                     ": writing it would replace " + in.what + "; give the output another name"};
    for (std::size_t j = 0; j < i; ++j)
      if (sameFile(out.path, outputs[j].path))
        return Error{outputs[j].option + " and " + out.option + " both name '" + out.path +
                     "': give each its own file"};
  }
  return {};
}

}  // namespace symmflow::cli
