// rm -r that follows no symbolic link and stays on one file system, for
// trees sdme owns outright (an ephemeral layer, overlayfs' work directory,
// a staging directory, what a layer's whiteout hides): whatever is mounted
// below is left alone, and its mount point makes the removal fail instead
// of being emptied.
#pragma once

#include <string>
#include <string_view>

#include "common/open_beneath.h"

namespace sdme {

// Removes NAME in `directory_fd` and everything below it; a missing NAME
// is no error. A symbolic link is removed, never followed. A directory on
// another file system (or another mount of the same one) is not entered,
// so removing the directory above it fails with ENOTEMPTY. On failure,
// `failure` has the errno and the entry that could not be removed,
// relative to `directory_fd` ("NAME/sub/file").
bool remove_tree_at(int directory_fd, std::string_view name, BeneathFailure* failure);

// remove_tree_at() on PATH's parent, which is opened following symbolic
// links (the caller chose the path). Fails with "cannot remove PATH/...:
// REASON".
bool remove_tree(const std::string& path, std::string* err);

}  // namespace sdme
