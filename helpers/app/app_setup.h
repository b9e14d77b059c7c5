// What sdme-app does to a container's tree, through its mounted overlay
// (helpers/provision/container_tree.h), never following a symlink the
// container planted: the app's user and group in the container's user
// database, the mount point of the app's tree, and the unit that runs the
// app, enabled in multi-user.target. Or, with no app, taking the unit
// back. Reading the inputs is apart from writing, so a bad image leaves the
// tree as it was.
#pragma once

#include <string>
#include <string_view>

#include "common/helper_command_lines.h"
#include "helpers/app/app_user.h"
#include "helpers/provision/container_tree.h"

namespace sdme::app {

// Where the app's tree appears in the container: sdme-app mounts it there
// (app_mount.h) before nspawn starts, and nspawn carries the mount in with
// the container's root.
inline constexpr std::string_view kAppRootDirectory = "/sdme/app/root";
// The link that enables the unit, as `systemctl enable` makes it.
inline constexpr std::string_view kAppUnitLinkPath =
    "/etc/systemd/system/multi-user.target.wants/sdme-app.service";

// Everything the tree gets, read and checked.
struct AppSetup {
  AppIdentity identity;
  std::string unit_text;
  // The app's working directory in its tree, made when the image lacks it.
  std::string working_directory;
};

// Reads the config sdme-import kept for ROOTFS_DIR/IMAGE (the request's
// image_rootfs), merges it with the request's overrides, resolves its user
// against the app tree ROOTFS_DIR/IMAGE, and makes the unit's text.
bool read_app_setup(const std::string& rootfs_dir, const AppRequest& request, AppSetup* setup,
                    std::string* err);

// Adds the app's user and group to the container's /etc/passwd and
// /etc/group when they lack them, makes kAppRootDirectory, writes the unit
// and its link. Each only when it differs, so a second run changes nothing.
bool write_app_setup(const provision::ContainerTree& tree, const AppSetup& setup, std::string* err);

// Removes the unit and its link when an earlier run wrote them (the unit's
// first line is kAppUnitMarker). The user and group stay: files the app
// made in the container belong to them, and a removed entry would leave
// those files to whoever takes the ID next.
bool take_back_app(const provision::ContainerTree& tree, std::string* err);

}  // namespace sdme::app
