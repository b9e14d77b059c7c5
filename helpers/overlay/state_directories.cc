// Directories of sdme's state; see state_directories.h.
#include "helpers/overlay/state_directories.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/path_text.h"

namespace sdme::overlay {

bool ensure_directory(const std::string& path, const DirectoryAttributes& attributes,
                      Rollback* rollback, std::string* err) {
  struct stat status;
  if (::stat(path.c_str(), &status) == 0) {
    if (S_ISDIR(status.st_mode)) return true;
    *err = path + " exists and is not a directory; move it out of the way";
    return false;
  }
  if (errno != ENOENT) {
    *err = "cannot access " + path + ": " + std::strerror(errno);
    return false;
  }
  std::string parent = parent_directory(path);
  if (parent != path && !ensure_directory(parent, kOpenDirectory, rollback, err)) return false;
  if (!create_directory(path, attributes, err)) return false;
  rollback->created_directory(path);
  return true;
}

bool ensure_work_directory(const std::string& path, Rollback* rollback, std::string* err) {
  bool existed = ::access(path.c_str(), F_OK) == 0;
  if (!ensure_directory(path, kPrivateDirectory, rollback, err)) return false;
  if (!existed) rollback->created_scratch_directory(path);
  return true;
}

}  // namespace sdme::overlay
