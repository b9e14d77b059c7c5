// Mounting and unmounting the app's tree inside its container.
#include "helpers/app/app_mount.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/files_beneath.h"
#include "common/path_text.h"
#include "common/rollback.h"
#include "helpers/app/app_setup.h"
#include "helpers/container/container_layout.h"
#include "helpers/container/mounts.h"
#include "helpers/overlay/shifted_view.h"
#include "helpers/overlay/state_directories.h"
#include "helpers/overlay/uid_shift.h"

namespace sdme::app {
namespace {

struct AppLayout {
  container::ContainerLayout container;
  std::string lower;           // STATE/rootfs/ROOTFS
  std::string app_dir;         // STATE/containers/NAME/app
  std::string upper;           // app/upper
  std::string work;            // app/work
  std::string idmapped_lower;  // app/idmapped-lower
  std::string mount_point;     // merged/sdme/app/root
};

bool make_app_layout(std::string_view container_name, std::string_view rootfs, AppLayout* layout,
                     std::string* err) {
  if (!container::make_container_layout(container_name, &layout->container, err)) return false;
  layout->lower = layout->container.state_dir + "/rootfs/" + std::string(rootfs);
  layout->app_dir = layout->container.container_dir + "/app";
  layout->upper = layout->app_dir + "/upper";
  layout->work = layout->app_dir + "/work";
  layout->idmapped_lower = layout->app_dir + "/idmapped-lower";
  layout->mount_point = layout->container.merged + std::string(kAppRootDirectory);
  return true;
}

// The mount point is a path in the container's tree, which the container
// could have made a symlink to anywhere on the host (/sdme -> /etc). It is
// only safe to hand to mount(2) when it resolves to itself: the container
// does not run yet, so nothing can change it between this check and the
// mount. `safe` is false when the mount point is missing or leads elsewhere.
bool check_mount_point(const AppLayout& layout, bool* safe, std::string* err) {
  *safe = false;
  char merged[PATH_MAX];
  char mount_point[PATH_MAX];
  if (::realpath(layout.container.merged.c_str(), merged) == nullptr) {
    if (errno == ENOENT) return true;
    *err = "cannot resolve " + layout.container.merged + ": " + std::strerror(errno);
    return false;
  }
  if (::realpath(layout.mount_point.c_str(), mount_point) == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return true;
    *err = "cannot resolve " + layout.mount_point + ": " + std::strerror(errno);
    return false;
  }
  struct stat status;
  *safe = std::string(mount_point) == std::string(merged) + std::string(kAppRootDirectory) &&
          ::stat(mount_point, &status) == 0 && S_ISDIR(status.st_mode);
  return true;
}

// Whether `options` (comma-separated) holds `option` exactly.
bool has_option(std::string_view options, std::string_view option) {
  while (!options.empty()) {
    size_t comma = options.find(',');
    if (options.substr(0, comma) == option) return true;
    if (comma == std::string_view::npos) break;
    options.remove_prefix(comma + 1);
  }
  return false;
}

// An ephemeral container (its upper layer on the tmpfs sdme-overlay
// mounted) keeps nothing after it stops, and neither does its app: the
// app's layers go on the same tmpfs. `upper` is the container's upper
// layer in use.
void place_app_layers(const std::string& upper, AppLayout* layout) {
  if (upper != layout->container.ephemeral_upper) return;
  layout->upper = layout->container.ephemeral + "/app-upper";
  layout->work = layout->container.ephemeral + "/app-work";
}

// The UID range the container's overlay is shown in: `base` 0 when it has
// none. Its upper layer's root owner is the record (uid_shift.h); the
// range's size is not recorded, and is the size nspawn picks.
bool find_container_shift(const container::ContainerLayout& layout, const std::string& upper,
                          uint32_t* base, std::string* err) {
  *base = 0;
  struct stat status;
  if (::lstat(upper.c_str(), &status) != 0) {
    *err = "cannot access the container's upper layer " + upper + ": " + std::strerror(errno) +
           "; mount the container's overlay first (sdme-overlay mount " + layout.container_name +
           ")";
    return false;
  }
  if (is_shifted_root_owner(status.st_uid, status.st_gid)) *base = status.st_uid;
  return true;
}

// The app's upper layer must have been made for the container's range, or
// for none when the container has none: its files would belong to nobody
// in the container otherwise. sdme-overlay's checks of the container's own
// upper layer say so, naming the app's.
bool check_app_upper(const AppLayout& layout, uint32_t base, std::string* err) {
  if (base == 0) return overlay::check_upper_without_shift(layout.upper, err);
  overlay::UidShift shift;
  shift.enabled = true;
  shift.base = base;
  uint32_t resolved = 0;
  return overlay::resolve_uid_base(shift, layout.container, layout.upper, &resolved, err);
}

// Whether `mount_point` holds the app's overlay as mount_app_tree() makes
// it; an error for anything else mounted there.
bool find_app_overlay(const AppLayout& layout, bool* mounted, std::string* err) {
  container::MountPoint mount_point;
  if (!container::find_mount_point(layout.mount_point, &mount_point, err)) return false;
  *mounted = mount_point.mounted;
  if (!mount_point.mounted) return true;
  const std::string& options = mount_point.filesystem_options;
  if (mount_point.filesystem_type == "overlay" && has_option(options, "upperdir=" + layout.upper) &&
      (has_option(options, "lowerdir=" + layout.lower) ||
       has_option(options, "lowerdir=" + layout.idmapped_lower)))
    return true;
  *err = layout.mount_point + " is already a mount point of " +
         (mount_point.filesystem_type == "overlay"
              ? std::string("an overlay of other layers")
              : "a " + mount_point.filesystem_type + " file system") +
         ", not of the app's tree; unmount it (sdme-overlay umount " +
         layout.container.container_name + ") and start the container again";
  return false;
}

}  // namespace

bool mount_app_tree(std::string_view container_name, std::string_view rootfs, std::string* err) {
  // Check every input before anything on disk changes.
  AppLayout layout;
  if (!make_app_layout(container_name, rootfs, &layout, err)) return false;
  container::MountPoint merged;
  if (!container::find_mount_point(layout.container.merged, &merged, err)) return false;
  if (merged.filesystem_type != "overlay") {
    *err = layout.container.merged + " is not sdme's overlay; mount it first (sdme-overlay mount " +
           layout.container.container_name + ")";
    return false;
  }
  struct stat lower_root;
  if (::stat(layout.lower.c_str(), &lower_root) != 0 || !S_ISDIR(lower_root.st_mode)) {
    *err = "the app's image " + layout.lower +
           " is not a directory; import the image with sdme-import, or name another with --image";
    return false;
  }
  bool safe = false;
  if (!check_mount_point(layout, &safe, err)) return false;
  if (!safe) {
    *err = layout.mount_point +
           " is not a directory of the container's own (a symlink on the way " +
           "leads elsewhere, or it is missing); remove " + std::string(kAppRootDirectory) +
           " in the container and start it again";
    return false;
  }
  std::string container_upper;
  if (!container::find_upper_layer_in_use(layout.container, &container_upper, err)) return false;
  place_app_layers(container_upper, &layout);
  bool already_mounted = false;
  if (!find_app_overlay(layout, &already_mounted, err)) return false;
  if (already_mounted) return true;
  uint32_t base = 0;
  if (!find_container_shift(layout.container, container_upper, &base, err) ||
      !check_app_upper(layout, base, err))
    return false;

  Rollback rollback;
  // The app's upper root becomes the app tree's "/": the image root's
  // mode, owned by the container's root user.
  const overlay::DirectoryAttributes upper_attributes{lower_root.st_mode & 07777, base, base};
  if (!overlay::ensure_directory(layout.app_dir, overlay::kOpenDirectory, &rollback, err) ||
      !overlay::ensure_directory(layout.upper, upper_attributes, &rollback, err) ||
      !overlay::ensure_work_directory(layout.work, &rollback, err))
    return false;

  // What the overlay is made of: the image itself, or its shifted view.
  std::string layer = layout.lower;
  if (base != 0) {
    if (!overlay::mount_shifted_view(
            layout.lower, layout.idmapped_lower, base, overlay::kUidRangeSize, layout.upper,
            "the app's tree in a container with a user namespace", &rollback, err))
      return false;
    layer = layout.idmapped_lower;
  }
  if (!container::mount_filesystem(
          "overlay", "overlay", layout.mount_point,
          "lowerdir=" + layer + ",upperdir=" + layout.upper + ",workdir=" + layout.work, err)) {
    *err += "; the kernel log (journalctl -k) has overlayfs' reason";
    return false;
  }
  rollback.mounted(layout.mount_point);
  if (base != 0 && !overlay::release_shifted_view(layout.idmapped_lower, err)) return false;
  rollback.commit();
  return true;
}

bool unmount_app_tree(std::string_view container_name, std::string* err) {
  AppLayout layout;
  if (!make_app_layout(container_name, "", &layout, err)) return false;
  bool safe = false;
  // A mount point that leads elsewhere has nothing of ours on it, and
  // unmounting there could take down one of the host's mounts.
  if (!check_mount_point(layout, &safe, err)) return false;
  if (!safe) return true;
  if (!container::unmount_all(layout.mount_point, nullptr, err)) return false;
  if (!container::unmount_all(layout.idmapped_lower, nullptr, err)) return false;
  ::rmdir(layout.idmapped_lower.c_str());  // gone already after a clean mount
  return true;
}

bool update_app_tree(std::string_view container_name, std::string_view rootfs, std::string* err) {
  return rootfs.empty() ? unmount_app_tree(container_name, err)
                        : mount_app_tree(container_name, rootfs, err);
}

bool ensure_app_working_directory(std::string_view container_name, std::string_view path,
                                  std::string* err) {
  AppLayout layout;
  if (!make_app_layout(container_name, "", &layout, err)) return false;
  DirectoryHandle app_root;
  DirectoryHandle directory;
  if (!open_tree_root(layout.mount_point, &app_root, err) ||
      !open_or_create_directory_beneath(app_root, path, 0755, nullptr, &directory, err)) {
    *err = "the app's working directory " + std::string(path) + ": " + *err;
    return false;
  }
  return true;
}

}  // namespace sdme::app
