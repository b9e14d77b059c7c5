// Reading and writing files in a container's tree for sdme-provision, on
// top of common/files_beneath.h: no symlink the container planted is ever
// followed, and a file is written only when its content, mode or owner
// differs, so a second run changes nothing, not even an mtime.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/files_beneath.h"
#include "helpers/provision/container_tree.h"

namespace sdme::provision {

// Owner and group are the container's own IDs: 0 is its root. In a
// user-namespaced container they are stored shifted by the first UID and
// GID of its range, the owner of the tree's root (DirectoryHandle::owner,
// helpers/overlay/uid_shift.h); elsewhere that owner is 0 and nothing
// shifts.
struct FileAttributes {
  mode_t mode = 0644;
  uid_t owner = 0;
  gid_t group = 0;
};

// The files sdme-provision reads in a tree (/etc/shadow, sshd_config, unit
// files) are small; a bigger one is refused rather than read into memory.
inline constexpr size_t kMaxTreeFileSize = 16 << 20;

// Reads NAME in `directory` when it is a regular file: *found false when
// it is missing. A symlink, directory or other kind of file there is an
// error naming it.
bool read_tree_file(const DirectoryHandle& directory, std::string_view name, bool* found,
                    std::string* content, FileAttributes* attributes, std::string* err);

// Makes NAME a regular file with `content` and `attributes`, atomically,
// unless it already is exactly that.
bool write_tree_file(const DirectoryHandle& directory, std::string_view name,
                     std::string_view content, const FileAttributes& attributes, std::string* err);

// Makes NAME a symlink to `target` unless it already is one.
bool write_tree_symlink(const DirectoryHandle& directory, std::string_view name,
                        std::string_view target, std::string* err);

// Whether NAME is a regular file whose first line is `first_line`.
bool file_starts_with_line(const DirectoryHandle& directory, std::string_view name,
                           std::string_view first_line, bool* starts, std::string* err);

// Removes PATH (absolute, as the container sees it) through the tree's
// root when the upper layer holds it as a regular file whose first line is
// `marker`: written by an earlier run, not by the administrator, and not
// brought by the lower layer (an image made from a container keeps its
// files).
bool remove_tree_file_if_ours(const ContainerTree& tree, std::string_view path,
                              std::string_view marker, std::string* err);

// Removes the symlink PATH through the tree's root when the upper layer
// holds it pointing at `target`.
bool remove_tree_symlink_if_ours(const ContainerTree& tree, std::string_view path,
                                 std::string_view target, std::string* err);

}  // namespace sdme::provision
