// Directories of sdme's state (STATE/containers/NAME/...) made for a
// mount, each recorded in a Rollback so that a failed start leaves none.
#pragma once

#include <string>

#include "common/rollback.h"
#include "helpers/overlay/layer_directories.h"

namespace sdme::overlay {

// Directory modes. containers/ is closed like /var/lib/machines: through a
// container's root, host users could otherwise run set-user-ID programs
// the container's root user left there. Below it, directories that become
// the container's "/" must be readable by the container's own users.
inline constexpr DirectoryAttributes kPrivateDirectory{0700, 0, 0};
inline constexpr DirectoryAttributes kOpenDirectory{0755, 0, 0};

// mkdir -p that records what it creates (parents kOpenDirectory). Follows
// symlinks: these paths are the administrator's (a state directory on
// another disk), not a container's.
bool ensure_directory(const std::string& path, const DirectoryAttributes& attributes,
                      Rollback* rollback, std::string* err);

// An overlayfs work directory (kPrivateDirectory). overlayfs fills it
// (work/work, index/) even on a mount it then refuses, so one this run
// created is emptied, not just rmdir'ed.
bool ensure_work_directory(const std::string& path, Rollback* rollback, std::string* err);

}  // namespace sdme::overlay
