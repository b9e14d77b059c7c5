// Every container gets a /etc/machine-id of its own, kept across restarts.
// A host clone would otherwise share the host's, and containers made from
// one image would share the image's: journald, DHCP client IDs and
// anything keyed by machine ID would mistake them for one machine.
#pragma once

#include <string>
#include <string_view>

#include "helpers/provision/container_tree.h"

namespace sdme::provision {

// Whether `content` is a machine ID as systemd writes one: 32 lowercase or
// uppercase hex digits, optionally followed by a newline.
bool is_valid_machine_id(std::string_view content);

// Gives the container its own machine ID when its /etc/machine-id comes
// from the lower layer. Never changes one the upper layer holds.
bool set_up_machine_id(const ContainerTree& tree, std::string* err);

}  // namespace sdme::provision
