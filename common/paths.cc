// Every location sdme reads or writes, each overridable from the environment.
#include "common/paths.h"

#include <cstdlib>
#include <string_view>

#include "common/strings.h"

namespace sdme {
namespace {

const char* env_or_null(const char* name) {
  const char* value = std::getenv(name);
  return (value && *value) ? value : nullptr;
}

// A directory is a vendor directory if, below the root prefix, it lies under
// /usr: that is where packages and image builds put their files.
bool is_vendor_directory(std::string_view path) {
  std::string root = root_prefix();
  // Only a whole leading directory is the root: SDME_ROOT=/us must not
  // turn /usr/lib/sdme into "r/lib/sdme".
  if (!root.empty() && path.starts_with(root) && path.size() > root.size() &&
      path[root.size()] == '/')
    path.remove_prefix(root.size());
  return path.substr(0, 5) == "/usr/";
}

}  // namespace

std::string root_prefix() {
  const char* root = env_or_null("SDME_ROOT");
  if (!root) return {};
  std::string prefix(root);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return prefix;
}

std::vector<SearchDirectory> unit_search_path() {
  std::vector<std::string> paths;
  if (const char* override_path = env_or_null("SDME_UNIT_PATH")) {
    for (std::string& entry : split(override_path, ':'))
      if (!entry.empty()) paths.push_back(std::move(entry));
  } else {
    std::string root = root_prefix();
    for (const std::string& entry : split(kDefaultUnitPath, ':')) paths.push_back(root + entry);
  }
  std::vector<SearchDirectory> directories;
  for (std::string& path : paths) {
    bool vendor = is_vendor_directory(path);
    directories.push_back({std::move(path), vendor});
  }
  return directories;
}

std::vector<std::string> preset_search_path() {
  if (const char* override_path = env_or_null("SDME_PRESET_PATH")) {
    std::vector<std::string> paths;
    for (std::string& entry : split(override_path, ':'))
      if (!entry.empty()) paths.push_back(std::move(entry));
    return paths;
  }
  std::string root = root_prefix();
  return {root + "/etc/systemd/system-preset", root + "/run/systemd/system-preset",
          root + "/usr/local/lib/systemd/system-preset", root + "/usr/lib/systemd/system-preset"};
}

std::string state_dir() {
  if (const char* dir = env_or_null("SDME_STATE_DIR")) return dir;
  return root_prefix() + "/var/lib/sdme";
}

std::string run_dir() {
  if (const char* dir = env_or_null("SDME_RUN_DIR")) return dir;
  return root_prefix() + "/run/sdme";
}

std::string helper_dir() {
  if (const char* dir = env_or_null("SDME_HELPER_DIR")) return dir;
  return SDME_DEFAULT_HELPER_DIR;
}

std::string nspawn_path() {
  if (const char* path = env_or_null("SDME_NSPAWN")) return path;
  return SDME_DEFAULT_NSPAWN_PATH;
}

std::string systemd_unit_dir() { return SDME_SYSTEMD_UNIT_DIR; }

std::string proc_dir() {
  if (const char* dir = env_or_null("SDME_PROC_DIR")) return dir;
  return "/proc";
}

std::string sys_dir() {
  if (const char* dir = env_or_null("SDME_SYS_DIR")) return dir;
  return "/sys";
}

std::vector<std::string> systemd_mask_dirs() {
  std::string root = root_prefix();
  return {root + "/etc/systemd/system", root + "/run/systemd/system"};
}

std::string image_config_file_name(std::string_view name) {
  return "." + std::string(name) + std::string(kImageConfigSuffix);
}

std::string image_config_path(const std::string& rootfs_dir, std::string_view name) {
  return rootfs_dir + "/" + image_config_file_name(name);
}

}  // namespace sdme
