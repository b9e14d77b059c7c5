// What a [Container] section says, parsed and validated, before it becomes
// command lines. Filled by the handlers of the key table (container_keys.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/import_request.h"

namespace sdme::file {

struct BindMount {
  std::string source;
  std::string destination;  // empty: same as source
  std::string options;      // comma-separated nspawn bind options, may be empty
};

enum class NetworkMode { kHost, kPrivate, kVeth, kZone, kBridge };

struct ContainerSettings {
  // Rootfs=: unset or "/" clones the host; an absolute path is used as the
  // lower layer; anything else names a rootfs under STATE/rootfs.
  std::string rootfs;
  // Import= and its options: where sdme-import fetches the named rootfs
  // from when it does not exist yet. Empty source: no import.
  std::string import_source;
  std::string import_checksum;                             // normalized, or empty
  std::optional<InstallPackages> import_install_packages;  // unset: auto
  uint64_t import_max_size = 0;                            // 0: not set
  std::optional<bool> boot;                                // Boot=, default yes
  std::vector<std::string> exec;                           // Exec=, the command words
  std::string hostname;                                    // Hostname=
  std::vector<BindMount> binds;                            // Bind=
  std::vector<BindMount> read_only_binds;                  // BindReadOnly=
  std::vector<std::string> environment;                    // Environment=, NAME=VALUE each
  NetworkMode network = NetworkMode::kHost;
  std::string network_name;                    // zone or bridge name
  std::vector<std::string> capabilities;       // canonical CAP_ names or "all"
  std::vector<std::string> drop_capabilities;  // canonical CAP_ names
  std::optional<bool> no_new_privileges;
  bool read_only = false;
  std::vector<std::string> system_call_filters;  // one normalized list per assignment
  std::string private_users;                     // empty: not set
  std::vector<std::string> opaque_dirs;
  std::unordered_set<std::string> opaque_dirs_seen;  // the same paths, for the duplicate check
  bool opaque_dirs_assigned = false;  // an explicit OpaqueDir= (even empty) replaces the default
  bool ephemeral = false;
  std::vector<std::string> nspawn_args;  // NspawnArgs=, raw text, appended as written
};

}  // namespace sdme::file
