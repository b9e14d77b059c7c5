// Validation of the names that become unit names, machine names and paths.
// Every name is checked here before it is joined to a directory.
#pragma once

#include <string>
#include <string_view>

namespace sdme {

// Longest container or rootfs name: a machine name is a host name, and
// systemd's hostname_is_valid() caps those at 64 characters.
inline constexpr size_t kMaxNameLength = 64;

// Units whose names start with this are sdme's own (sdme-import@.service):
// no container, alias or link may take such a name.
inline constexpr std::string_view kReservedUnitPrefix = "sdme-";

// A container name is used as the machine name, the unit name prefix and a
// directory under /var/lib/sdme/containers: letters, digits, '-' and '.',
// starting with a letter or digit, no "..", at most 64 characters.
bool validate_container_name(std::string_view name, std::string* err);

// A pod name becomes a unit instance (sdme-pod@NAME.service) and a
// directory under /run/sdme/pods; same rules.
bool validate_pod_name(std::string_view name, std::string* err);

// A rootfs name names a directory under /var/lib/sdme/rootfs; same rules.
bool validate_rootfs_name(std::string_view name, std::string* err);

// A host name as systemd accepts it: dot-separated labels of letters, digits
// and '-', each label 1..63 characters, at most 64 in all.
bool validate_hostname(std::string_view name, std::string* err);

// An absolute path with no "." or ".." component and no empty component
// other than a trailing slash. `what` names the setting in the message.
bool validate_absolute_path(std::string_view path, std::string_view what, std::string* err);

}  // namespace sdme
