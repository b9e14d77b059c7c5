// Opaque directories in an overlay upper layer.
#include "helpers/overlay/opaque_directory.h"

#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "common/path_text.h"
#include "helpers/overlay/layer_directories.h"

namespace sdme::overlay {
namespace {

constexpr std::string_view kSystemUnitDirectory = "/etc/systemd/system";
constexpr std::string_view kDbusServiceLink = "/etc/systemd/system/dbus.service";

bool is_opaque(const std::string& path) {
  char value[2];
  ssize_t size = ::lgetxattr(path.c_str(), kOpaqueAttribute, value, sizeof value);
  return size == 1 && value[0] == 'y';
}

// Distributions name their D-Bus implementation with the symlink
// /etc/systemd/system/dbus.service -> dbus-broker.service (or
// dbus-daemon.service); dbus.socket activates it by that name. An opaque
// /etc/systemd/system would hide the link, and nothing on the container's
// bus would start, so the link is carried into the upper layer. A link the
// upper layer has already (the container's own choice) is left alone.
bool keep_dbus_service_link(const std::string& upper, const std::string& lower, Rollback* rollback,
                            std::string* err) {
  std::string lower_link = path_under(lower, kDbusServiceLink);
  struct stat status;
  if (::lstat(lower_link.c_str(), &status) != 0 || !S_ISLNK(status.st_mode)) return true;
  char target[PATH_MAX];
  ssize_t length = ::readlink(lower_link.c_str(), target, sizeof target - 1);
  if (length < 0) {
    *err = "cannot read the symlink " + lower_link + ": " + std::strerror(errno);
    return false;
  }
  target[length] = '\0';
  std::string upper_link = upper + std::string(kDbusServiceLink);
  if (::lstat(upper_link.c_str(), &status) == 0) return true;
  if (::symlink(target, upper_link.c_str()) != 0) {
    *err = "cannot create the symlink " + upper_link + ": " + std::strerror(errno);
    return false;
  }
  rollback->created_file(upper_link);
  return true;
}

}  // namespace

bool make_opaque_directory(const std::string& upper, const std::string& lower,
                           std::string_view directory, Rollback* rollback, std::string* err) {
  LayerDirectoryState state;
  std::vector<std::string> created;
  bool made = make_layer_directories(upper, directory, lower, &state, &created, err);
  for (std::string& path : created) rollback->created_directory(std::move(path));
  if (!made) return false;
  if (state == LayerDirectoryState::kHiddenByWhiteout) return true;

  std::string path = upper + std::string(directory);
  if (!is_opaque(path)) {
    if (::lsetxattr(path.c_str(), kOpaqueAttribute, "y", 1, 0) != 0) {
      *err = "cannot make " + std::string(directory) + " opaque: setting " + kOpaqueAttribute +
             " on " + path + " failed: " + std::strerror(errno) +
             "; the upper layer's file system must support trusted.* extended attributes";
      return false;
    }
    rollback->set_attribute(path, kOpaqueAttribute);
  }
  if (directory == kSystemUnitDirectory) return keep_dbus_service_link(upper, lower, rollback, err);
  return true;
}

}  // namespace sdme::overlay
