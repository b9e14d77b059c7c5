// The contents of the security tiers; see security_tier.h.
#include "sdme_file/security_tier.h"

#include <algorithm>

#include "sdme_file/capabilities.h"

namespace sdme::file {
namespace {

// `names` sorted by kernel number, the order of known_capabilities().
std::vector<std::string> in_kernel_order(const std::vector<std::string>& names) {
  std::vector<std::string> ordered;
  for (const std::string& known : known_capabilities())
    if (std::find(names.begin(), names.end(), known) != names.end()) ordered.push_back(known);
  return ordered;
}

bool contains(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

bool parse_security_tier(std::string_view text, SecurityTier* tier) {
  if (text == "hardened") {
    *tier = SecurityTier::kHardened;
    return true;
  }
  if (text == "strict") {
    *tier = SecurityTier::kStrict;
    return true;
  }
  return false;
}

std::string_view security_tier_name(SecurityTier tier) {
  switch (tier) {
    case SecurityTier::kNone:
      return "";
    case SecurityTier::kHardened:
      return "hardened";
    case SecurityTier::kStrict:
      return "strict";
  }
  return "";
}

const std::vector<std::string>& nspawn_default_capabilities() {
  // systemd 252's src/nspawn/nspawn.c, DEFAULT_CAPABILITIES, as its
  // systemd-nspawn(1) lists them under --capability=.
  static const std::vector<std::string> kDefault = in_kernel_order({
      "CAP_AUDIT_CONTROL",
      "CAP_AUDIT_WRITE",
      "CAP_CHOWN",
      "CAP_DAC_OVERRIDE",
      "CAP_DAC_READ_SEARCH",
      "CAP_FOWNER",
      "CAP_FSETID",
      "CAP_IPC_OWNER",
      "CAP_KILL",
      "CAP_LEASE",
      "CAP_LINUX_IMMUTABLE",
      "CAP_MKNOD",
      "CAP_NET_BIND_SERVICE",
      "CAP_NET_BROADCAST",
      "CAP_NET_RAW",
      "CAP_SETFCAP",
      "CAP_SETGID",
      "CAP_SETPCAP",
      "CAP_SETUID",
      "CAP_SYS_ADMIN",
      "CAP_SYS_BOOT",
      "CAP_SYS_CHROOT",
      "CAP_SYS_NICE",
      "CAP_SYS_PTRACE",
      "CAP_SYS_RESOURCE",
      "CAP_SYS_TTY_CONFIG",
  });
  return kDefault;
}

const std::vector<std::string>& hardened_dropped_capabilities() {
  // The reference design's --hardened: tracing other processes, raw
  // sockets, raw I/O ports and memory, and rebooting.
  static const std::vector<std::string> kDropped =
      in_kernel_order({"CAP_SYS_PTRACE", "CAP_NET_RAW", "CAP_SYS_RAWIO", "CAP_SYS_BOOT"});
  return kDropped;
}

const std::vector<std::string>& strict_kept_capabilities() {
  static const std::vector<std::string> kKept = [] {
    // Docker's default capability set (moby's oci/caps/defaults.go)...
    std::vector<std::string> kept = {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
                                     "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
                                     "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
                                     "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
                                     // ...and systemd, as PID 1, mounts and sets up namespaces.
                                     "CAP_SYS_ADMIN"};
    std::erase_if(kept, [](const std::string& name) {
      return contains(hardened_dropped_capabilities(), name);
    });
    return in_kernel_order(kept);
  }();
  return kKept;
}

std::vector<std::string> tier_dropped_capabilities(SecurityTier tier, bool booting) {
  std::vector<std::string> dropped;
  if (tier == SecurityTier::kNone) return dropped;
  dropped = hardened_dropped_capabilities();
  if (tier == SecurityTier::kStrict) {
    for (const std::string& name : nspawn_default_capabilities())
      if (!contains(strict_kept_capabilities(), name)) dropped.push_back(name);
    dropped.push_back("CAP_NET_ADMIN");
  }
  if (!booting) std::erase(dropped, "CAP_SYS_BOOT");
  std::vector<std::string> ordered = in_kernel_order(dropped);
  return ordered;
}

std::string_view tier_system_call_filter(SecurityTier tier) {
  // Emulating other CPUs, tracing and profiling, obsolete calls, and raw
  // port I/O: none of it belongs in a locked-down container.
  return tier == SecurityTier::kStrict ? "~@cpu-emulation @debug @obsolete @raw-io" : "";
}

std::string_view tier_apparmor_profile(SecurityTier tier) {
  return tier == SecurityTier::kStrict ? "sdme-default" : "";
}

}  // namespace sdme::file
