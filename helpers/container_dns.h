// sdme-dns's work: name resolution for a container, prepared in its upper
// layer after sdme-overlay mounted it and before systemd-nspawn starts it.
//
//   host network     The container shares the host's network and resolver.
//                    /etc/resolv.conf becomes a regular file, the mount point
//                    systemd-nspawn --resolv-conf=auto binds the host's
//                    configuration onto (a symlink there, often dangling
//                    before the container runs, would defeat it), and the
//                    container's own systemd-resolved is masked.
//   private network  veth, zone, bridge or private: the container's own
//                    systemd-resolved answers, so /etc/resolv.conf links to
//                    its stub.
//
// Nothing here follows a symlink found in the upper layer: the container made
// those, and this runs as root on the host.
#pragma once

#include <string>
#include <string_view>

namespace sdme {

enum class NetworkMode { kHost, kPrivate };

inline constexpr std::string_view kResolvConfPlaceholder =
    "# Placeholder written by sdme-dns: this container shares the host's network.\n"
    "# systemd-nspawn --resolv-conf=auto mounts the host's resolver configuration\n"
    "# over this file when the container starts.\n";
inline constexpr std::string_view kResolvedStubLink = "../run/systemd/resolve/stub-resolv.conf";
inline constexpr std::string_view kResolvedMaskPath =
    "/etc/systemd/system/systemd-resolved.service";

// Prepares the upper layer the container's overlay uses. Idempotent.
bool set_up_container_dns(std::string_view container_name, NetworkMode mode, std::string* err);

// The same on a given upper layer directory.
bool set_up_dns_in_layer(const std::string& upper, NetworkMode mode, std::string* err);

}  // namespace sdme
