// Reading and replacing files in a tree a container controls (its mounted
// root, or one of its layers), relative to an open directory and following
// no symlink on the way. The helpers run as root on the host, and every
// symlink in that tree is the container's: /etc -> the host's /etc must be
// refused, never followed. Paths are opened with common/open_beneath.h,
// files written with common/atomic_file.h's write_file_at() and
// symlink_at(); this file words their errors for the helpers.
//
// Every replacement is atomic: the new entry is made under a temporary name
// in the same directory and renamed over the old one. A reader sees the old
// entry or the new one, a symlink standing there is replaced itself (never
// written through), and a failure leaves the old entry as it was.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/file_descriptor.h"
#include "common/rollback.h"

namespace sdme {

// An open directory and the host path it was opened as, for messages.
struct DirectoryHandle {
  FileDescriptor descriptor;
  std::string path;
  // Who the files and directories made below belong to: the owner of the
  // tree's root. Root's, or in a user-namespaced container the first UID
  // of its range, which the container sees as its own root
  // (helpers/overlay/uid_shift.h); a file of host root's would belong to
  // nobody there.
  uid_t owner = 0;
  gid_t group = 0;
};

enum class EntryKind { kMissing, kRegularFile, kSymlink, kDirectory, kOther };

struct Entry {
  EntryKind kind = EntryKind::kMissing;
  std::string link_target;  // for kSymlink
};

// Whether a tree's root belongs to the first UID and GID of a user
// namespace's range (a multiple of 65536 above 0, equal UID and GID), as
// sdme-overlay makes it for a user-namespaced container
// (helpers/overlay/uid_shift.h). Any other owner, such as a directory an
// administrator made as UID 1000, is no container's root user.
bool is_shifted_root_owner(uid_t owner, gid_t group);

// Opens the root of a tree: a path of the administrator's (the state
// directory), whose symlinks are followed. What is made below belongs to
// the root directory's owner when that is a shifted root
// (is_shifted_root_owner()), to root otherwise.
bool open_tree_root(const std::string& path, DirectoryHandle* root, std::string* err);

// Opens ROOT/PATH, where PATH is the absolute path the tree's owner sees
// ("/etc/systemd/system"), creating each missing directory with mode 0755
// and recording it in `rollback`. Fails on a component that
// is a symlink or not a directory.
bool open_or_create_directory_beneath(const DirectoryHandle& root, std::string_view path,
                                      Rollback* rollback, DirectoryHandle* directory,
                                      std::string* err);
// The same with `mode` for the directories it creates; `rollback` may be
// null, for a caller that keeps what it made even when a later step fails.
bool open_or_create_directory_beneath(const DirectoryHandle& root, std::string_view path,
                                      mode_t mode, Rollback* rollback, DirectoryHandle* directory,
                                      std::string* err);

// Opens ROOT/PATH when every component of it is a directory. When one is
// missing, a symlink or not a directory, nothing can be below it that was
// reached without following a symlink: `directory` is left closed, and that
// is no error.
bool open_existing_directory_beneath(const DirectoryHandle& root, std::string_view path,
                                     DirectoryHandle* directory, std::string* err);

// What stands at NAME in `directory`, not following a symlink.
bool inspect_entry(const DirectoryHandle& directory, std::string_view name, Entry* entry,
                   std::string* err);

// What open_file_beneath() found at NAME.
enum class FileBeneath {
  kOpened,      // a regular file, open for reading
  kMissing,     // nothing there (or a missing directory on the way)
  kSymlink,     // a symlink, not followed
  kNotRegular,  // a directory, FIFO, device or socket; `status` says which
};

// Opens NAME in `directory` for reading without following a symlink and
// without blocking on a FIFO (O_NONBLOCK), and says what it found; for
// kOpened and kNotRegular, `status` is its fstat(). Fails only on other
// errors, with "cannot open PATH: ..." or "cannot access PATH: ...". Each
// caller decides what a missing file or a symlink means to it.
bool open_file_beneath(const DirectoryHandle& directory, std::string_view name, FileBeneath* found,
                       FileDescriptor* file, struct stat* status, std::string* err);

// Whether NAME is a regular file holding exactly `content`.
bool file_has_content(const DirectoryHandle& directory, std::string_view name,
                      std::string_view content, bool* same, std::string* err);

// Makes NAME a regular file with `content` and `mode`.
bool replace_file(const DirectoryHandle& directory, std::string_view name, std::string_view content,
                  mode_t mode, std::string* err);

// Makes NAME a symlink to `target`.
bool replace_symlink(const DirectoryHandle& directory, std::string_view name,
                     std::string_view target, std::string* err);

// Removes NAME, a file or symlink; a missing NAME is no error.
bool remove_entry(const DirectoryHandle& directory, std::string_view name, std::string* err);

}  // namespace sdme
