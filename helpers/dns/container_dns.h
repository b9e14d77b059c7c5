// sdme-dns's work: name resolution for a container, prepared through its
// mounted overlay after sdme-overlay mounted it and before systemd-nspawn
// starts it.
//
//   host network     The container shares the host's network and resolver.
//                    /etc/resolv.conf becomes a regular file, a placeholder:
//                    systemd-nspawn --resolv-conf=auto copies the host's
//                    resolver configuration into a writable tree, but only
//                    onto a regular file or none (a symlink there, often
//                    dangling before the container runs, would keep it out).
//                    The container's own systemd-resolved is masked.
//   private network  veth, zone, bridge or private: the container's own
//                    systemd-resolved answers, so /etc/resolv.conf links to
//                    its stub, and a mask sdme-dns made is taken back.
//
// Every change goes through merged/ (see helpers/mounted_overlay.h), and
// nothing here follows a symlink found in the container's tree: the
// container made those, and this runs as root on the host.
#pragma once

#include <string>
#include <string_view>

#include "common/helper_command_lines.h"

namespace sdme::dns {


inline constexpr std::string_view kResolvConfPlaceholder =
    "# Placeholder written by sdme-dns: this container shares the host's network.\n"
    "# systemd-nspawn --resolv-conf=auto copies the host's resolver configuration\n"
    "# into this file when the container starts.\n";
inline constexpr std::string_view kResolvedStubLink = "../run/systemd/resolve/stub-resolv.conf";
inline constexpr std::string_view kResolvedMaskPath =
    "/etc/systemd/system/systemd-resolved.service";

// Prepares the container's mounted overlay. Idempotent. Fails, changing
// nothing, when the overlay is not mounted.
bool set_up_container_dns(std::string_view container_name, DnsNetwork mode, std::string* err);

}  // namespace sdme::dns
