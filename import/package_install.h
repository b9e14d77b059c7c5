// Making an imported tree bootable: a tree without systemd (most OCI base
// images) gets systemd and dbus from its own distribution, installed by its
// own package manager inside a one-shot container on the unpacked tree; a
// RHEL-family tree also gets what machinectl shell and login need.
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
  // /usr/lib/systemd/systemd or /lib/systemd/systemd; in a NixOS tree,
  // /sbin/init (see is_nixos).
  bool has_systemd = false;
  bool has_dbus = false;   // dbus-daemon or dbus-broker
  bool has_shell = false;  // /bin/sh, which runs the install script
  // NixOS keeps systemd in /nix/store, reached through its system profile,
  // never at /usr/lib/systemd/systemd. Its init (/sbin/init, a link to the
  // profile's init script, which starts that systemd) is what
  // systemd-nspawn --boot runs when /usr/lib/systemd/systemd is missing.
  // Set by ID=nixos in os-release, or by the system profile's init at
  // /nix/var/nix/profiles/system/init (a tree straight from a Nix build may
  // have no /etc/os-release until its first boot writes /etc).
  bool is_nixos = false;
  // What machinectl login and shell need from util-linux on the RHEL family
  // (see missing_login_packages()): /usr/bin/login, which the getty that
  // machinectl login talks to runs, and /etc/pam.d/login, the PAM service
  // machinectl shell opens its session with. Both, since the two are the
  // util-linux package's own, while minimal images carry only
  // util-linux-core (mount, agetty, nsenter, ...), which has neither.
  bool has_login = false;
  // pam_unix.so, the module every RHEL-family PAM stack uses, in
  // /usr/lib64/security or /usr/lib/security: the pam package's own.
  // libpam says nothing: newer Fedora ships it apart (pam-libs), and
  // images carry it for other programs' sake.
  bool has_pam = false;
  // "apt-get", "dnf", "yum", "zypper", "pacman", "apk", or "" for none.
  std::string package_manager;
  std::string os_id;  // ID= from /etc/os-release or /usr/lib/os-release
};

bool inspect_tree(const std::string& root, TreeInfo* info, std::string* err);

// systemd and dbus when the tree lacks them, named as its package manager
// names them (openSUSE calls dbus "dbus-1"). A NixOS tree with its init
// lacks nothing: its configuration, not a package manager, decides what it
// runs.
std::vector<std::string> missing_boot_packages(const TreeInfo& info);

// util-linux and pam when a RHEL-family tree (Fedora, RHEL, CentOS, Rocky,
// Alma, and others that install with dnf or yum, which all name the two
// packages so) lacks them: machinectl shell and login fail without them.
// Known by the package manager, which is what the install runs with, not
// by os-release, whose ID and ID_LIKE vary between rebuilds.
std::vector<std::string> missing_login_packages(const TreeInfo& info);

// Both of the above, the boot packages first; empty when nothing is
// missing.
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
