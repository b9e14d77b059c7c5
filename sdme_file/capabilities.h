// The Linux capabilities systemd-nspawn 252 knows, for validating
// Capability= and DropCapability=.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdme::file {

// Accepts "CAP_NET_ADMIN", "net_admin", "cap_net_admin" (any case) and
// returns the canonical "CAP_NET_ADMIN". On an unknown name returns false
// with *err = "unknown capability 'X'" plus ", did you mean 'CAP_Y'?" when a
// known name is close.
bool canonical_capability(std::string_view name, std::string* canonical, std::string* err);

// Every known capability name, in kernel number order (CAP_CHOWN first).
const std::vector<std::string>& known_capabilities();

}  // namespace sdme::file
