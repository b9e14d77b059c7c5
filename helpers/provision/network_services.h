// The services that configure a container's link to the host (host0,
// which systemd-nspawn makes for Network=veth, zone:NAME and bridge:NAME):
// systemd-networkd, whose stock 80-container-host0.network asks for an
// address by DHCP, and systemd-resolved, whose stub /etc/resolv.conf sdme-dns
// links to. Both are enabled in the upper layer as `systemctl enable`
// would, when the tree has them; a tree without them gets a notice that
// says what stays unconfigured and what to install.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "helpers/provision/container_tree.h"

namespace sdme::provision {

inline constexpr std::string_view kNetworkdUnit = "systemd-networkd.service";
inline constexpr std::string_view kResolvedUnit = "systemd-resolved.service";

// `network_link` as Network= names it ("veth", "zone:lab"); empty: the
// container has no link, and what an earlier run enabled is taken back.
// Notices (nothing failed, but the container will lack something) are
// appended to `notices`.
bool set_up_network_services(const ContainerTree& tree, std::string_view network_link,
                             std::vector<std::string>* notices, std::string* err);

}  // namespace sdme::provision
