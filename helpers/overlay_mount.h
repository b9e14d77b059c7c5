// sdme-overlay's work: mounting a container's copy-on-write root (overlayfs:
// the root file system read-only below, the container's changes above) and
// taking it down again. Both are idempotent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdme {

struct OverlayMountRequest {
  std::string container_name;
  // The root file system the container starts from; never written to.
  std::string lower;
  // `lower` is the host's own root: hide sdme's state and configuration.
  bool host_clone = false;
  // Paths inside the container whose lower-layer contents are hidden.
  std::vector<std::string> opaque_directories;
  // Keep the upper layer on a tmpfs, so nothing survives a stop.
  bool ephemeral = false;
  // Written to the container's /etc/hostname when not empty.
  std::string hostname;
};

struct OverlayMountResult {
  // Where the overlay is mounted: systemd-nspawn's --directory.
  std::string merged;
  bool already_mounted = false;
  // Things done that the user should hear about (a busy mount detached).
  std::vector<std::string> warnings;
};

// Mounts the overlay at STATE/containers/NAME/merged and writes the host
// name into it. Checks every input before it touches the disk; an overlay
// mounted already is used as it is. When a step fails, removes what this
// run created, a fresh mount included, and keeps what was there before,
// above all an upper layer with the container's data.
bool mount_overlay(const OverlayMountRequest& request, OverlayMountResult* result,
                   std::string* err);

// Unmounts the overlay and the ephemeral tmpfs, if mounted, and removes the
// ephemeral directory. Copes with any state a failed start leaves. Keeps the
// persistent upper layer.
bool unmount_overlay(std::string_view container_name, std::vector<std::string>* warnings,
                     std::string* err);

}  // namespace sdme
