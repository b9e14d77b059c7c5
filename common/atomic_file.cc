// Atomic file replacement and small file-system helpers.
#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

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

namespace {

// Temporary names are random and created exclusively; a clash only costs
// another try, and this many clashes in a row mean something is wrong.
constexpr int kMaxTemporaryNameAttempts = 100;

// ".NAME.XXXXXX": hidden, so that no reader that lists the directory (say,
// systemd loading units from a generator's output) ever takes it for one
// of its own.
std::string temporary_name(std::string_view name) {
  static constexpr char kCharacters[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  thread_local std::mt19937 generator{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, sizeof kCharacters - 2);
  std::string temporary = "." + std::string(name) + ".";
  for (int i = 0; i < 6; ++i) temporary += kCharacters[pick(generator)];
  return temporary;
}

// RENAME_NOREPLACE where the file system has it; linkat, which never
// replaces either, where it does not. Fails with errno EEXIST if `to` exists.
bool rename_without_replacing(int directory, const char* from, const char* to) {
  if (::renameat2(directory, from, directory, to, RENAME_NOREPLACE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS) return false;
  if (::linkat(directory, from, directory, to, 0) != 0) return false;
  ::unlinkat(directory, from, 0);
  return true;
}

WriteOutcome fail(WriteFailure* failure, int error, WriteStep step) {
  failure->error = error;
  failure->step = step;
  return WriteOutcome::kFailed;
}

// Opens the directory of PATH, following links (the caller chose PATH);
// *name is its last component.
FileDescriptor open_directory_of(const std::string& path, std::string* name) {
  *name = base_name(path);
  std::string directory = parent_directory(path);
  if (directory.empty()) directory = ".";
  return FileDescriptor(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

}  // namespace

WriteOutcome write_file_at(int directory_fd, std::string_view name, std::string_view content,
                           const AtomicWrite& how, WriteFailure* failure) {
  *failure = WriteFailure{};
  std::string leaf(name);
  std::string temporary;
  FileDescriptor file;
  for (int attempt = 0; attempt < kMaxTemporaryNameAttempts && !file.valid(); ++attempt) {
    temporary = temporary_name(name);
    file.reset(::openat(directory_fd, temporary.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!file.valid() && errno != EEXIST) break;
  }
  if (!file.valid()) return fail(failure, errno, WriteStep::kTemporary);
  // fchown before fchmod: changing the owner clears set-user-ID bits.
  bool owned = (how.owner == static_cast<uid_t>(-1) && how.group == static_cast<gid_t>(-1)) ||
               ::fchown(file.get(), how.owner, how.group) == 0;
  bool ok = owned && ::fchmod(file.get(), how.mode) == 0 && write_all(file.get(), content) &&
            (!how.sync || ::fsync(file.get()) == 0);
  int saved_errno = errno;
  if (::close(file.release()) != 0 && ok) {
    ok = false;
    saved_errno = errno;
  }
  if (ok) {
    ok = how.replace ? ::renameat(directory_fd, temporary.c_str(), directory_fd, leaf.c_str()) == 0
                     : rename_without_replacing(directory_fd, temporary.c_str(), leaf.c_str());
    if (ok) return WriteOutcome::kWritten;
    saved_errno = errno;
  }
  ::unlinkat(directory_fd, temporary.c_str(), 0);
  if (!how.replace && saved_errno == EEXIST) return WriteOutcome::kExists;
  return fail(failure, saved_errno, WriteStep::kWrite);
}

WriteOutcome symlink_at(int directory_fd, std::string_view name, const std::string& target,
                        bool replace, WriteFailure* failure) {
  *failure = WriteFailure{};
  std::string leaf(name);
  if (!replace) {
    if (::symlinkat(target.c_str(), directory_fd, leaf.c_str()) == 0) return WriteOutcome::kWritten;
    if (errno == EEXIST) return WriteOutcome::kExists;
    return fail(failure, errno, WriteStep::kWrite);
  }
  std::string temporary;
  bool linked = false;
  for (int attempt = 0; attempt < kMaxTemporaryNameAttempts && !linked; ++attempt) {
    temporary = temporary_name(name);
    linked = ::symlinkat(target.c_str(), directory_fd, temporary.c_str()) == 0;
    if (!linked && errno != EEXIST) break;
  }
  if (!linked) return fail(failure, errno, WriteStep::kTemporary);
  if (::renameat(directory_fd, temporary.c_str(), directory_fd, leaf.c_str()) == 0)
    return WriteOutcome::kWritten;
  int saved_errno = errno;
  ::unlinkat(directory_fd, temporary.c_str(), 0);
  return fail(failure, saved_errno, WriteStep::kWrite);
}

bool write_file_atomically(const std::string& path, std::string_view content, mode_t mode,
                           std::string* err) {
  std::string name;
  FileDescriptor directory = open_directory_of(path, &name);
  WriteFailure failure{errno, WriteStep::kTemporary};
  if (directory.valid() && write_file_at(directory.get(), name, content, {mode, true, true},
                                         &failure) == WriteOutcome::kWritten)
    return true;
  *err = (failure.step == WriteStep::kTemporary ? "cannot create a temporary file next to "
                                                : "cannot write ") +
         path + ": " + errno_text(failure.error);
  return false;
}

bool symlink_atomically(const std::string& target, const std::string& link_path, std::string* err) {
  std::string name;
  FileDescriptor directory = open_directory_of(link_path, &name);
  if (!directory.valid()) {
    *err = "cannot create a temporary name next to " + link_path + ": " + errno_text(errno);
    return false;
  }
  WriteFailure failure;
  if (symlink_at(directory.get(), name, target, true, &failure) == WriteOutcome::kWritten)
    return true;
  *err = "cannot create symlink " + link_path + ": " + errno_text(failure.error);
  return false;
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
  if (!read_to_end(fd.get(), max_size, content)) {
    *err = errno == EFBIG ? path + " is larger than " + std::to_string(max_size) + " bytes"
                          : "cannot read " + path + ": " + errno_text(errno);
    return false;
  }
  return true;
}

bool read_to_end(int fd, size_t max_size, std::string* content) {
  content->clear();
  char buffer[65536];
  for (;;) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (got == 0) return true;
    if (content->size() + static_cast<size_t>(got) > max_size) {
      errno = EFBIG;
      return false;
    }
    content->append(buffer, static_cast<size_t>(got));
  }
}

}  // namespace sdme
