// The root of a container's mounted overlay.
#include "helpers/container/mounted_overlay.h"

#include <linux/magic.h>
#include <sys/vfs.h>

#include <cerrno>
#include <cstring>

#include "helpers/container/mounts.h"

namespace sdme::container {

bool open_mounted_overlay(const ContainerLayout& layout, DirectoryHandle* root, std::string* err) {
  std::string not_mounted =
      layout.merged + " is not mounted; run sdme-overlay mount " + layout.container_name + " first";
  MountPoint mount_point;
  if (!find_mount_point(layout.merged, &mount_point, err)) return false;
  if (!mount_point.mounted) {
    *err = not_mounted;
    return false;
  }
  if (mount_point.filesystem_type != "overlay") {
    *err = layout.merged + " is a mount point of a " + mount_point.filesystem_type +
           " file system, not of sdme's overlay; unmount it and run sdme-overlay mount " +
           layout.container_name + " first";
    return false;
  }
  if (!open_tree_root(layout.merged, root, err)) return false;
  // The mount table was read before the directory was opened; what counts
  // is that the descriptor the writes go through is the overlay's.
  struct statfs filesystem;
  if (::fstatfs(root->descriptor.get(), &filesystem) != 0) {
    *err = "cannot access " + layout.merged + ": " + std::strerror(errno);
    return false;
  }
  if (filesystem.f_type != OVERLAYFS_SUPER_MAGIC) {
    *err = not_mounted;
    return false;
  }
  return true;
}

}  // namespace sdme::container
