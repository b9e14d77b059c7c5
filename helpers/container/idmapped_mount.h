// ID-mapped bind mounts (mount_setattr(2) with MOUNT_ATTR_IDMAP): a view of
// a directory in which every owner is shifted by a base, so a container in
// a user namespace sees the files of its root file system as its own
// without a single chown on disk.
#pragma once

#include <cstdint>
#include <string>

namespace sdme::container {

// Mounts a non-recursive clone of `source` at `target` (an existing
// directory), with owners 0..range-1 on disk shown as base..base+range-1.
// Files created through it by host UID base+N are stored as N.
bool mount_idmapped(const std::string& source, const std::string& target, uint32_t base,
                    uint32_t range, std::string* err);

}  // namespace sdme::container
