// Mounting, unmounting and mount-table look-ups, through libmount so the
// helpers read the same mount table and speak the same errors as mount(8).
#pragma once

#include <string>
#include <vector>

namespace sdme::container {

struct MountPoint {
  bool mounted = false;
  std::string filesystem_type;  // e.g. "overlay"; empty when not mounted
  // The file system's own options as the kernel shows them, e.g.
  // "lowerdir=...,upperdir=...,workdir=..." for an overlay.
  std::string filesystem_options;
};

// Whether `path` is a mount point in this mount namespace, from
// /proc/self/mountinfo. A path that does not exist is not a mount point.
bool find_mount_point(const std::string& path, MountPoint* mount_point, std::string* err);

// Every mount point strictly below `path` (canonical paths, each once),
// deepest first and, at one depth, the newest first: the order that
// unmounts a mount's submounts before the mount itself.
bool find_mount_points_below(const std::string& path, std::vector<std::string>* mount_points,
                             std::string* err);

// Mounts a file system without running /sbin/mount.TYPE helpers.
bool mount_filesystem(const std::string& filesystem_type, const std::string& source,
                      const std::string& target, const std::string& options, std::string* err);

enum class UnmountOutcome {
  kUnmounted,
  // The mount was busy and has been detached (MNT_DETACH): it is gone from
  // the mount table, and the kernel frees it once the last user lets go.
  kDetached,
};

// Unmounts the top mount at `target`; when it is busy, detaches it instead.
bool unmount_filesystem(const std::string& target, UnmountOutcome* outcome, std::string* err);

// Unmounts `path` until nothing is mounted there any more (mounts may be
// stacked). A busy mount is detached, and `warnings` (may be null) says so.
bool unmount_all(const std::string& path, std::vector<std::string>* warnings, std::string* err);

}  // namespace sdme::container
