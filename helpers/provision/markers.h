// The first lines of the files sdme-provision writes. A later run tells
// its own files from the administrator's by them, so it can take back what
// a key no longer asks for and never touch anything else.
#pragma once

#include <string_view>

namespace sdme::provision {

inline constexpr std::string_view kAuthorizedKeysMarker =
    "# Written by sdme-provision from SSHAuthorizedKeys= at every start; changes here are lost.";

inline constexpr std::string_view kSshMarker =
    "# Written by sdme-provision from SSH= at every start; changes here are lost.";

// The record of the links sdme-provision made for a container's link to
// the host (network_services.h): made once, taken back only as recorded.
inline constexpr std::string_view kNetworkUnitsMarker =
    "# Written by sdme-provision: the links it made, once, to enable systemd-networkd and "
    "systemd-resolved for Network=; it takes back only these.";

}  // namespace sdme::provision
