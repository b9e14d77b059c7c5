// Mounting and unmounting a container's overlay root.
#include "helpers/overlay/overlay_mount.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/file_descriptor.h"
#include "common/files_beneath.h"
#include "common/name.h"
#include "common/path_text.h"
#include "common/remove_tree.h"
#include "common/rollback.h"
#include "helpers/container/container_layout.h"
#include "helpers/container/mounted_overlay.h"
#include "helpers/container/mounts.h"
#include "helpers/overlay/container_hostname.h"
#include "helpers/overlay/host_clone.h"
#include "helpers/overlay/layer_directories.h"
#include "helpers/overlay/opaque_directory.h"
#include "helpers/overlay/shifted_view.h"
#include "helpers/overlay/state_directories.h"
#include "helpers/overlay/uid_shift.h"

namespace sdme::overlay {
namespace {

mode_t current_umask() {
  mode_t mask = ::umask(0);
  ::umask(mask);
  return mask;
}

std::string octal(mode_t mode) {
  char text[16];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode));
  return text;
}

// What sdme-overlay creates gets an explicit mode, but the unit's other
// steps run with the same umask, and files they put into the upper layer
// without read access for others break the container's services that drop
// root, dbus first. Refusing before anything exists makes the mistake plain.
bool check_umask(mode_t mask, std::string* err) {
  if ((mask & 0005) == 0) return true;
  *err = "the umask is " + octal(mask) +
         ", which would make files in the upper layer unreadable for non-root services such as "
         "dbus in the container; run sdme-overlay with umask 022 (UMask=0022 in the unit)";
  return false;
}

// overlayfs splits its options at ',' and lowerdir at ':', and reads '\' as
// an escape; util-linux splits at whitespace. None can be carried safely.
bool check_overlay_option_path(std::string_view what, const std::string& path,
                               std::string_view remedy, std::string* err) {
  for (char c : path) {
    std::string found;
    if (c == ',' || c == ':' || c == '\\')
      found = std::string("'") + c + "'";
    else if (std::isspace(static_cast<unsigned char>(c)))
      found = "whitespace";
    else
      continue;
    *err = std::string(what) + " '" + path + "' contains " + found +
           ", which overlayfs mount options cannot carry; " + std::string(remedy) +
           " a path without ',', ':', '\\' or whitespace";
    return false;
  }
  return true;
}

bool check_lower_directory(const std::string& lower, std::string* err) {
  if (!validate_absolute_path(lower, "--lower", err)) return false;
  struct stat status;
  if (::stat(lower.c_str(), &status) != 0) {
    if (errno == ENOENT)
      *err = "lower directory " + lower +
             " does not exist; import a root file system there, or point Rootfs= at one that "
             "exists";
    else
      *err = "cannot access lower directory " + lower + ": " + std::strerror(errno);
    return false;
  }
  if (!S_ISDIR(status.st_mode)) {
    *err = "lower directory " + lower +
           " is not a directory; point Rootfs= at a directory holding a root file system";
    return false;
  }
  return check_overlay_option_path("lower directory", lower, "move the root file system to", err);
}

bool normalize_opaque_directories(const std::vector<std::string>& requested,
                                  std::vector<std::string>* directories, std::string* err) {
  for (const std::string& directory : requested) {
    if (!validate_absolute_path(directory, "--opaque", err)) return false;
    std::string normalized = normalize_path(directory);
    if (normalized == "/") {
      *err = "--opaque=/ would hide the whole lower layer; name a directory below /";
      return false;
    }
    if (std::find(directories->begin(), directories->end(), normalized) == directories->end())
      directories->push_back(std::move(normalized));
  }
  return true;
}

// What other helpers mounted inside the container's root (sdme-app's tree
// of the app, helpers/app/app_mount.h) would keep merged/ busy: its
// unmount would fall back to a lazy detach.
bool unmount_mounts_below(const std::string& path, std::vector<std::string>* warnings,
                          std::string* err) {
  std::vector<std::string> mount_points;
  if (!container::find_mount_points_below(path, &mount_points, err)) return false;
  for (const std::string& mount_point : mount_points)
    if (!container::unmount_all(mount_point, warnings, err)) return false;
  return true;
}

// The ephemeral upper layer is thrown away at every stop and before every
// start, so that an ephemeral container never starts with old changes.
bool discard_ephemeral_layer(const container::ContainerLayout& layout,
                             std::vector<std::string>* warnings, std::string* err) {
  return container::unmount_all(layout.ephemeral, warnings, err) &&
         remove_tree(layout.ephemeral, err);
}

// upper/ becomes the container's "/": it takes the lower root's mode and
// owner, as overlayfs' copy-up would.
bool create_layers(const container::ContainerLayout& layout, const std::string& lower,
                   bool ephemeral, Rollback* rollback, std::string* err) {
  struct stat lower_root;
  if (::stat(lower.c_str(), &lower_root) != 0) {
    *err = "cannot access lower directory " + lower + ": " + std::strerror(errno);
    return false;
  }
  DirectoryAttributes root_attributes{lower_root.st_mode & 07777, lower_root.st_uid,
                                      lower_root.st_gid};
  if (!ensure_directory(layout.containers_dir, kPrivateDirectory, rollback, err) ||
      !ensure_directory(layout.container_dir, kOpenDirectory, rollback, err) ||
      !ensure_directory(layout.merged, kOpenDirectory, rollback, err))
    return false;
  if (!ephemeral) {
    return ensure_directory(layout.upper, root_attributes, rollback, err) &&
           ensure_work_directory(layout.work, rollback, err);
  }
  if (!ensure_directory(layout.ephemeral, kOpenDirectory, rollback, err)) return false;
  if (!container::mount_filesystem("tmpfs", "tmpfs", layout.ephemeral, "mode=0755", err))
    return false;
  rollback->mounted(layout.ephemeral);
  return ensure_directory(layout.ephemeral_upper, root_attributes, rollback, err) &&
         ensure_work_directory(layout.ephemeral_work, rollback, err);
}

void add_host_clone_directories(const std::string& lower, const container::ContainerLayout& layout,
                                std::vector<std::string>* opaque_directories) {
  for (std::string& hidden : host_clone_hidden_directories(lower, layout.state_dir))
    if (std::find(opaque_directories->begin(), opaque_directories->end(), hidden) ==
        opaque_directories->end())
      opaque_directories->push_back(std::move(hidden));
}

// The host name goes in through the mounted overlay, for a fresh mount and
// for one found mounted already alike. Written into upper/ before mounting,
// it would still need this way for an overlay that is mounted already,
// where upper/ must not change under the live mount; through merged/,
// overlayfs itself deals with what the lower layer has there (a symlink to
// the host's file, a file the container deleted).
bool write_hostname(const container::ContainerLayout& layout, const std::string& hostname,
                    Rollback* rollback, std::string* err) {
  if (hostname.empty()) return true;
  DirectoryHandle root;
  return container::open_mounted_overlay(layout, &root, err) &&
         write_container_hostname(root, hostname, rollback, err);
}

// For a user-namespaced container: mounts the lower layer's view shifted
// into the container's UID range and returns its path, for the overlay to
// be made of (and for the upper layer's new directories to copy owners
// from). An empty upper layer left by an earlier start gets the range's
// owner, which records the range. The caller made containers/ and holds
// its lock.
bool prepare_shifted_lower(const UidShift& shift, const container::ContainerLayout& layout,
                           const std::string& lower, bool ephemeral, std::string* shifted_lower,
                           Rollback* rollback, std::string* err) {
  const std::string& upper = ephemeral ? layout.ephemeral_upper : layout.upper;
  uint32_t base = 0;
  if (!resolve_uid_base(shift, layout, upper, &base, err)) return false;
  if (!ensure_directory(layout.container_dir, kOpenDirectory, rollback, err) ||
      !mount_shifted_view(lower, layout.idmapped_lower, base, shift.range, upper,
                          "PrivateUsers=", rollback, err))
    return false;
  *shifted_lower = layout.idmapped_lower;
  return true;
}

}  // namespace

bool mount_overlay(const OverlayMountRequest& request, OverlayMountResult* result,
                   std::string* err) {
  *result = OverlayMountResult{};

  // Check every input before anything on disk changes.
  container::ContainerLayout layout;
  if (!container::make_container_layout(request.container_name, &layout, err)) return false;
  result->merged = layout.merged;
  if (!check_umask(current_umask(), err)) return false;
  std::string lower = normalize_path(request.lower);
  if (!check_lower_directory(lower, err)) return false;
  if (!check_overlay_option_path("state directory", layout.state_dir, "set SDME_STATE_DIR to", err))
    return false;
  std::vector<std::string> opaque_directories;
  if (!normalize_opaque_directories(request.opaque_directories, &opaque_directories, err))
    return false;
  if (!request.hostname.empty() && !check_container_hostname(request.hostname, err)) return false;
  UidShift shift;
  if (!parse_uid_shift(request.private_users, &shift, err)) return false;

  // A second start (or a start after a stop that failed) uses the overlay
  // that is there.
  container::MountPoint merged;
  if (!container::find_mount_point(layout.merged, &merged, err)) return false;
  if (merged.mounted) {
    if (merged.filesystem_type != "overlay") {
      *err = layout.merged + " is already a mount point of a " + merged.filesystem_type +
             " file system, not of sdme's overlay; unmount it and start the container again";
      return false;
    }
    result->already_mounted = true;
    // Left mounted by a start that failed: it must have been made as this
    // start asks, with or without the user namespace.
    std::string upper_in_use;
    if (!container::find_upper_layer_in_use(layout, &upper_in_use, err)) return false;
    struct stat upper_status = {};
    ::lstat(upper_in_use.c_str(), &upper_status);
    if (shift.enabled != is_shifted_root_owner(upper_status.st_uid, upper_status.st_gid)) {
      *err = layout.merged + " is still mounted from an earlier start " +
             (shift.enabled ? "without" : "with") +
             " a user namespace; unmount it (sdme-overlay umount " + layout.container_name +
             ") and start the container again";
      return false;
    }
    // The mount is not this run's to undo; directories made for the host
    // name are.
    Rollback rollback;
    if (!write_hostname(layout, request.hostname, &rollback, err)) return false;
    rollback.commit();
    return true;
  }

  // An ephemeral tmpfs still mounted from an earlier run holds that run's changes.
  if (!discard_ephemeral_layer(layout, &result->warnings, err)) return false;

  Rollback rollback;
  // Containers started at the same time must not pick the same range: the
  // choice is made, and recorded as the upper layer's owner, under a lock.
  FileDescriptor range_lock;
  if (shift.enabled) {
    if (!ensure_directory(layout.containers_dir, kPrivateDirectory, &rollback, err)) return false;
    range_lock.reset(::open(layout.containers_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!range_lock.valid() || ::flock(range_lock.get(), LOCK_EX) != 0) {
      *err = "cannot lock " + layout.containers_dir + ": " + std::strerror(errno);
      return false;
    }
  }
  // What the overlay is made of: the lower layer itself, or its shifted view.
  std::string layer = lower;
  if (shift.enabled &&
      !prepare_shifted_lower(shift, layout, lower, request.ephemeral, &layer, &rollback, err))
    return false;
  if (!shift.enabled && !request.ephemeral && !check_upper_without_shift(layout.upper, err))
    return false;
  if (!create_layers(layout, layer, request.ephemeral, &rollback, err)) return false;
  const std::string& upper = request.ephemeral ? layout.ephemeral_upper : layout.upper;
  const std::string& work = request.ephemeral ? layout.ephemeral_work : layout.work;

  if (request.host_clone) add_host_clone_directories(lower, layout, &opaque_directories);
  for (const std::string& directory : opaque_directories)
    if (!make_opaque_directory(upper, layer, directory, &rollback, err)) return false;

  if (!container::mount_filesystem("overlay", "overlay", layout.merged,
                                   "lowerdir=" + layer + ",upperdir=" + upper + ",workdir=" + work,
                                   err)) {
    *err += "; the kernel log (journalctl -k) has overlayfs' reason";
    // Before Linux 5.19 mount_setattr() makes the view, but overlayfs
    // refuses an ID-mapped layer.
    if (shift.enabled) *err += " (an ID-mapped lower layer needs Linux 5.19 or later)";
    return false;
  }
  rollback.mounted(layout.merged);
  if (shift.enabled && !release_shifted_view(layout.idmapped_lower, err)) return false;
  if (!write_hostname(layout, request.hostname, &rollback, err)) return false;
  rollback.commit();
  return true;
}

bool unmount_overlay(std::string_view container_name, std::vector<std::string>* warnings,
                     std::string* err) {
  container::ContainerLayout layout;
  if (!container::make_container_layout(container_name, &layout, err)) return false;
  if (!unmount_mounts_below(layout.merged, warnings, err) ||
      !container::unmount_all(layout.merged, warnings, err) ||
      !discard_ephemeral_layer(layout, warnings, err) ||
      !container::unmount_all(layout.idmapped_lower, warnings, err))
    return false;
  ::rmdir(layout.idmapped_lower.c_str());  // gone already after a clean start
  return true;
}

}  // namespace sdme::overlay
