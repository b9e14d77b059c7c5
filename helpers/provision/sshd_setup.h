// SSH= as a whole: with it, sshd is found, enabled in the upper layer,
// configured by one drop-in and given host keys of its own; without it,
// whatever an earlier run with it wrote is taken back, so turning SSH= off
// really turns sshd off. The administrator's own files are never touched.
#pragma once

#include <cstdint>
#include <string>

#include "helpers/provision/container_tree.h"

namespace sdme::provision {

struct SshSettings {
  bool enabled = false;
  uint16_t port = 22;
  bool password_login = false;
};

bool set_up_sshd(const ContainerTree& tree, const SshSettings& settings, std::string* err);

}  // namespace sdme::provision
