// SPDX-License-Identifier: MIT
#include "core/imaging/detail/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <vector>

#include <sys/file.h>
#include <sys/stat.h>

namespace symmflow::imaging::detail {
namespace {

std::string errnoText(int err) { return std::strerror(err); }

std::string parentDir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string baseName(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Error fail(const std::string& path, const std::string& why) { return Error{"cannot save '" + path + "': " + why}; }

// A temporary file younger than this is never swept, even if it is unlocked: its writer
// may be between mkstemp() and flock().
constexpr std::time_t kStaleAfterSeconds = 10;

// Removes ".<base>.tmp-XXXXXX" files in `dir` that a killed writer left behind. A file
// counts as left behind when no process holds its flock() (every live writer does, and
// the kernel drops the lock when the writer dies) and it was last written more than
// kStaleAfterSeconds ago. Best effort: errors are ignored.
void sweepAbandonedTemporaries(const std::string& dir, const std::string& base) {
  const std::string prefix = "." + base + ".tmp-";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  const std::time_t now = std::time(nullptr);
  while (const dirent* entry = ::readdir(d)) {
    const std::string name = entry->d_name;
    if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string candidate = dir + "/" + name;
    const int fd = ::open(candidate.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st {};
    const bool stale = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
                       now - st.st_mtime > kStaleAfterSeconds;
    if (stale && ::flock(fd, LOCK_EX | LOCK_NB) == 0) ::unlink(candidate.c_str());
    ::close(fd);  // also releases our lock
  }
  ::closedir(d);
}

}  // namespace

Status writeFileAtomically(const std::string& path, const std::function<Status(std::FILE*)>& write) {
  if (path.empty()) return Error{"cannot save: the file name is empty"};
  const std::string dir = parentDir(path);
  const std::string base = baseName(path);
  if (base.empty()) return fail(path, "the path names a folder, not a file");

  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return fail(path, "the folder '" + dir + "' does not exist");
  if (!S_ISDIR(st.st_mode)) return fail(path, "'" + dir + "' is not a folder");
  struct stat target {};
  const bool targetExists = ::stat(path.c_str(), &target) == 0;
  if (targetExists && S_ISDIR(target.st_mode)) return fail(path, "it is a folder");

  std::string tmpl = dir + "/." + base + ".tmp-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    const int err = errno;
    return fail(path, "cannot create a file in '" + dir + "' (" + errnoText(err) + ")");
  }
  const std::string tmpPath(name.data());
  // Held until this process closes the file or dies: tells a later save that this
  // temporary file still has a writer (see sweepAbandonedTemporaries).
  (void)::flock(fd, LOCK_EX | LOCK_NB);
  // mkstemp creates 0600; give the result the permissions a new file would get.
  const mode_t mode = targetExists ? (target.st_mode & 07777) : mode_t{0644};
  (void)::fchmod(fd, mode);

  std::FILE* file = ::fdopen(fd, "wb");
  if (file == nullptr) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmpPath.c_str());
    return fail(path, errnoText(err));
  }

  auto abandon = [&](const std::string& why) -> Status {
    if (file != nullptr) std::fclose(file);
    ::unlink(tmpPath.c_str());
    return fail(path, why);
  };

  Status written = Error{"internal error"};
  try {
    written = write(file);
  } catch (const std::exception& e) {
    written = Error{e.what()};
  }
  if (!written.ok()) {
    std::fclose(file);
    ::unlink(tmpPath.c_str());
    // The writer's message may already start with "cannot save"; keep it as it is.
    if (written.error().rfind("cannot save", 0) == 0) return written;
    return fail(path, written.error());
  }
  errno = 0;
  if (std::fflush(file) != 0 || std::ferror(file) != 0) {
    const int err = errno != 0 ? errno : EIO;
    return abandon("write failed (" + errnoText(err) + ")");
  }
  if (::fsync(::fileno(file)) != 0) {
    const int err = errno;
    return abandon("write failed (" + errnoText(err) + ")");
  }
  const int closed = std::fclose(file);
  file = nullptr;
  if (closed != 0) {
    const int err = errno;
    return abandon("write failed (" + errnoText(err) + ")");
  }
  if (::rename(tmpPath.c_str(), path.c_str()) != 0) {
    const int err = errno;
    return abandon("cannot replace the file (" + errnoText(err) + ")");
  }
  // Make the rename durable; failure here does not undo a completed save.
  const int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dirFd >= 0) {
    (void)::fsync(dirFd);
    ::close(dirFd);
  }
  sweepAbandonedTemporaries(dir, base);
  return Status::success();
}

Result<std::string> readWholeFile(const std::string& path) {
  struct stat st {};
  if (path.empty()) return Error{"no file name given"};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return Error{"'" + path + "' does not exist"};
    return Error{"cannot read '" + path + "' (" + errnoText(err) + ")"};
  }
  if (S_ISDIR(st.st_mode)) return Error{"'" + path + "' is a folder, not a file"};
  // A device (/dev/zero, /dev/urandom) would be read without end and a FIFO would block
  // until a writer came: only regular files are read.
  if (!S_ISREG(st.st_mode))
    return Error{"'" + path + "' is not a regular file (it is a device, a pipe or a socket): pick a file"};
  if (static_cast<std::uint64_t>(st.st_size) > kMaxWholeFileBytes)
    return Error{"'" + path + "' is too large (over 2 GB)"};
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return Error{"cannot read '" + path + "' (" + errnoText(err) + ")"};
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Error{"cannot read '" + path + "': read error"};
  return buffer.str();
}

}  // namespace symmflow::imaging::detail
