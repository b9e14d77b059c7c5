// What a container cloned from the host's own root file system must not
// see: sdme's state (the host's containers and their layers) and sdme's
// configuration (its own generator would start the host's containers again,
// inside the container).
#pragma once

#include <string>
#include <vector>

namespace sdme::overlay {

// The directories to hide, as paths inside the container, in a fixed order:
// the state directory, then /etc/sdme, /usr/local/lib/sdme and
// /usr/lib/sdme; each only if it exists in `lower`. Each is resolved first
// and named where it really lives (with /var/lib/sdme a symlink to
// /srv/sdme, /srv/sdme is what must be hidden), so none has a symlink on its
// way; one that resolves outside `lower` is skipped. Works on any lower
// directory, not only "/".
std::vector<std::string> host_clone_hidden_directories(const std::string& lower,
                                                       const std::string& state_dir);

}  // namespace sdme::overlay
