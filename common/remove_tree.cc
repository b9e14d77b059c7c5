// rm -r that stays on one file system.
#include "common/remove_tree.h"

#include <ftw.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace sdme {
namespace {

// nftw() takes a plain function; a walk runs on one thread.
thread_local std::string g_removal_failure;

int remove_entry(const char* path, const struct stat*, int, struct FTW*) {
  if (::remove(path) == 0) return 0;
  g_removal_failure = std::string("cannot remove ") + path + ": " + std::strerror(errno);
  return 1;
}

}  // namespace

bool remove_tree(const std::string& path, std::string* err) {
  struct stat status;
  if (::lstat(path.c_str(), &status) != 0 && errno == ENOENT) return true;
  g_removal_failure.clear();
  // Deepest first, symlinks removed rather than followed, one file system.
  if (::nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0) {
    *err = g_removal_failure.empty() ? "cannot remove " + path + ": " + std::strerror(errno)
                                     : g_removal_failure;
    return false;
  }
  return true;
}

}  // namespace sdme
