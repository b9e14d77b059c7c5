// The app's tree inside its container: an overlay of the imported image
// (STATE/rootfs/ROOTFS, never written) under the app's own writable layer
// (STATE/containers/NAME/app/upper, kept across starts like the container's
// upper layer), mounted on the host at merged/sdme/app/root before
// systemd-nspawn starts. nspawn binds merged/ recursively, so the app's unit
// finds its RootDirectory= there. nspawn's own --overlay= cannot do this:
// 252 fails that mount in a container with a user namespace.
//
// For a user-namespaced container (its upper layer owned by a range's first
// UID, helpers/overlay/uid_shift.h) the image is shown through an ID-mapped
// mount into the same range, and the app's upper layer records the range
// the same way the container's does.
//
// STATE/containers/NAME/app/:
//   upper/, work/    the app's copy-on-write layer and overlayfs' scratch
//   idmapped-lower/  the image's shifted view, only while the overlay is made
// (on the container's ephemeral tmpfs instead, as app-upper/ and app-work/,
// when the container keeps nothing after a stop)
#pragma once

#include <string>
#include <string_view>

namespace sdme::app {

// Mounts the tree of the image STATE/rootfs/ROOTFS at
// STATE/containers/NAME/merged/sdme/app/root, a directory that must exist
// (write_app_setup makes it). Leaves the app's overlay as it is when it is
// mounted there already. When a step fails, undoes what this run did.
bool mount_app_tree(std::string_view container_name, std::string_view rootfs, std::string* err);

// Unmounts whatever is mounted at merged/sdme/app/root, as a container
// without an app must not keep an earlier app's tree. The app's upper
// layer stays.
bool unmount_app_tree(std::string_view container_name, std::string* err);

// mount_app_tree() when ROOTFS is given, unmount_app_tree() when it is
// empty: what sdme-app's command line asks.
bool update_app_tree(std::string_view container_name, std::string_view rootfs, std::string* err);

// Makes PATH in the mounted app tree when the image lacks it, as runc
// does for a config's WorkingDir (systemd would fail the app with
// 200/CHDIR): mode 0755, owned by the container's root, never following a
// symlink of the image's.
bool ensure_app_working_directory(std::string_view container_name, std::string_view path,
                                  std::string* err);

}  // namespace sdme::app
