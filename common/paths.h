// Every location sdme reads or writes, each overridable from the environment
// so tests never touch the real /etc, /run or /var.
//
//   SDME_ROOT         prefix for every default below (default: empty)
//   SDME_UNIT_PATH    colon-separated .sdme search path, highest priority first
//   SDME_PRESET_PATH  colon-separated systemd.preset(5) directories
//   SDME_STATE_DIR    container and rootfs storage (default /var/lib/sdme)
//   SDME_RUN_DIR      sdme's runtime state, the pods' network namespaces
//                     (default /run/sdme)
//   SDME_HELPER_DIR   where generated units find sdme-overlay and sdme-dns
//   SDME_NSPAWN       the systemd-nspawn binary generated units run
//   SDME_PROC_DIR     the kernel's /proc, for the limits sdme-overlay checks
//                     (default /proc; SDME_ROOT does not apply: it is the
//                     running kernel, not a file tree)
//   SDME_SYS_DIR      the kernel's /sys, for the AppArmor state sdme-provision
//                     checks (default /sys; SDME_ROOT does not apply either)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdme {

struct SearchDirectory {
  std::string path;
  // Vendor directories (under /usr) are enabled by preset policy; admin
  // directories (/etc, /run) by their own [Install] section.
  bool is_vendor = false;
};

// The .sdme search path when neither SDME_UNIT_PATH nor SDME_ROOT is set.
inline constexpr const char* kDefaultUnitPath =
    "/etc/sdme:/run/sdme:/usr/local/lib/sdme:/usr/lib/sdme";

std::string root_prefix();
std::vector<SearchDirectory> unit_search_path();
std::vector<std::string> preset_search_path();
std::string state_dir();
std::string run_dir();
std::string helper_dir();
std::string nspawn_path();
// Where systemd's own units live; the target of links we write for
// units that are not ours (machines.target).
std::string systemd_unit_dir();
// The kernel's /proc.
std::string proc_dir();
// The kernel's /sys.
std::string sys_dir();
// Where `systemctl mask` and `systemctl mask --runtime` put their links,
// highest precedence first.
std::vector<std::string> systemd_mask_dirs();

// What the tree ROOTFS_DIR/NAME was imported from, when that was an OCI or
// Docker image: the image's config document, byte for byte as read, with its
// digest verified (but for a legacy docker-save archive, which names its
// config by path only), in ROOTFS_DIR/.NAME.image-config.json. The leading dot keeps it
// out of the rootfs names, which start with a letter or digit. sdme-import
// writes it before it commits the tree, and an import of a NAME that is not
// there first removes an old one, so a tree never has another image's
// config; a tree without one was not imported from an image (sdme-import(8)).
inline constexpr std::string_view kImageConfigSuffix = ".image-config.json";
// ".NAME.image-config.json", the file's name in ROOTFS_DIR.
std::string image_config_file_name(std::string_view name);
std::string image_config_path(const std::string& rootfs_dir, std::string_view name);

}  // namespace sdme
