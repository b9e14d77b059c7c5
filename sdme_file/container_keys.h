// The [Container] keys: one ordered, declarative table. The unknown-key check,
// the did-you-mean suggestion, the man page check and the translation all read
// this table, and its row order is the order of the nspawn options in the
// generated unit, so the same input always gives the same bytes.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/helper_command_lines.h"
#include "sdme_file/container_settings.h"
#include "sdme_file/unit_file.h"

namespace sdme::file {

// What the translation of a whole [Container] section produces; each row's
// emit function adds its part.
struct ContainerPlan {
  // sdme-overlay mount's request; translate_unit() adds the container's
  // name and host name.
  OverlayMountRequest overlay;
  std::vector<std::string> nspawn_arguments;      // options, before NspawnArgs=
  std::vector<std::string> nspawn_raw_arguments;  // NspawnArgs=, verbatim
  std::vector<std::string> command;               // after "--" when not booting
  std::vector<std::string> requires_mounts_for;
  DnsNetwork dns_network = DnsNetwork::kHost;
  std::string hostname;  // Hostname=, empty: the machine name
  // "sdme-import@NAME.service" for Import= and AppImage=, in row order.
  std::vector<std::string> import_units;
  // "sdme-pod@NAME.service" for Pod= and AppPod=, each once.
  std::vector<std::string> pod_units;
  // sdme-provision's request; translate_unit() adds the container's name.
  ProvisionRequest provision;
  // RootPasswordHash=, for SetCredential=passwd.hashed-password.root: in
  // [Service] only, never on a command line nor in [X-Container].
  std::string root_password_hash;
  // AppArmorProfile= for [Service]: the tier's, unless [Service] sets one.
  std::string apparmor_profile;
  // sdme-app's request (AppImage=); translate_unit() adds the container's
  // name. Without an image, sdme-app takes back what an earlier start wrote.
  AppRequest app;
};

// How a key's values combine, for the reader of the table (and the man page).
enum class KeyKind {
  kSingle,   // the last assignment wins
  kBoolean,  // a systemd boolean, the last assignment wins
  kList,     // assignments accumulate; an empty one resets the list
  kRefused,  // known only to be refused with its reason: every assignment is an error
};

// Where sdme-pod@NAME.service holds the network namespace of pod NAME
// (a bind mount of the namespace), the path members pass to nspawn.
inline constexpr std::string_view kPodDirectory = "/run/sdme/pods";
std::string pod_network_namespace_path(std::string_view pod_name);

// Parses one assignment into the settings. An empty value reaches the
// parser too: list keys reset, single keys return to their default, and
// booleans report that a value is needed.
using KeyParser = bool (*)(std::string_view value, ContainerSettings* settings, std::string* err);
// Adds the key's part of the plan. Runs after every key is parsed.
using KeyEmitter = void (*)(const ContainerSettings& settings, const std::string& state_dir,
                            ContainerPlan* plan);

struct ContainerKey {
  std::string_view name;
  KeyKind kind;
  KeyParser parse;
  KeyEmitter emit;  // may be null: the key only feeds other rows
};

std::span<const ContainerKey> container_keys();

// The row for `name` (exact, case-sensitive), or nullptr.
const ContainerKey* find_container_key(std::string_view name);

// "unknown key 'Bnd' in [Container], did you mean 'Bind'?" or, with no close
// match, "unknown key 'X' in [Container], see sdme.sdme(5) for the keys".
std::string unknown_container_key_message(std::string_view name);

// Parses every [Container] entry with its row, then checks the rules that
// involve more than one key. Errors are "PATH:LINE: message".
bool parse_container_section(const UnitSection& section, ContainerSettings* settings,
                             std::string* err);

// The systemd credential that carries a root password hash; systemd's own
// name for it (systemd.system-credentials(7)), which sdme-provision reads
// from $CREDENTIALS_DIRECTORY.
inline constexpr std::string_view kHashedPasswordCredential = "passwd.hashed-password.root";

// Checks what [Service] says that meets the [Container] keys, after
// parse_container_section(): a SetCredential= that would put a plaintext
// password into the unit, a second source of the root password, a password
// for SSHPasswordLogin=yes, and an AppArmorProfile= that wins over the
// tier's. Either section may be missing. Errors are "PATH:LINE: message".
bool check_service_section(const UnitSection* service, const UnitSection* container,
                           ContainerSettings* settings, std::string* err);

// Builds the plan from validated settings, row by row.
ContainerPlan plan_container(const ContainerSettings& settings, const std::string& state_dir);

}  // namespace sdme::file
