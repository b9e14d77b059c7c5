// The ID-mapped view of a lower layer; see shifted_view.h.
#include "helpers/overlay/shifted_view.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "helpers/container/idmapped_mount.h"
#include "helpers/container/mounts.h"
#include "helpers/overlay/state_directories.h"

namespace sdme::overlay {

bool mount_shifted_view(const std::string& lower, const std::string& view, uint32_t base,
                        uint32_t range, const std::string& upper, std::string_view context,
                        Rollback* rollback, std::string* err) {
  if (!ensure_directory(view, kPrivateDirectory, rollback, err) ||
      !container::unmount_all(view, nullptr, err))
    return false;
  if (!container::mount_idmapped(lower, view, base, range, err)) {
    *err = std::string(context) + ": " + *err;
    return false;
  }
  rollback->mounted(view);
  struct stat status;
  if (::lstat(upper.c_str(), &status) == 0 && (status.st_uid != base || status.st_gid != base) &&
      ::lchown(upper.c_str(), base, base) != 0) {
    *err = "cannot give " + upper + " to UID " + std::to_string(base) + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool release_shifted_view(const std::string& view, std::string* err) {
  if (!container::unmount_all(view, nullptr, err)) return false;
  ::rmdir(view.c_str());
  return true;
}

}  // namespace sdme::overlay
