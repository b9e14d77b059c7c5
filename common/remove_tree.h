// rm -r that stays on one file system, for directories sdme owns outright
// (an ephemeral layer, overlayfs' work directory): whatever is mounted
// below is left alone, and its mount point makes the removal fail instead
// of being emptied.
#pragma once

#include <string>

namespace sdme {

// Removes `path` and everything below it; a missing path is not an error.
bool remove_tree(const std::string& path, std::string* err);

}  // namespace sdme
