// rm -r beneath a directory descriptor, on one file system.
#include "common/remove_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace sdme {
namespace {

constexpr unsigned kMountMask = STATX_TYPE | STATX_MNT_ID;

struct MountKey {
  dev_t device = 0;
  uint64_t mount_id = 0;
  bool mount_id_known = false;
  bool operator!=(const MountKey& other) const {
    return device != other.device ||
           (mount_id_known && other.mount_id_known && mount_id != other.mount_id);
  }
};

bool mount_key_of(int fd, MountKey* key) {
  struct statx status;
  if (::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, kMountMask, &status) != 0) return false;
  key->device = makedev(status.stx_dev_major, status.stx_dev_minor);
  key->mount_id_known = (status.stx_mask & STATX_MNT_ID) != 0;
  key->mount_id = status.stx_mnt_id;
  return true;
}

bool fail(BeneathFailure* failure, int error, std::string component) {
  failure->error = error;
  failure->component = std::move(component);
  failure->step = BeneathStep::kOpen;
  return false;
}

// The names in the open directory `fd`, with their d_type. Read in full
// before anything is removed: removing while reading may skip entries.
bool list_directory(int fd, std::vector<std::pair<std::string, unsigned char>>* names, int* error) {
  int listing_fd = ::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* listing = listing_fd >= 0 ? ::fdopendir(listing_fd) : nullptr;
  if (listing == nullptr) {
    *error = errno;
    if (listing_fd >= 0) ::close(listing_fd);
    return false;
  }
  errno = 0;
  while (struct dirent* entry = ::readdir(listing)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names->emplace_back(name, entry->d_type);
    errno = 0;
  }
  *error = errno;
  ::closedir(listing);
  return *error == 0;
}

// `parent_key`: the mount the removal started on; `path`: NAME relative to
// where it started, for the failure.
bool remove_below(int parent_fd, const std::string& name, unsigned char type,
                  const MountKey& parent_key, const std::string& path, BeneathFailure* failure) {
  // Anything but a directory goes in one call; d_type may be unknown.
  if (type != DT_DIR) {
    if (::unlinkat(parent_fd, name.c_str(), 0) == 0 || errno == ENOENT) return true;
    if (errno != EISDIR) return fail(failure, errno, path);
  }
  FileDescriptor directory(
      ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!directory.valid()) {
    if (errno == ENOENT) return true;
    // Replaced by a link or file since it was listed: remove that instead.
    if (errno == ELOOP || errno == ENOTDIR)
      return ::unlinkat(parent_fd, name.c_str(), 0) == 0 || errno == ENOENT ||
             fail(failure, errno, path);
    return fail(failure, errno, path);
  }
  MountKey key;
  if (!mount_key_of(directory.get(), &key)) return fail(failure, errno, path);
  // Another mount: left alone; the directory above it stays non-empty.
  if (key != parent_key) return true;
  std::vector<std::pair<std::string, unsigned char>> children;
  int error = 0;
  if (!list_directory(directory.get(), &children, &error)) return fail(failure, error, path);
  for (const auto& [child, child_type] : children)
    if (!remove_below(directory.get(), child, child_type, key, path + "/" + child, failure))
      return false;
  directory.reset();
  if (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) return true;
  return fail(failure, errno, path);
}

}  // namespace

bool remove_tree_at(int directory_fd, std::string_view name, BeneathFailure* failure) {
  *failure = BeneathFailure{};
  std::string name_text(name);
  if (name_text.empty() || name_text == "." || name_text == ".." ||
      name_text.find('/') != std::string::npos)
    return fail(failure, EINVAL, name_text);
  struct stat status;
  if (::fstatat(directory_fd, name_text.c_str(), &status, AT_SYMLINK_NOFOLLOW) != 0)
    return errno == ENOENT || fail(failure, errno, name_text);
  if (!S_ISDIR(status.st_mode))
    return ::unlinkat(directory_fd, name_text.c_str(), 0) == 0 || errno == ENOENT ||
           fail(failure, errno, name_text);
  // The tree's own mount is the one its top directory is on.
  FileDescriptor top(
      ::openat(directory_fd, name_text.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  MountKey key;
  if (!top.valid() || !mount_key_of(top.get(), &key)) return fail(failure, errno, name_text);
  return remove_below(directory_fd, name_text, DT_DIR, key, name_text, failure);
}

bool remove_tree(const std::string& path, std::string* err) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  size_t slash = trimmed.rfind('/');
  std::string parent = slash == std::string::npos ? "."
                       : slash == 0               ? "/"
                                                  : trimmed.substr(0, slash);
  std::string name = slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
  // What is shown: PATH's own spelling, then what is below it.
  std::string shown_parent = slash == std::string::npos ? "" : trimmed.substr(0, slash + 1);
  FileDescriptor parent_fd(::open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!parent_fd.valid()) {
    if (errno == ENOENT) return true;
    *err = "cannot remove " + path + ": " + std::strerror(errno);
    return false;
  }
  BeneathFailure failure;
  if (remove_tree_at(parent_fd.get(), name, &failure)) return true;
  *err = "cannot remove " + shown_parent + failure.component + ": " + std::strerror(failure.error);
  return false;
}

}  // namespace sdme
