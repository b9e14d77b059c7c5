// Making an imported tree bootable: a tree without systemd (most OCI base
// images) gets systemd and dbus from its own distribution, installed by its
// own package manager inside a one-shot container on the unpacked tree.
// Never with chroot and never on the host: package scripts would see the
// host's /proc, /sys, /dev and mounts, and a host tool would write host
// paths. Everything here looks at the tree through open_in_root() (common/
// open_beneath.h: openat2 RESOLVE_IN_ROOT), so that the tree's absolute
// symlinks (/lib -> /usr/lib, /bin/sh -> /usr/bin/dash) resolve inside the
// tree, never out to the host's /usr.
#pragma once

#include <string>
#include <vector>

namespace sdme::import {

struct TreeInfo {
  bool has_systemd = false;  // /usr/lib/systemd/systemd or /lib/systemd/systemd
  bool has_dbus = false;     // dbus-daemon or dbus-broker
  bool has_shell = false;    // /bin/sh, which runs the install script
  // "apt-get", "dnf", "yum", "zypper", "pacman", "apk", or "" for none.
  std::string package_manager;
  std::string os_id;  // ID= from /etc/os-release or /usr/lib/os-release
};

bool inspect_tree(const std::string& root, TreeInfo* info, std::string* err);

// The packages a tree lacks, named as its package manager names them
// (openSUSE calls dbus "dbus-1"); empty when nothing is missing.
std::vector<std::string> missing_packages(const TreeInfo& info);

// The shell script that installs `packages` with the tree's package manager
// and cleans its download cache; "" for an unknown package manager.
std::string install_script(const std::string& package_manager,
                           const std::vector<std::string>& packages);

// The systemd-nspawn command line that runs `script` in ROOT as container
// MACHINE. `keep_unit`: see should_keep_unit().
std::vector<std::string> install_command(const std::string& nspawn, const std::string& root,
                                         const std::string& machine, const std::string& script,
                                         bool keep_unit);

// A machine name for one install, unique on this host while it runs.
std::string install_machine_name();

// Whether systemd-nspawn must stay in the unit it was started in
// (--keep-unit): inside a service ($INVOCATION_ID is set), so that stopping
// the service, its timeout and its resource limits reach the install too;
// and where there is no systemd to make a scope with (no
// /run/systemd/system), where nspawn would otherwise fail to open the bus.
bool should_keep_unit();

// Installs `packages` in ROOT with systemd-nspawn (common/paths.h
// nspawn_path(), $SDME_NSPAWN) and info.package_manager. The container
// shares the host's network and sees the host's resolv.conf bind-mounted,
// which is removed again afterwards, as is an /etc/machine-id the packages
// created (every container cloned from this tree would share it).
bool install_packages(const std::string& root, const TreeInfo& info,
                      const std::vector<std::string>& packages, std::string* err);

}  // namespace sdme::import
