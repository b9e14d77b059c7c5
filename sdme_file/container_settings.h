// What a [Container] section says, parsed and validated, before it becomes
// command lines. Filled by the handlers of the key table (container_keys.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/import_request.h"
#include "sdme_file/security_tier.h"

namespace sdme::file {

struct BindMount {
  std::string source;
  std::string destination;  // empty: same as source
  std::string options;      // comma-separated nspawn bind options, may be empty
};

enum class NetworkMode { kHost, kPrivate, kVeth, kZone, kBridge };

// Port=: one forward from a port of the host to a port of the container,
// normalized (nspawn's --port= defaults filled in).
struct PortForward {
  std::string protocol;  // "tcp" or "udp"
  uint16_t host_port = 0;
  uint16_t container_port = 0;
};

// AppImage= and the keys that refine it (sdme_file/app_keys.h): an
// application image run as a service of the container's systemd.
struct AppSettings {
  std::string image;   // AppImage=, the import source; empty: no app
  std::string rootfs;  // the rootfs it is imported into, named after the source
  // An unset override keeps the image's value (an empty assignment unsets).
  std::optional<std::vector<std::string>> entrypoint;  // AppEntrypoint=
  std::optional<std::vector<std::string>> exec;        // AppExec=
  std::vector<std::string> environment;                // AppEnvironment=, NAME=VALUE each
  std::optional<std::string> user;                     // AppUser=
  std::optional<std::string> working_directory;        // AppWorkingDirectory=
  std::vector<BindMount> binds;                        // AppBind=, destinations in the app's tree
  std::string pod;                                     // AppPod=, empty: the container's network
};

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
  bool network_assigned = false;               // Network= was set (to tell host from the default)
  std::string network_name;                    // zone or bridge name
  std::string pod;                             // Pod=, empty: not in a pod
  std::vector<PortForward> ports;              // Port=
  std::unordered_set<std::string> ports_seen;  // "tcp:8080" per host port, for the duplicate check
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
  // Security=; parse_container_section() applies the tier to the fields
  // above (network, private_users, no_new_privileges, drop_capabilities,
  // system_call_filters), beneath what the individual keys say.
  SecurityTier security = SecurityTier::kNone;
  std::string root_password_hash;                // RootPasswordHash=, a crypt(3) hash
  std::string root_password_file;                // RootPasswordFile=, an absolute path
  std::vector<std::string> ssh_authorized_keys;  // SSHAuthorizedKeys=, paths or key lines
  std::optional<bool> ssh;                       // SSH=
  std::optional<uint16_t> ssh_port;              // SSHPort=
  std::optional<bool> ssh_password_login;        // SSHPasswordLogin=
  // From [Service] (check_service_section()): the AppArmorProfile= the
  // administrator set, which wins over the tier's; set_apparmor_profile
  // says whether there was one at all (its last value may be empty).
  bool service_sets_apparmor_profile = false;
  std::string service_apparmor_profile;
  AppSettings app;
};

}  // namespace sdme::file
