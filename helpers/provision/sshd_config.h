// sshd's configuration for SSH=: one drop-in,
// /etc/ssh/sshd_config.d/00-sdme.conf, written whole at every start and
// never appended to, so restarts change nothing. sshd takes the first value
// it reads for a keyword, and 00- sorts before every other drop-in, so
// these settings win over the image's drop-ins (not over lines of
// sshd_config placed before its Include).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "helpers/provision/container_tree.h"

namespace sdme::provision {

inline constexpr std::string_view kSshdDropInPath = "/etc/ssh/sshd_config.d/00-sdme.conf";

// The drop-in's text.
std::string sshd_drop_in(uint16_t port, bool password_login);

// Whether sshd_config reads the drop-in directory: an Include line naming
// sshd_config.d (OpenSSH 8.2 and later ship one; older trees do not).
bool sshd_config_includes_drop_ins(std::string_view sshd_config);

// Checks sshd_config's Include and writes the drop-in.
bool write_sshd_drop_in(const DirectoryHandle& root, uint16_t port, bool password_login,
                        std::string* err);

}  // namespace sdme::provision
