// Atomic file replacement and small file-system helpers.
#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/file_descriptor.h"
#include "common/path_text.h"

namespace sdme {
namespace {

std::string errno_text(int error) { return std::strerror(error); }

}  // namespace

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

bool write_file_atomically(const std::string& path, std::string_view content, mode_t mode,
                           std::string* err) {
  std::string temporary = path + ".XXXXXX";
  int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) {
    *err = "cannot create a temporary file next to " + path + ": " + errno_text(errno);
    return false;
  }
  bool ok = ::fchmod(fd, mode) == 0 && write_all(fd, content) && ::fsync(fd) == 0;
  int saved_errno = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    saved_errno = errno;
  }
  if (ok && ::rename(temporary.c_str(), path.c_str()) != 0) {
    ok = false;
    saved_errno = errno;
  }
  if (!ok) {
    ::unlink(temporary.c_str());
    *err = "cannot write " + path + ": " + errno_text(saved_errno);
    return false;
  }
  return true;
}

bool symlink_atomically(const std::string& target, const std::string& link_path, std::string* err) {
  // mkostemp only reserves a unique name; the symlink then takes its place.
  std::string temporary = link_path + ".XXXXXX";
  int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) {
    *err = "cannot create a temporary name next to " + link_path + ": " + errno_text(errno);
    return false;
  }
  ::close(fd);
  ::unlink(temporary.c_str());
  if (::symlink(target.c_str(), temporary.c_str()) != 0) {
    *err = "cannot create symlink " + link_path + ": " + errno_text(errno);
    return false;
  }
  if (::rename(temporary.c_str(), link_path.c_str()) != 0) {
    int saved_errno = errno;
    ::unlink(temporary.c_str());
    *err = "cannot create symlink " + link_path + ": " + errno_text(saved_errno);
    return false;
  }
  return true;
}

bool make_directories(const std::string& path, mode_t mode, std::string* err) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    *err = path + " exists and is not a directory";
    return false;
  }
  std::string parent = parent_directory(path);
  if (parent.empty()) parent = ".";
  if (parent != path && !make_directories(parent, mode, err)) return false;
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    *err = "cannot create directory " + path + ": " + errno_text(errno);
    return false;
  }
  return true;
}

std::string_view file_kind(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return "a regular file";
    case S_IFDIR:
      return "a directory";
    case S_IFIFO:
      return "a FIFO";
    case S_IFSOCK:
      return "a socket";
    case S_IFCHR:
      return "a character device";
    case S_IFBLK:
      return "a block device";
    case S_IFLNK:
      return "a symbolic link";
  }
  return "not a regular file";
}

bool read_file(const std::string& path, size_t max_size, std::string* content, std::string* err) {
  // O_NONBLOCK: opening a FIFO for reading would wait for a writer, for
  // ever. Regular files ignore the flag; everything else is refused below.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) {
    *err = "cannot open " + path + ": " + errno_text(errno);
    return false;
  }
  struct stat status;
  if (::fstat(fd.get(), &status) != 0) {
    *err = "cannot read " + path + ": " + errno_text(errno);
    return false;
  }
  if (!S_ISREG(status.st_mode)) {
    *err = path + ": is " + std::string(file_kind(status.st_mode)) +
           ", not a regular file; replace it with a file or remove it";
    return false;
  }
  content->clear();
  char buffer[16384];
  for (;;) {
    ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      *err = "cannot read " + path + ": " + errno_text(errno);
      return false;
    }
    if (got == 0) break;
    content->append(buffer, static_cast<size_t>(got));
    if (content->size() > max_size) {
      *err = path + " is larger than " + std::to_string(max_size) + " bytes";
      return false;
    }
  }
  return true;
}

}  // namespace sdme
