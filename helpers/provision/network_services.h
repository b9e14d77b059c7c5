// The services that configure a container's link to the host (host0,
// which systemd-nspawn makes for Network=veth, zone:NAME and bridge:NAME):
// systemd-networkd, whose stock 80-container-host0.network asks for an
// address by DHCP, and systemd-resolved, whose stub /etc/resolv.conf sdme-dns
// links to.
//
// They are enabled once, as `systemctl enable` would, the first time the
// container starts with a link: the links made are recorded in
// /etc/systemd/system/.sdme-network-units (systemd skips hidden files).
// From then on enabling is the container's own business: a `systemctl
// disable` inside it sticks. Without a link, the recorded links are taken
// back (those the upper layer still holds, pointing where they were made
// to point), and the record goes; nothing else is read or touched. A tree
// without the units gets a notice at every start that says what stays
// unconfigured and what to install.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "helpers/provision/container_tree.h"

namespace sdme::provision {

inline constexpr std::string_view kNetworkdUnit = "systemd-networkd.service";
inline constexpr std::string_view kResolvedUnit = "systemd-resolved.service";
inline constexpr std::string_view kNetworkUnitsRecord = "/etc/systemd/system/.sdme-network-units";

// `network_link` as Network= names it ("veth", "zone:lab"); empty: the
// container has no link. Notices (nothing failed, but the container will
// lack something, or a recorded link could not be taken back) are appended
// to `notices`.
bool set_up_network_services(const ContainerTree& tree, std::string_view network_link,
                             std::vector<std::string>* notices, std::string* err);

}  // namespace sdme::provision
