// The container's /etc/hostname. systemd in a booted container sets the
// host name from /etc/hostname, over the one systemd-nspawn --hostname= gave
// it; in a clone of the host that file names the host, and every clone would
// be called like the host. sdme-overlay mount --hostname= writes the
// container's own name there before the container starts.
#pragma once

#include <string>
#include <string_view>

#include "common/files_beneath.h"
#include "common/rollback.h"

namespace sdme::overlay {

// The name as systemd accepts a host name. Generated units pass Hostname=
// (or the machine name) with its specifiers expanded by systemd, so
// "web-%i" arrives here as "web-db".
bool check_container_hostname(std::string_view hostname, std::string* err);

// Makes ROOT/etc/hostname a regular file holding "HOSTNAME\n", replacing a
// symlink without following it, or leaves it alone when it holds that
// already. Creates a missing /etc, recorded in `rollback`.
bool write_container_hostname(const DirectoryHandle& root, std::string_view hostname,
                              Rollback* rollback, std::string* err);

}  // namespace sdme::overlay
