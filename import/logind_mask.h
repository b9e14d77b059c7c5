// systemd-logind.service masked in an imported tree. Some OCI base images
// mask it (Docker and Podman run no logind), but machinectl shell and login
// open their sessions through it, so a tree that gets packages installed
// (ImportInstallPackages=) is unmasked too. Only the link `systemctl mask`
// makes is removed: /etc/systemd/system/systemd-logind.service -> /dev/null.
// The tree is reached through common/files_beneath.h, which follows none of
// its symlinks: an /etc or /etc/systemd/system that is itself a link (as in
// a booted NixOS tree) is left alone, never followed out of the tree.
#pragma once

#include <string>

namespace sdme::import {

// Whether the tree at ROOT masks systemd-logind.service with that link.
bool logind_is_masked(const std::string& root, bool* masked, std::string* err);

// Removes that link; *unmasked says whether there was one. Running it twice
// is the same as once.
bool unmask_logind(const std::string& root, bool* unmasked, std::string* err);

}  // namespace sdme::import
