// Whether the unit's AppArmor profile is loaded.
#include "helpers/provision/apparmor_profile.h"

#include <cerrno>
#include <cstring>

#include "common/atomic_file.h"
#include "common/paths.h"
#include "common/strings.h"

namespace sdme::provision {
namespace {

constexpr char kEnabledPath[] = "/module/apparmor/parameters/enabled";
constexpr char kProfilesPath[] = "/kernel/security/apparmor/profiles";
constexpr size_t kMaxProfilesSize = 64 << 20;

}  // namespace

bool apparmor_profile_listed(std::string_view profiles, std::string_view profile) {
  for (const std::string& line : split(profiles, '\n')) {
    // A profile's name may hold spaces; its mode is the last " (...)".
    size_t mode = line.rfind(" (");
    if (mode != std::string::npos && std::string_view(line).substr(0, mode) == profile) return true;
  }
  return false;
}

bool check_apparmor_profile(const std::string& profile, std::string* notice, std::string* err) {
  std::string sys = sys_dir();
  std::string enabled;
  std::string ignored;
  if (!read_file(sys + kEnabledPath, 16, &enabled, &ignored) || strip(enabled) != "Y") {
    *notice = "AppArmor is off on this host, profile " + profile + " is not applied";
    return true;
  }
  std::string profiles;
  if (!read_file(sys + kProfilesPath, kMaxProfilesSize, &profiles, err)) {
    *err = "cannot check that AppArmor profile " + profile + " is loaded: " + *err;
    return false;
  }
  if (!apparmor_profile_listed(profiles, profile)) {
    *err = "AppArmor profile " + profile + " is not loaded; load it with apparmor_parser -r " +
           "/etc/apparmor.d/" + profile;
    return false;
  }
  return true;
}

}  // namespace sdme::provision
