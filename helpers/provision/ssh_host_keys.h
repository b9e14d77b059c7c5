// Each container has SSH host keys of its own, never the host's or its
// image's. Keys its lower layer brings (the host's private keys, in a host
// clone; an image's, shared by every container made from it) are removed
// through the overlay, which records a whiteout in the upper layer and
// leaves the lower layer as it was. The container makes its own keys at
// its first boot: a oneshot unit runs its own ssh-keygen -A before sshd.
//
// Why not here: making keys needs the container's own tool, and running a
// container's binaries on the host is a class of bug sdme does not allow.
// Why a unit of its own: Debian's ssh.service runs sshd -t first, which
// fails without keys. Once made, the keys live in the upper layer and are
// kept.
#pragma once

#include <string>
#include <string_view>

#include "helpers/provision/container_tree.h"
#include "helpers/provision/sshd_unit.h"

namespace sdme::provision {

inline constexpr std::string_view kHostKeyUnitName = "sdme-ssh-host-keys.service";
inline constexpr std::string_view kHostKeyUnitPath =
    "/etc/systemd/system/sdme-ssh-host-keys.service";
inline constexpr std::string_view kSshdUnitDropInName = "50-sdme.conf";

// The oneshot unit that makes the keys, ordered before `sshd_unit_name`.
std::string host_key_unit(std::string_view sshd_unit_name);
// The drop-in for sshd's unit that pulls it in.
std::string sshd_unit_drop_in();

// Whether the host key file NAME in /etc/ssh must go: it is in the tree,
// and not in the upper layer.
bool host_key_comes_from_lower_layer(const ContainerTree& tree, std::string_view name, bool* lower,
                                     std::string* err);

// Removes every host key the lower layer brings, and writes the unit and
// the drop-in.
bool set_up_host_keys(const ContainerTree& tree, const SshdUnit& unit, std::string* err);

// Removes the unit and the drop-ins an earlier run wrote; the keys the
// container made stay.
bool remove_host_key_units(const ContainerTree& tree, std::string* err);

}  // namespace sdme::provision
