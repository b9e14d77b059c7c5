// The Linux capabilities systemd-nspawn 252 knows, for validating
// Capability= and DropCapability=.
#include "sdme_file/capabilities.h"

#include <cctype>

#include "common/closest_match.h"
#include "common/strings.h"

namespace sdme::file {
namespace {

constexpr std::string_view kPrefix = "CAP_";

std::string to_upper(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

// "cap_net_admin" and "net_admin" both become "NET_ADMIN".
std::string bare_upper_name(std::string_view name) {
  std::string upper = to_upper(name);
  if (upper.starts_with(kPrefix)) upper.erase(0, kPrefix.size());
  return upper;
}

}  // namespace

const std::vector<std::string>& known_capabilities() {
  // Kernel numbers 0..40, exactly the list `systemd-analyze capability` of
  // systemd 252 prints; it knows no other names.
  static const std::vector<std::string> kCapabilities = {
      "CAP_CHOWN",
      "CAP_DAC_OVERRIDE",
      "CAP_DAC_READ_SEARCH",
      "CAP_FOWNER",
      "CAP_FSETID",
      "CAP_KILL",
      "CAP_SETGID",
      "CAP_SETUID",
      "CAP_SETPCAP",
      "CAP_LINUX_IMMUTABLE",
      "CAP_NET_BIND_SERVICE",
      "CAP_NET_BROADCAST",
      "CAP_NET_ADMIN",
      "CAP_NET_RAW",
      "CAP_IPC_LOCK",
      "CAP_IPC_OWNER",
      "CAP_SYS_MODULE",
      "CAP_SYS_RAWIO",
      "CAP_SYS_CHROOT",
      "CAP_SYS_PTRACE",
      "CAP_SYS_PACCT",
      "CAP_SYS_ADMIN",
      "CAP_SYS_BOOT",
      "CAP_SYS_NICE",
      "CAP_SYS_RESOURCE",
      "CAP_SYS_TIME",
      "CAP_SYS_TTY_CONFIG",
      "CAP_MKNOD",
      "CAP_LEASE",
      "CAP_AUDIT_WRITE",
      "CAP_AUDIT_CONTROL",
      "CAP_SETFCAP",
      "CAP_MAC_OVERRIDE",
      "CAP_MAC_ADMIN",
      "CAP_SYSLOG",
      "CAP_WAKE_ALARM",
      "CAP_BLOCK_SUSPEND",
      "CAP_AUDIT_READ",
      "CAP_PERFMON",
      "CAP_BPF",
      "CAP_CHECKPOINT_RESTORE",
  };
  return kCapabilities;
}

bool canonical_capability(std::string_view name, std::string* canonical, std::string* err) {
  if (name.empty()) {
    *err = "empty capability name; write a name such as 'CAP_NET_ADMIN'";
    return false;
  }
  std::string bare = bare_upper_name(name);
  // Exact lookup first: suggestions cost an edit distance per known name,
  // which only a misspelt name should pay for.
  for (const std::string& known : known_capabilities()) {
    if (!bare.empty() && bare == std::string_view(known).substr(kPrefix.size())) {
      *canonical = known;
      return true;
    }
  }
  ClosestMatch closest(bare);
  for (const std::string& known : known_capabilities())
    closest.offer(known, std::string_view(known).substr(kPrefix.size()));
  *err = "unknown capability '" + std::string(name) + "'" + closest.did_you_mean();
  return false;
}

}  // namespace sdme::file
