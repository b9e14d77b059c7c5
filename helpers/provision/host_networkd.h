// Whether the host runs systemd-networkd, which gives a container's link
// its address: for Network=veth and zone:NAME, the host's end (ve-NAME, or
// the bridge vz-ZONE) is configured by networkd's stock
// 80-container-ve.network and 80-container-vz.network, which also serve
// DHCP to the container. Without networkd the link stays down, which the
// start should say rather than leave to be discovered.
#pragma once

#include <string>
#include <string_view>

namespace sdme::provision {

enum class HostNetworkd { kRunning, kNotRunning, kUnknown };

// Asks systemd, on its private bus (/run/systemd/private, as systemctl
// does as root), for systemd-networkd.service's ActiveState, within 2 s.
// kUnknown when there is no systemd to ask.
HostNetworkd host_networkd_state();

// Whether the host configures its end of the link: veth and zone links
// are the host's (80-container-ve/vz.network); a bridge is the
// administrator's, with whatever serves it.
bool host_configures_link(std::string_view network_link);

// The notice for a container whose link the host leaves unconfigured, or
// empty when the host runs networkd or does not configure the link.
std::string host_networkd_notice(std::string_view container_name, std::string_view network_link,
                                 HostNetworkd state);

}  // namespace sdme::provision
