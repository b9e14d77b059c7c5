// What sdme-app reads from disk: the image config sdme-import kept next to
// an imported tree (common/paths.h, image_config_path()) as an AppSpec, and
// the app tree's own /etc/passwd and /etc/group as the numeric identity its
// User resolves to (app_user.h). The rest of helpers/app works on what
// these two return and never touches a file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "helpers/app/app_spec.h"
#include "helpers/app/app_user.h"

namespace sdme::app {

// /etc/passwd and /etc/group of an app tree are small; a bigger one is
// refused rather than read into memory.
inline constexpr size_t kMaxUserDatabaseSize = 16 << 20;

// Reads ROOTFS_DIR/.NAME.image-config.json and returns the image's
// Entrypoint, Cmd, Env, User, WorkingDir and StopSignal. The directory is
// the administrator's state directory and its path is followed; the file
// itself is opened with O_NOFOLLOW, so a symlink there is refused, as is
// anything but a regular file and a file larger than kMaxConfigSize
// (import/formats/oci_manifest.h). Errors:
//   - no file: the rootfs was not imported from an image;
//   - not JSON, or not a config: the parser's message, which names the file;
//   - a runtime config sdme cannot use (ImageConfig::runtime_error): that
//     reason, followed by "; the image cannot run as an application".
// Docker's distinction between an absent and an empty Entrypoint or Cmd
// matters only when one image is built on another (a child's ENTRYPOINT
// resets the inherited CMD); at run time both are "nothing", which is what
// an empty AppSpec field means.
bool read_app_image(const std::string& rootfs_dir, std::string_view rootfs_name, AppSpec* spec,
                    std::string* err);

// Reads APP_TREE/etc/passwd and APP_TREE/etc/group and resolves `user`
// (the image's User, or its override) against them with
// resolve_app_user(). The tree's root is the administrator's path and is
// followed; below it nothing is: an `etc` that is a symlink (etc -> /etc,
// which would be the host's) or not a directory, and a passwd or group
// that is a symlink, read as missing, exactly as if the tree had no such
// file, through common/files_beneath.h's open_existing_directory_beneath()
// and common/open_beneath.h. A missing file reads as empty. Anything else
// in place of a file (a directory, a FIFO) and a file larger than
// kMaxUserDatabaseSize are errors.
bool read_app_identity(const std::string& app_tree, std::string_view user, AppIdentity* identity,
                       std::string* err);

}  // namespace sdme::app
