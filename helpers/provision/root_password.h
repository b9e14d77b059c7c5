// Root's password in a container: /etc/shadow (and /etc/passwd's pointer
// to it) edited through the mounted overlay, so the change lands in the
// upper layer only. Each file is replaced atomically, keeping its mode,
// owner, group and every other line, and only when it changes: a password
// already in place (its hash, or a hash of the same plaintext) leaves both
// files untouched.
#pragma once

#include <string>

#include "helpers/provision/container_tree.h"
#include "helpers/provision/password_source.h"

namespace sdme::provision {

// `today` is days since 1970-01-01, for shadow's last-change field.
bool set_up_root_password(const ContainerTree& tree, const RootPassword& password, long today,
                          std::string* err);

}  // namespace sdme::provision
