// Reading and replacing files beneath an open directory, following no symlink.
#include "common/files_beneath.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "common/atomic_file.h"
#include "common/open_beneath.h"
#include "common/strings.h"

namespace sdme {
namespace {

constexpr mode_t kDirectoryMode = 0755;

std::string errno_text(int error) { return std::strerror(error); }

std::string path_of(const DirectoryHandle& directory, std::string_view name) {
  return directory.path + "/" + std::string(name);
}

EntryKind kind_of(const struct stat& status) {
  if (S_ISREG(status.st_mode)) return EntryKind::kRegularFile;
  if (S_ISDIR(status.st_mode)) return EntryKind::kDirectory;
  if (S_ISLNK(status.st_mode)) return EntryKind::kSymlink;
  return EntryKind::kOther;
}

// The message for a failure of the layer below, in the helpers' words.
std::string describe(const DirectoryHandle& root, const BeneathFailure& failure) {
  std::string path = failure.component.empty() ? root.path : path_of(root, failure.component);
  if (failure.step == BeneathStep::kRefused) return failure.message;
  if (failure.step == BeneathStep::kCreate)
    return "cannot create directory " + path + ": " + errno_text(failure.error);
  if (failure.error == ELOOP)
    return path +
           " is a symlink, and sdme does not follow symlinks made by a container; replace it "
           "with a directory inside the container";
  if (failure.error == ENOTDIR) return path + " is not a directory; remove it inside the container";
  return "cannot open " + path + ": " + errno_text(failure.error);
}

// PATH, a container's absolute path, as a path relative to its root; the
// handle's path for messages.
std::string relative_of(std::string_view path) {
  std::string relative;
  for (const std::string& component : split(path, '/')) {
    if (component.empty()) continue;
    if (!relative.empty()) relative += '/';
    relative += component;
  }
  return relative;
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

}  // namespace

bool is_shifted_root_owner(uid_t owner, gid_t group) {
  constexpr uid_t kRangeSize = 0x10000;
  return owner != 0 && owner == group && owner % kRangeSize == 0;
}

bool open_tree_root(const std::string& path, DirectoryHandle* root, std::string* err) {
  root->descriptor.reset(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  root->path = path;
  struct stat status;
  if (!root->descriptor.valid() || ::fstat(root->descriptor.get(), &status) != 0) {
    *err = "cannot open " + path + ": " + errno_text(errno);
    return false;
  }
  const bool shifted = is_shifted_root_owner(status.st_uid, status.st_gid);
  root->owner = shifted ? status.st_uid : 0;
  root->group = shifted ? status.st_gid : 0;
  return true;
}

bool open_or_create_directory_beneath(const DirectoryHandle& root, std::string_view path,
                                      Rollback* rollback, DirectoryHandle* directory,
                                      std::string* err) {
  return open_or_create_directory_beneath(root, path, kDirectoryMode, rollback, directory, err);
}

bool open_or_create_directory_beneath(const DirectoryHandle& root, std::string_view path,
                                      mode_t mode, Rollback* rollback, DirectoryHandle* directory,
                                      std::string* err) {
  if (!check_components(path, err)) return false;
  std::string relative = relative_of(path);
  // Created closed (0700) and opened before it gets its mode, so nothing
  // can use it before it is what it should be. One that appeared in
  // between is someone else's and keeps its mode.
  DirectoryCreation creation;
  creation.mode = 0700;
  creation.after = [&](int, const std::string&, int fd, std::string_view created,
                       std::string* hook_err) {
    std::string created_path = path_of(root, created);
    if (rollback) rollback->created_directory(created_path);
    if (::fchown(fd, root.owner, root.group) == 0 && ::fchmod(fd, mode) == 0) return true;
    *hook_err = "cannot set the owner and mode of " + created_path + ": " + errno_text(errno);
    return false;
  };
  DirectoryHandle opened;
  BeneathFailure failure;
  if (!make_directories_beneath(root.descriptor.get(), relative, creation, &opened.descriptor,
                                &failure)) {
    *err = describe(root, failure);
    return false;
  }
  opened.path = relative.empty() ? root.path : path_of(root, relative);
  opened.owner = root.owner;
  opened.group = root.group;
  *directory = std::move(opened);
  return true;
}

bool open_existing_directory_beneath(const DirectoryHandle& root, std::string_view path,
                                     DirectoryHandle* directory, std::string* err) {
  *directory = DirectoryHandle{};
  if (!check_components(path, err)) return false;
  std::string relative = relative_of(path);
  DirectoryHandle opened;
  BeneathFailure failure;
  if (!open_beneath(root.descriptor.get(), relative, O_RDONLY | O_DIRECTORY, &opened.descriptor,
                    &failure)) {
    // Nothing below a missing component, a symlink or a file can have been
    // reached without following a symlink: no directory, and no error.
    if (failure.error == ENOENT || failure.error == ELOOP || failure.error == ENOTDIR) return true;
    *err = describe(root, failure);
    return false;
  }
  opened.path = relative.empty() ? root.path : path_of(root, relative);
  opened.owner = root.owner;
  opened.group = root.group;
  *directory = std::move(opened);
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

bool open_file_beneath(const DirectoryHandle& directory, std::string_view name, FileBeneath* found,
                       FileDescriptor* file, struct stat* status, std::string* err) {
  *found = FileBeneath::kMissing;
  // O_NONBLOCK: a FIFO put there must not hang the helper.
  BeneathFailure failure;
  if (!open_beneath(directory.descriptor.get(), name, O_RDONLY | O_NONBLOCK | O_NOCTTY, file,
                    &failure)) {
    if (failure.error == ENOENT) return true;
    if (failure.error == ELOOP) {
      *found = FileBeneath::kSymlink;
      return true;
    }
    *err = "cannot open " + path_of(directory, name) + ": " + errno_text(failure.error);
    return false;
  }
  if (::fstat(file->get(), status) != 0) {
    *err = "cannot access " + path_of(directory, name) + ": " + errno_text(errno);
    return false;
  }
  *found = S_ISREG(status->st_mode) ? FileBeneath::kOpened : FileBeneath::kNotRegular;
  return true;
}

bool file_has_content(const DirectoryHandle& directory, std::string_view name,
                      std::string_view content, bool* same, std::string* err) {
  *same = false;
  std::string path = path_of(directory, name);
  FileBeneath state;
  FileDescriptor file;
  struct stat status;
  if (!open_file_beneath(directory, name, &state, &file, &status, err)) return false;
  if (state != FileBeneath::kOpened || static_cast<size_t>(status.st_size) != content.size())
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
  WriteFailure failure;
  AtomicWrite how;
  how.mode = mode;
  how.owner = directory.owner;
  how.group = directory.group;
  if (write_file_at(directory.descriptor.get(), name, content, how, &failure) ==
      WriteOutcome::kWritten)
    return true;
  *err = (failure.step == WriteStep::kTemporary ? "cannot create a temporary file next to "
                                                : "cannot write ") +
         path_of(directory, name) + ": " + errno_text(failure.error);
  return false;
}

bool replace_symlink(const DirectoryHandle& directory, std::string_view name,
                     std::string_view target, std::string* err) {
  WriteFailure failure;
  if (symlink_at(directory.descriptor.get(), name, std::string(target), true, &failure) ==
      WriteOutcome::kWritten) {
    // A link's owner grants nothing, but a container's own links are its
    // root's, like everything else it has.
    if (directory.owner != 0 || directory.group != 0)
      ::fchownat(directory.descriptor.get(), std::string(name).c_str(), directory.owner,
                 directory.group, AT_SYMLINK_NOFOLLOW);
    return true;
  }
  *err = "cannot create symlink " + path_of(directory, name) + ": " + errno_text(failure.error);
  return false;
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
