// Enabling a unit of a container's tree in its upper layer the way
// `systemctl enable` does it inside: the links the unit's [Install]
// section asks for (WantedBy=, RequiredBy=, Alias=), and the same for each
// unit its Also= names. Used for units the image ships but may not enable
// (systemd-networkd, systemd-resolved), and which a host clone's opaque
// /etc/systemd/system hides the host's links of.
//
// What to take back is the caller's record of the links made here
// (network_services.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "helpers/provision/container_tree.h"

namespace sdme::provision {

// Where a tree's vendor units are. A merged-/usr tree has /lib as a
// symlink, which is never followed; its units are found in /usr/lib.
inline constexpr std::string_view kVendorUnitDirectories[] = {"/usr/lib/systemd/system",
                                                              "/lib/systemd/system"};
// Where enabling links go, as in `systemctl enable`.
inline constexpr std::string_view kAdminUnitDirectory = "/etc/systemd/system";

// One link of an enablement: PATH (absolute, as the container sees it) to
// TARGET, the unit file's path.
struct UnitLink {
  std::string path;
  std::string target;
};

// What the tree has of one unit.
enum class UnitPresence {
  kMissing,  // no unit file of that name in the vendor directories
  kMasked,   // /etc/systemd/system/NAME links to /dev/null
  kPresent,
};

// Finds NAME's unit file (a regular file, so an alias link is never taken
// for the unit) and says whether the administrator masked it.
bool find_vendor_unit(const DirectoryHandle& root, std::string_view name, UnitPresence* presence,
                      std::string* path, std::string* err);

// The links `systemctl enable NAME` would make, following Also= (each unit
// once); units Also= names that the tree lacks are left out, as systemctl
// warns and goes on. Empty when NAME itself is missing or masked.
bool unit_enablement_links(const DirectoryHandle& root, std::string_view name,
                           std::vector<UnitLink>* links, std::string* err);

// Makes each link, unless something stands at its path already (the
// image's own link, or the administrator's choice); the links it made are
// appended to `made`.
bool make_unit_links(const DirectoryHandle& root, const std::vector<UnitLink>& links,
                     std::vector<UnitLink>* made, std::string* err);

}  // namespace sdme::provision
