// sdme-overlay's work: mounting a container's copy-on-write root (overlayfs:
// the root file system read-only below, the container's changes above) and
// taking it down again. Both are idempotent. The request is what
// sdme-overlay mount's command line says (common/helper_command_lines.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/helper_command_lines.h"

namespace sdme::overlay {

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

// Unmounts whatever is mounted below merged/ (deepest first), the overlay
// and the ephemeral tmpfs, if mounted, and removes the ephemeral directory. Copes with any state a
// failed start leaves. Keeps the persistent upper layer.
bool unmount_overlay(std::string_view container_name, std::vector<std::string>* warnings,
                     std::string* err);

}  // namespace sdme::overlay
