// SPDX-License-Identifier: MIT
#pragma once
// Internal to symmflow_imaging: write a file atomically (temporary file in the same
// directory, fsync, rename over the target).
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "core/result.h"

namespace symmflow::imaging::detail {

// Creates a temporary file next to `path`, calls `write` with it open for binary
// writing, flushes and fsyncs it, and renames it over `path`. If `write` fails, or
// any step does, the temporary file is removed and `path` is left as it was.
// `write` must not close the FILE*. The error messages name `path`.
// A writer killed mid-save leaves its hidden ".<name>.tmp-XXXXXX" behind (the target is
// untouched); the next successful save of the same name removes such files once no
// process holds their lock and they are more than 10 s old.
Status writeFileAtomically(const std::string& path, const std::function<Status(std::FILE*)>& write);

// The largest file readWholeFile reads (2 GB; a photo or mask is far smaller).
inline constexpr std::uint64_t kMaxWholeFileBytes = 0x7fffffffULL;

// Reads a whole regular file. Errors: missing, unreadable, a directory, a device, pipe
// or socket (refused before reading: /dev/zero never ends, a FIFO blocks), over
// kMaxWholeFileBytes.
Result<std::string> readWholeFile(const std::string& path);

}  // namespace symmflow::imaging::detail
