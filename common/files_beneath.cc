// Reading and replacing files beneath an open directory, following no symlink.
#include "common/files_beneath.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <random>

#include "common/atomic_file.h"
#include "common/strings.h"

namespace sdme {
namespace {

constexpr mode_t kDirectoryMode = 0755;
// Temporary names are random and created exclusively; a clash only costs
// another try, and this many clashes in a row mean something is wrong.
constexpr int kMaxTemporaryNameAttempts = 100;

std::string errno_text(int error) { return std::strerror(error); }

std::string path_of(const DirectoryHandle& directory, std::string_view name) {
  return directory.path + "/" + std::string(name);
}

// NAME.XXXXXX, like the temporary files of common/atomic_file.h.
std::string temporary_name(std::string_view name) {
  static constexpr char kCharacters[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static std::mt19937 generator{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, sizeof kCharacters - 2);
  std::string temporary = std::string(name) + ".";
  for (int i = 0; i < 6; ++i) temporary += kCharacters[pick(generator)];
  return temporary;
}

EntryKind kind_of(const struct stat& status) {
  if (S_ISREG(status.st_mode)) return EntryKind::kRegularFile;
  if (S_ISDIR(status.st_mode)) return EntryKind::kDirectory;
  if (S_ISLNK(status.st_mode)) return EntryKind::kSymlink;
  return EntryKind::kOther;
}

bool open_child_directory(const DirectoryHandle& parent, const std::string& name,
                          DirectoryHandle* child) {
  child->path = path_of(parent, name);
  child->descriptor.reset(::openat(parent.descriptor.get(), name.c_str(),
                                   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  return child->descriptor.valid();
}

// Why NAME in `parent` could not be opened as a directory, for a message.
std::string refusal(const DirectoryHandle& parent, const std::string& name, int open_errno) {
  std::string path = path_of(parent, name);
  Entry entry;
  std::string ignored;
  if (open_errno == ELOOP || open_errno == ENOTDIR) {
    if (inspect_entry(parent, name, &entry, &ignored) && entry.kind == EntryKind::kSymlink)
      return path +
             " is a symlink, and sdme does not follow symlinks made by a container; replace it "
             "with a directory inside the container";
    return path + " is not a directory; remove it inside the container";
  }
  return "cannot open " + path + ": " + errno_text(open_errno);
}

// The directory is created closed (0700) and opened before it gets its
// mode, so nothing can use it before it is what it should be. One that
// appeared in between is someone else's and keeps its mode.
bool create_child_directory(const DirectoryHandle& parent, const std::string& name,
                            Rollback* rollback, DirectoryHandle* child, std::string* err) {
  std::string path = path_of(parent, name);
  bool created = ::mkdirat(parent.descriptor.get(), name.c_str(), 0700) == 0;
  if (!created && errno != EEXIST) {
    *err = "cannot create directory " + path + ": " + errno_text(errno);
    return false;
  }
  if (created) rollback->created_directory(path);
  if (!open_child_directory(parent, name, child)) {
    *err = refusal(parent, name, errno);
    return false;
  }
  if (created && ::fchmod(child->descriptor.get(), kDirectoryMode) != 0) {
    *err = "cannot set the mode of " + path + ": " + errno_text(errno);
    return false;
  }
  return true;
}

// ".." would climb out of the tree without any symlink; the paths are the
// helpers' own constants, so this only catches a programming mistake.
bool check_components(std::string_view path, std::string* err) {
  for (const std::string& component : split(path, '/')) {
    if (component != "." && component != "..") continue;
    *err = "internal error: the path " + std::string(path) + " has a '" + component + "' component";
    return false;
  }
  return true;
}

bool duplicate(const DirectoryHandle& directory, DirectoryHandle* copy, std::string* err) {
  copy->descriptor.reset(::fcntl(directory.descriptor.get(), F_DUPFD_CLOEXEC, 0));
  copy->path = directory.path;
  if (!copy->descriptor.valid()) {
    *err = "cannot duplicate the descriptor of " + directory.path + ": " + errno_text(errno);
    return false;
  }
  return true;
}

}  // namespace

bool open_tree_root(const std::string& path, DirectoryHandle* root, std::string* err) {
  root->descriptor.reset(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  root->path = path;
  if (!root->descriptor.valid()) {
    *err = "cannot open " + path + ": " + errno_text(errno);
    return false;
  }
  return true;
}

bool open_or_create_directory_beneath(const DirectoryHandle& root, std::string_view path,
                                      Rollback* rollback, DirectoryHandle* directory,
                                      std::string* err) {
  DirectoryHandle current;
  if (!check_components(path, err) || !duplicate(root, &current, err)) return false;
  for (const std::string& component : split(path, '/')) {
    if (component.empty()) continue;
    DirectoryHandle child;
    if (!open_child_directory(current, component, &child)) {
      if (errno != ENOENT) {
        *err = refusal(current, component, errno);
        return false;
      }
      if (!create_child_directory(current, component, rollback, &child, err)) return false;
    }
    current = std::move(child);
  }
  *directory = std::move(current);
  return true;
}

bool open_existing_directory_beneath(const DirectoryHandle& root, std::string_view path,
                                     DirectoryHandle* directory, std::string* err) {
  *directory = DirectoryHandle{};
  DirectoryHandle current;
  if (!check_components(path, err) || !duplicate(root, &current, err)) return false;
  for (const std::string& component : split(path, '/')) {
    if (component.empty()) continue;
    DirectoryHandle child;
    if (!open_child_directory(current, component, &child)) {
      if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR) return true;
      *err = refusal(current, component, errno);
      return false;
    }
    current = std::move(child);
  }
  *directory = std::move(current);
  return true;
}

bool inspect_entry(const DirectoryHandle& directory, std::string_view name, Entry* entry,
                   std::string* err) {
  *entry = Entry{};
  std::string name_text(name);
  struct stat status;
  if (::fstatat(directory.descriptor.get(), name_text.c_str(), &status, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return true;
    *err = "cannot access " + path_of(directory, name) + ": " + errno_text(errno);
    return false;
  }
  entry->kind = kind_of(status);
  if (entry->kind != EntryKind::kSymlink) return true;
  char target[PATH_MAX];
  ssize_t length =
      ::readlinkat(directory.descriptor.get(), name_text.c_str(), target, sizeof target);
  if (length < 0) {
    *err = "cannot read the symlink " + path_of(directory, name) + ": " + errno_text(errno);
    return false;
  }
  entry->link_target.assign(target, static_cast<size_t>(length));
  return true;
}

bool file_has_content(const DirectoryHandle& directory, std::string_view name,
                      std::string_view content, bool* same, std::string* err) {
  *same = false;
  std::string path = path_of(directory, name);
  // O_NONBLOCK: a FIFO put there must not hang the helper.
  FileDescriptor file(::openat(directory.descriptor.get(), std::string(name).c_str(),
                               O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!file.valid()) {
    if (errno == ENOENT || errno == ELOOP) return true;
    *err = "cannot open " + path + ": " + errno_text(errno);
    return false;
  }
  struct stat status;
  if (::fstat(file.get(), &status) != 0) {
    *err = "cannot access " + path + ": " + errno_text(errno);
    return false;
  }
  if (!S_ISREG(status.st_mode) || static_cast<size_t>(status.st_size) != content.size())
    return true;
  // One byte more than expected tells a file that grew since fstat().
  std::string found(content.size() + 1, '\0');
  size_t length = 0;
  while (length < found.size()) {
    ssize_t got = ::read(file.get(), found.data() + length, found.size() - length);
    if (got < 0) {
      if (errno == EINTR) continue;
      *err = "cannot read " + path + ": " + errno_text(errno);
      return false;
    }
    if (got == 0) break;
    length += static_cast<size_t>(got);
  }
  *same = std::string_view(found.data(), length) == content;
  return true;
}

bool replace_file(const DirectoryHandle& directory, std::string_view name, std::string_view content,
                  mode_t mode, std::string* err) {
  std::string path = path_of(directory, name);
  int parent = directory.descriptor.get();
  std::string temporary;
  FileDescriptor file;
  for (int attempt = 0; attempt < kMaxTemporaryNameAttempts && !file.valid(); ++attempt) {
    temporary = temporary_name(name);
    file.reset(::openat(parent, temporary.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!file.valid() && errno != EEXIST) break;
  }
  if (!file.valid()) {
    *err = "cannot create a temporary file next to " + path + ": " + errno_text(errno);
    return false;
  }
  bool ok =
      ::fchmod(file.get(), mode) == 0 && write_all(file.get(), content) && ::fsync(file.get()) == 0;
  int saved_errno = errno;
  if (::close(file.release()) != 0 && ok) {
    ok = false;
    saved_errno = errno;
  }
  if (ok && ::renameat(parent, temporary.c_str(), parent, std::string(name).c_str()) != 0) {
    ok = false;
    saved_errno = errno;
  }
  if (!ok) {
    ::unlinkat(parent, temporary.c_str(), 0);
    *err = "cannot write " + path + ": " + errno_text(saved_errno);
    return false;
  }
  return true;
}

bool replace_symlink(const DirectoryHandle& directory, std::string_view name,
                     std::string_view target, std::string* err) {
  std::string path = path_of(directory, name);
  int parent = directory.descriptor.get();
  std::string target_text(target);
  std::string temporary;
  bool linked = false;
  for (int attempt = 0; attempt < kMaxTemporaryNameAttempts && !linked; ++attempt) {
    temporary = temporary_name(name);
    linked = ::symlinkat(target_text.c_str(), parent, temporary.c_str()) == 0;
    if (!linked && errno != EEXIST) break;
  }
  if (!linked) {
    *err = "cannot create symlink " + path + ": " + errno_text(errno);
    return false;
  }
  if (::renameat(parent, temporary.c_str(), parent, std::string(name).c_str()) != 0) {
    int saved_errno = errno;
    ::unlinkat(parent, temporary.c_str(), 0);
    *err = "cannot create symlink " + path + ": " + errno_text(saved_errno);
    return false;
  }
  return true;
}

bool remove_entry(const DirectoryHandle& directory, std::string_view name, std::string* err) {
  if (::unlinkat(directory.descriptor.get(), std::string(name).c_str(), 0) != 0 &&
      errno != ENOENT) {
    *err = "cannot remove " + path_of(directory, name) + ": " + errno_text(errno);
    return false;
  }
  return true;
}

}  // namespace sdme
