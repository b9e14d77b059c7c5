// The AppArmor profile a unit applies (AppArmorProfile=, from
// Security=strict) must be loaded, or systemd fails the start with an
// error that does not say which profile or how to load it. Where AppArmor
// is off, systemd skips AppArmorProfile= and so does this check, with a
// notice. The kernel's state is read from $SDME_SYS_DIR (default /sys).
#pragma once

#include <string>
#include <string_view>

namespace sdme::provision {

// Whether `profiles` (securityfs' apparmor/profiles: "NAME (MODE)" lines)
// lists `profile`.
bool apparmor_profile_listed(std::string_view profiles, std::string_view profile);

// Fails when AppArmor is on and `profile` is not loaded; sets *notice when
// AppArmor is off.
bool check_apparmor_profile(const std::string& profile, std::string* notice, std::string* err);

}  // namespace sdme::provision
