// Masks of systemd's own units, as systemd's null_or_empty_path() sees them.
#include "generator/unit_mask.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace sdme::generator {

bool unit_is_masked(const std::vector<std::string>& directories, std::string_view unit_name) {
  struct stat null_status;
  const bool have_null = ::stat("/dev/null", &null_status) == 0;
  for (const std::string& directory : directories) {
    const std::string path = directory + "/" + std::string(unit_name);
    struct stat link_status;
    if (::lstat(path.c_str(), &link_status) != 0) continue;
    struct stat status;
    // A dangling link hides nothing and masks nothing; systemd reads on.
    if (::stat(path.c_str(), &status) != 0) continue;
    if (S_ISREG(status.st_mode)) return status.st_size == 0;
    if (S_ISCHR(status.st_mode)) return have_null && status.st_rdev == null_status.st_rdev;
    return false;
  }
  return false;
}

}  // namespace sdme::generator
