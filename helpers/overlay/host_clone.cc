// What a container cloned from the host's root must not see.
#include "helpers/overlay/host_clone.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdlib>
#include <string_view>

#include "common/path_text.h"
#include "helpers/overlay/layer_directories.h"

namespace sdme::overlay {
namespace {

constexpr std::array<std::string_view, 3> kConfigurationDirectories = {
    "/etc/sdme", "/usr/local/lib/sdme", "/usr/lib/sdme"};

// realpath(3), or "" when the path does not exist.
std::string canonical_path(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return {};
  return resolved;
}

// `host_path` as seen with `lower_canonical` as "/", or "" when it lies
// outside (or is the root itself, which cannot be hidden).
std::string path_inside(const std::string& lower_canonical, const std::string& host_path) {
  if (host_path.empty()) return {};
  if (lower_canonical == "/") return host_path == "/" ? "" : host_path;
  if (host_path.size() <= lower_canonical.size() + 1 ||
      host_path.compare(0, lower_canonical.size(), lower_canonical) != 0 ||
      host_path[lower_canonical.size()] != '/')
    return {};
  return host_path.substr(lower_canonical.size());
}

}  // namespace

std::vector<std::string> host_clone_hidden_directories(const std::string& lower,
                                                       const std::string& state_dir) {
  std::string lower_canonical = canonical_path(lower);
  if (lower_canonical.empty()) return {};
  // The state directory is a host path; the configuration directories are
  // paths inside the lower tree.
  std::vector<std::string> host_paths = {canonical_path(state_dir)};
  for (std::string_view directory : kConfigurationDirectories)
    host_paths.push_back(canonical_path(path_under(lower_canonical, directory)));

  std::vector<std::string> hidden;
  for (const std::string& host_path : host_paths) {
    std::string inside = path_inside(lower_canonical, host_path);
    if (inside.empty() || std::find(hidden.begin(), hidden.end(), inside) != hidden.end()) continue;
    hidden.push_back(std::move(inside));
  }
  return hidden;
}

}  // namespace sdme::overlay
