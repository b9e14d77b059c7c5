// Finding sshd's systemd unit in a container's tree, and enabling it in
// the upper layer the way systemctl enable would: a link in
// multi-user.target.wants/. The tree may have sshd installed but not
// enabled (an image's default), or not installed at all.
#pragma once

#include <string>
#include <string_view>

#include "helpers/provision/container_tree.h"
#include "helpers/provision/unit_enablement.h"

namespace sdme::provision {

// Debian and Ubuntu name it ssh.service; Fedora, Arch and SUSE sshd.service.
inline constexpr std::string_view kSshdUnitNames[] = {"ssh.service", "sshd.service"};
inline constexpr std::string_view kWantsDirectory = "/etc/systemd/system/multi-user.target.wants";

struct SshdUnit {
  std::string name;  // "ssh.service"
  std::string path;  // "/usr/lib/systemd/system/ssh.service", as the container sees it
};

// Finds the unit and the sshd binary; an error says what to install, or
// that the administrator masked the unit.
bool find_sshd_unit(const DirectoryHandle& root, SshdUnit* unit, std::string* err);

// Links multi-user.target.wants/UNIT to the unit file, unless something
// stands there already (the image enabled it, or the administrator did).
bool enable_sshd_unit(const DirectoryHandle& root, const SshdUnit& unit, std::string* err);

// Removes a link enable_sshd_unit() made: in the upper layer, pointing
// where it points.
bool disable_sshd_unit(const ContainerTree& tree, std::string* err);

}  // namespace sdme::provision
