// The [Container] key table and one parse/emit function per kind of value,
// in the manner of nspawn's own settings table (nspawn-gperf.gperf).
#include "sdme_file/container_keys.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <map>
#include <utility>

#include "common/closest_match.h"
#include "common/import_request.h"
#include "common/import_source_syntax.h"
#include "common/name.h"
#include "common/password_hash_shape.h"
#include "common/path_text.h"
#include "common/strings.h"
#include "common/url_redaction.h"
#include "sdme_file/app_keys.h"
#include "sdme_file/capabilities.h"
#include "sdme_file/key_values.h"
#include "sdme_file/security_tier.h"
#include "sdme_file/ssh_public_key.h"
#include "sdme_file/syscall_filter.h"
#include "sdme_file/words.h"

namespace sdme::file {
namespace {

// Values may carry unit specifiers (%i, %n, ...) that systemd expands when it
// loads the unit. Validation looks at a stand-in where each specifier is one
// ordinary character, so "Hostname=web-%i" is checked as "web-a".
// "%%" is systemd's literal '%', so it stays a '%' in the stand-in.
std::string with_specifiers_as_placeholders(std::string_view value) {
  std::string placeholder;
  placeholder.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 1 < value.size()) {
      placeholder += value[i + 1] == '%' ? '%' : 'a';
      ++i;
    } else {
      placeholder += value[i];
    }
  }
  return placeholder;
}

// Values reach the generated unit with their specifiers; one systemd does
// not know would make it refuse the whole setting when it loads the unit.
bool check_specifiers(std::string_view value, std::string* err) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') continue;
    if (i + 1 == value.size()) return true;  // systemd keeps a trailing '%' as it is
    if (kUnitSpecifiers.find(value[i + 1]) == std::string_view::npos) {
      *err =
          "unknown specifier '%" + std::string(1, value[i + 1]) + "', write %% for a literal '%'";
      return false;
    }
    ++i;
  }
  return true;
}

// Validates `value` through its stand-in, but reports the value as written.
bool validate_with_specifiers(std::string_view value,
                              bool (*validate)(std::string_view, std::string*), std::string* err) {
  std::string placeholder = with_specifiers_as_placeholders(value);
  if (validate(placeholder, err)) return true;
  std::string quoted_placeholder = "'" + placeholder + "'";
  if (size_t at = err->find(quoted_placeholder); at != std::string::npos)
    err->replace(at, quoted_placeholder.size(), "'" + std::string(value) + "'");
  return false;
}

bool parse_boolean_value(std::string_view value, std::string_view key, bool* result,
                         std::string* err) {
  if (parse_boolean(value, result)) return true;
  if (value.empty()) {
    *err = std::string(key) + "= needs a value, use yes or no";
    return false;
  }
  *err = std::string(key) + "=" + std::string(value) + " is not a boolean, use yes or no";
  return false;
}

// overlayfs mount options separate layers with ':' and options with ',',
// and cannot carry either inside a path.
bool validate_overlay_path(std::string_view path, std::string_view key, std::string* err) {
  if (path.find_first_of(",:\\ \t") == std::string_view::npos) return true;
  *err = std::string(key) + "=" + std::string(path) +
         " contains ',', ':', '\\' or whitespace, which overlayfs cannot use in a layer path; "
         "move or link the directory to a plain path";
  return false;
}

// --- Rootfs= ---------------------------------------------------------------

bool is_host_clone(const ContainerSettings& settings) {
  return settings.rootfs.empty() || settings.rootfs == "/";
}

bool parse_rootfs(std::string_view value, ContainerSettings* settings, std::string* err) {
  if (value.empty()) {  // back to the default: a clone of the host
    settings->rootfs.clear();
    return true;
  }
  if (value[0] == '/') {
    if (!validate_absolute_path(value, "Rootfs=", err)) return false;
    if (!validate_overlay_path(value, "Rootfs", err)) return false;
    settings->rootfs = normalize_path(value);
    return true;
  }
  if (!validate_with_specifiers(value, validate_rootfs_name, err)) {
    *err = "Rootfs=" + std::string(value) +
           " is neither an absolute directory nor a valid rootfs name: " + *err;
    return false;
  }
  settings->rootfs = std::string(value);
  return true;
}

std::string lower_directory(const ContainerSettings& settings, const std::string& state_dir) {
  if (is_host_clone(settings)) return "/";
  if (settings.rootfs[0] == '/') return settings.rootfs;
  return state_dir + "/rootfs/" + settings.rootfs;
}

void emit_rootfs(const ContainerSettings& settings, const std::string& state_dir,
                 ContainerPlan* plan) {
  std::string lower = lower_directory(settings, state_dir);
  plan->overlay.lower = lower;
  if (is_host_clone(settings))
    plan->overlay.host_clone = true;
  else
    plan->requires_mounts_for.push_back(lower);
}

// --- Import=, ImportChecksum=, ImportInstallPackages=, ImportMaxSize= -------

bool parse_import(std::string_view value, ContainerSettings* settings, std::string* err) {
  if (value.empty()) {
    settings->import_source.clear();
    return true;
  }
  return parse_image_source("Import", value, &settings->import_source, err);
}

void emit_import(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  // Rootfs names are letters, digits, '-' and '.', all valid in a unit
  // name as they are; the unit reads the name back with %i, not %I, so a
  // '-' stays a '-'.
  if (!settings.import_source.empty())
    plan->import_units.push_back("sdme-import@" + settings.rootfs + ".service");
}

bool parse_import_checksum(std::string_view value, ContainerSettings* settings, std::string* err) {
  if (value.empty()) {
    settings->import_checksum.clear();
    return true;
  }
  if (!normalize_sha256_checksum(value, &settings->import_checksum)) {
    *err = "ImportChecksum=" + std::string(value) +
           " is not sha256: followed by 64 hexadecimal digits";
    return false;
  }
  return true;
}

bool parse_import_install_packages(std::string_view value, ContainerSettings* settings,
                                   std::string* err) {
  if (value.empty()) {
    settings->import_install_packages.reset();
    return true;
  }
  InstallPackages install;
  if (!parse_install_packages(value, &install)) {
    *err = "ImportInstallPackages=" + std::string(value) + " is not yes, no or auto";
    return false;
  }
  settings->import_install_packages = install;
  return true;
}

bool parse_import_max_size(std::string_view value, ContainerSettings* settings, std::string* err) {
  if (value.empty()) {
    settings->import_max_size = 0;
    return true;
  }
  uint64_t size = 0;
  std::string size_err;
  if (!parse_size(value, &size, &size_err)) {
    *err = "ImportMaxSize=" + std::string(value) +
           " is not a size, use bytes or a number with K, M, G or T (powers of 1024)";
    return false;
  }
  if (size == 0) {
    *err = "ImportMaxSize=" + std::string(value) +
           " must be more than 0; leave it out for sdme-import's default";
    return false;
  }
  settings->import_max_size = size;
  return true;
}

// --- Boot= and Exec= -------------------------------------------------------

bool parse_boot(std::string_view value, ContainerSettings* settings, std::string* err) {
  bool boot;
  if (!parse_boolean_value(value, "Boot", &boot, err)) return false;
  settings->boot = boot;
  return true;
}

bool booting(const ContainerSettings& settings) {
  return settings.boot.value_or(settings.exec.empty());
}

void emit_boot(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  // With --boot, nspawn reports READY once the container's systemd is up;
  // a plain command never sends READY=1, so nspawn must report it itself.
  if (booting(settings)) {
    plan->nspawn_arguments.push_back("--notify-ready=yes");
    plan->nspawn_arguments.push_back("--boot");
  } else {
    // A program that is not an init system should not be PID 1 (it would
    // not reap zombies nor act on signals), so nspawn's stub init runs as
    // PID 1 and the program as PID 2. On `systemctl stop` nspawn sends the
    // kill signal to that stub (without one it exits at once and the
    // container is SIGKILLed). The stub ignores SIGTERM; SIGRTMIN+3, "halt",
    // makes it send the program SIGTERM and SIGHUP and, once the program is
    // gone, power the container off with reboot(2), which nspawn reports
    // as a clean shutdown (exit status 0). When the program exits by itself,
    // the stub exits with the program's status, and so does nspawn.
    plan->nspawn_arguments.push_back("--notify-ready=no");
    plan->nspawn_arguments.push_back("--as-pid2");
    plan->nspawn_arguments.push_back("--kill-signal=SIGRTMIN+3");
  }
}

bool parse_exec(std::string_view value, ContainerSettings* settings, std::string* err) {
  if (!parse_words(value, &settings->exec, err)) {
    *err = "Exec=: " + *err;
    return false;
  }
  return true;
}

void emit_exec(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  plan->command = settings.exec;
}

// --- Hostname= ---------------------------------------------------------------

bool parse_hostname(std::string_view value, ContainerSettings* settings, std::string* err) {
  if (value.empty()) {
    settings->hostname.clear();
    return true;
  }
  if (!validate_with_specifiers(value, validate_hostname, err)) {
    *err = "Hostname=: " + *err;
    return false;
  }
  settings->hostname = std::string(value);
  return true;
}

void emit_hostname(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  plan->hostname = settings.hostname;
  if (!settings.hostname.empty())
    plan->nspawn_arguments.push_back("--hostname=" + settings.hostname);
}

// --- Bind= and BindReadOnly= ---------------------------------------------

// systemd-nspawn reads --bind= with extract_many_words(), where '\\' escapes
// the next character: "/srv/c\\:/mnt/x" would bind the source "/srv/c:/mnt/x"
// to the same path, and "/srv/ro:/dst\\:idmap" would bind to "/dst:idmap"
// without idmap, while RequiresMountsFor= names other paths. A path with a
// backslash is refused, as in Rootfs=, rather than escaped.
bool parse_bind_spec(std::string_view spec, std::string_view key, BindMount* bind,
                     std::string* err) {
  if (spec.find('\\') != std::string_view::npos) {
    *err = std::string(key) + "=" + std::string(spec) +
           " contains '\\', which systemd-nspawn reads as an escape in a bind mount; move or "
           "link the directory to a path without one";
    return false;
  }
  std::vector<std::string> fields = split(spec, ':');
  if (fields.size() > 3) {
    *err = std::string(key) + "=" + std::string(spec) +
           " has more than three ':'-separated fields, use SOURCE[:DESTINATION[:OPTIONS]]";
    return false;
  }
  bind->source = fields[0];
  bind->destination = fields.size() > 1 ? fields[1] : "";
  bind->options = fields.size() > 2 ? fields[2] : "";
  if (!validate_absolute_path(bind->source, std::string(key) + "= source", err)) return false;
  if (fields.size() > 1 &&
      !validate_absolute_path(bind->destination, std::string(key) + "= destination", err))
    return false;
  if (!bind->options.empty()) {
    for (const std::string& option : split(bind->options, ',')) {
      if (option != "rbind" && option != "norbind" && option != "idmap" && option != "noidmap") {
        *err = std::string(key) + "=" + std::string(spec) + ": unknown bind option '" + option +
               "', use rbind, norbind, idmap or noidmap";
        if (option == "ro" && key == "Bind") *err += "; for a read-only mount use BindReadOnly=";
        return false;
      }
    }
  }
  bind->source = normalize_path(bind->source);
  if (!bind->destination.empty()) bind->destination = normalize_path(bind->destination);
  return true;
}

bool parse_bind_list(std::string_view value, std::string_view key, std::vector<BindMount>* list,
                     std::string* err) {
  return parse_word_list(
      key, value, list,
      [key](const std::string& spec, BindMount* bind, std::string* message) {
        return parse_bind_spec(spec, key, bind, message);
      },
      err);
}

bool parse_bind(std::string_view value, ContainerSettings* settings, std::string* err) {
  return parse_bind_list(value, "Bind", &settings->binds, err);
}

bool parse_bind_read_only(std::string_view value, ContainerSettings* settings, std::string* err) {
  return parse_bind_list(value, "BindReadOnly", &settings->read_only_binds, err);
}

void emit_bind_list(const std::vector<BindMount>& list, std::string_view option,
                    ContainerPlan* plan) {
  for (const BindMount& bind : list) {
    std::string argument = std::string(option) + bind.source;
    if (!bind.destination.empty() || !bind.options.empty())
      argument += ":" + (bind.destination.empty() ? bind.source : bind.destination);
    if (!bind.options.empty()) argument += ":" + bind.options;
    plan->nspawn_arguments.push_back(std::move(argument));
    plan->requires_mounts_for.push_back(bind.source);
  }
}

void emit_bind(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  emit_bind_list(settings.binds, "--bind=", plan);
}

void emit_bind_read_only(const ContainerSettings& settings, const std::string&,
                         ContainerPlan* plan) {
  emit_bind_list(settings.read_only_binds, "--bind-ro=", plan);
}

// --- Environment= ------------------------------------------------------------

bool parse_environment(std::string_view value, ContainerSettings* settings, std::string* err) {
  return parse_assignments("Environment", value, &settings->environment, err);
}

void emit_environment(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  for (const std::string& assignment : settings.environment)
    plan->nspawn_arguments.push_back("--setenv=" + assignment);
}

// --- Network= ----------------------------------------------------------------

// An interface name: the kernel allows 15 bytes, and nspawn prefixes zones
// with "vz-", leaving 12.
bool validate_network_name(std::string_view name, size_t max_length, std::string* err) {
  if (name.empty() || name.size() > max_length ||
      !std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      })) {
    *err = "'" + std::string(name) + "' is not a valid name: use 1 to " +
           std::to_string(max_length) + " letters, digits, '-', '_' or '.'";
    return false;
  }
  return true;
}

bool parse_network(std::string_view value, ContainerSettings* settings, std::string* err) {
  settings->network_name.clear();
  // An empty value returns to the default: the host's network, or the
  // private one of a security tier.
  settings->network_assigned = !value.empty();
  if (value.empty() || value == "host") {
    settings->network = NetworkMode::kHost;
    return true;
  }
  if (value == "private") {
    settings->network = NetworkMode::kPrivate;
    return true;
  }
  if (value == "veth") {
    settings->network = NetworkMode::kVeth;
    return true;
  }
  bool zone = value.starts_with("zone:");
  if (zone || value.starts_with("bridge:")) {
    std::string_view name = value.substr(value.find(':') + 1);
    if (!validate_network_name(name, zone ? 12 : 15, err)) {
      *err = "Network=" + std::string(value) + ": " + *err;
      return false;
    }
    settings->network = zone ? NetworkMode::kZone : NetworkMode::kBridge;
    settings->network_name = std::string(name);
    return true;
  }
  *err = "Network=" + std::string(value) +
         " is not one of host, private, veth, zone:NAME or bridge:NAME";
  return false;
}

// Network= as written, for messages.
std::string network_mode_text(const ContainerSettings& settings) {
  switch (settings.network) {
    case NetworkMode::kHost:
      return "host";
    case NetworkMode::kPrivate:
      return "private";
    case NetworkMode::kVeth:
      return "veth";
    case NetworkMode::kZone:
      return "zone:" + settings.network_name;
    case NetworkMode::kBridge:
      return "bridge:" + settings.network_name;
  }
  return "";
}

void emit_network(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  plan->dns_network =
      settings.network == NetworkMode::kHost ? DnsNetwork::kHost : DnsNetwork::kPrivate;
  switch (settings.network) {
    case NetworkMode::kHost:
      break;
    case NetworkMode::kPrivate:
      plan->nspawn_arguments.push_back("--private-network");
      break;
    case NetworkMode::kVeth:
      plan->nspawn_arguments.push_back("--network-veth");
      break;
    case NetworkMode::kZone:
      plan->nspawn_arguments.push_back("--network-zone=" + settings.network_name);
      break;
    case NetworkMode::kBridge:
      plan->nspawn_arguments.push_back("--network-bridge=" + settings.network_name);
      break;
  }
  // A container with a link to the host (host0 inside) configures it with
  // its own systemd-networkd, which sdme-provision enables.
  if (settings.network == NetworkMode::kVeth || settings.network == NetworkMode::kZone ||
      settings.network == NetworkMode::kBridge)
    plan->provision.network_link = network_mode_text(settings);
}

// --- Pod= --------------------------------------------------------------------

bool parse_pod(std::string_view value, ContainerSettings* settings, std::string* err) {
  settings->pod.clear();
  if (value.empty()) return true;
  // The name becomes a unit instance and a directory under /run/sdme/pods.
  if (!validate_pod_name(value, err)) {
    *err = "Pod=" + std::string(value) + ": " + *err;
    return false;
  }
  settings->pod = std::string(value);
  return true;
}

// A member runs in the pod's network namespace instead of one of its own
// (parse_container_section() refuses a Network= that would make one), so
// sdme-dns prepares it like a private network: the pod has only lo.
void emit_pod(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  if (settings.pod.empty()) return;
  // Pod names are letters, digits, '-' and '.', as unit names carry them.
  plan->pod_units.push_back("sdme-pod@" + settings.pod + ".service");
  plan->dns_network = DnsNetwork::kPrivate;
  plan->nspawn_arguments.push_back("--network-namespace-path=" +
                                   pod_network_namespace_path(settings.pod));
}

// --- Port= -------------------------------------------------------------------

bool is_decimal(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// One port of a forward, decimal digits only. nspawn reads ports with
// strtoul() in base 0 (parse_ip_port()), where "010" is port 8 and "0x50"
// port 80; the option is written with the number in decimal, without
// leading zeros, so nspawn reads the port the file says.
bool parse_port_number(std::string_view text, std::string_view side, std::string_view value,
                       uint16_t* port, std::string* err) {
  const std::string key = "Port=" + std::string(value) + ": ";
  if (size_t dash = text.find('-'); dash != std::string_view::npos &&
                                    is_decimal(text.substr(0, dash)) &&
                                    is_decimal(text.substr(dash + 1))) {
    *err = key + "port ranges such as '" + std::string(text) +
           "' are not supported by systemd-nspawn 252; write one Port= for each port";
    return false;
  }
  uint32_t number = 0;
  bool in_range = is_decimal(text);
  for (size_t i = 0; in_range && i < text.size(); ++i) {
    number = number * 10 + static_cast<uint32_t>(text[i] - '0');
    in_range = number <= 65535;
  }
  if (!in_range || number == 0) {
    *err = key + std::string(side) + " port '" + std::string(text) +
           "' is not a decimal number from 1 to 65535";
    return false;
  }
  *port = static_cast<uint16_t>(number);
  return true;
}

// [tcp:|udp:]HOSTPORT[:CONTAINERPORT], as nspawn's --port= reads it
// (systemd-nspawn(1)), one forward per assignment as in its .nspawn files.
bool parse_port(std::string_view value, ContainerSettings* settings, std::string* err) {
  if (value.empty()) {
    settings->ports.clear();
    settings->ports_seen.clear();
    return true;
  }
  const std::string written = "Port=" + std::string(value);
  if (value.find_first_of(" \t") != std::string_view::npos) {
    *err = written +
           " contains a blank; write one forward, [tcp:|udp:]HOSTPORT[:CONTAINERPORT], per Port=";
    return false;
  }
  std::vector<std::string_view> fields;
  for (size_t start = 0;;) {
    size_t colon = value.find(':', start);
    fields.push_back(value.substr(start, colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (fields.size() > 3) {
    *err = written + " is not [tcp:|udp:]HOSTPORT[:CONTAINERPORT]";
    return false;
  }
  // Two fields are a protocol and a port when the first is no number.
  const bool has_protocol =
      fields.size() == 3 || (fields.size() == 2 && !fields[0].empty() &&
                             std::all_of(fields[0].begin(), fields[0].end(), [](char c) {
                               return std::isalpha(static_cast<unsigned char>(c));
                             }));
  PortForward forward;
  forward.protocol = has_protocol ? std::string(fields[0]) : "tcp";
  if (forward.protocol != "tcp" && forward.protocol != "udp") {
    *err = written + ": protocol '" + forward.protocol + "' is not supported, use tcp or udp";
    return false;
  }
  const size_t host = has_protocol ? 1 : 0;
  if (!parse_port_number(fields[host], "host", value, &forward.host_port, err)) return false;
  forward.container_port = forward.host_port;
  if (host + 1 < fields.size() &&
      !parse_port_number(fields[host + 1], "container", value, &forward.container_port, err))
    return false;
  // nspawn refuses a second forward of the same host port (EEXIST); a set,
  // not a search of the list, as for OpaqueDir=.
  const std::string host_port = forward.protocol + ":" + std::to_string(forward.host_port);
  if (!settings->ports_seen.insert(host_port).second) {
    *err = written + ": " + forward.protocol + " port " + std::to_string(forward.host_port) +
           " of the host is already forwarded by an earlier Port=, and two forwards cannot "
           "share a host port; remove one of them";
    return false;
  }
  settings->ports.push_back(std::move(forward));
  return true;
}

void emit_port(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  for (const PortForward& forward : settings.ports)
    plan->nspawn_arguments.push_back("--port=" + forward.protocol + ":" +
                                     std::to_string(forward.host_port) + ":" +
                                     std::to_string(forward.container_port));
}

// --- Capability= and DropCapability= ---------------------------------------

bool parse_capability_list(std::string_view value, std::string_view key, bool allow_all,
                           std::vector<std::string>* list, std::string* err) {
  if (value.empty()) {
    list->clear();
    return true;
  }
  std::vector<std::string> names;
  if (!parse_words(value, &names, err)) {
    *err = std::string(key) + "=: " + *err;
    return false;
  }
  for (const std::string& name : names) {
    std::string canonical;
    if (allow_all && equals_ignore_case(name, "all")) {
      canonical = "all";
    } else if (!canonical_capability(name, &canonical, err)) {
      *err = std::string(key) + "=: " + *err;
      return false;
    }
    // The list holds distinct known names, at most some 40, so the search
    // is bounded however long the value is.
    if (std::find(list->begin(), list->end(), canonical) == list->end())
      list->push_back(std::move(canonical));
  }
  return true;
}

bool parse_capability(std::string_view value, ContainerSettings* settings, std::string* err) {
  return parse_capability_list(value, "Capability", true, &settings->capabilities, err);
}

bool parse_drop_capability(std::string_view value, ContainerSettings* settings, std::string* err) {
  return parse_capability_list(value, "DropCapability", false, &settings->drop_capabilities, err);
}

void emit_capability(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  if (!settings.capabilities.empty())
    plan->nspawn_arguments.push_back("--capability=" + join(settings.capabilities, ","));
}

void emit_drop_capability(const ContainerSettings& settings, const std::string&,
                          ContainerPlan* plan) {
  if (!settings.drop_capabilities.empty())
    plan->nspawn_arguments.push_back("--drop-capability=" + join(settings.drop_capabilities, ","));
}

// --- NoNewPrivileges=, ReadOnly=, Ephemeral= -------------------------------

bool parse_no_new_privileges(std::string_view value, ContainerSettings* settings,
                             std::string* err) {
  bool enabled;
  if (!parse_boolean_value(value, "NoNewPrivileges", &enabled, err)) return false;
  settings->no_new_privileges = enabled;
  return true;
}

void emit_no_new_privileges(const ContainerSettings& settings, const std::string&,
                            ContainerPlan* plan) {
  if (settings.no_new_privileges)
    plan->nspawn_arguments.push_back(std::string("--no-new-privileges=") +
                                     (*settings.no_new_privileges ? "yes" : "no"));
}

bool parse_read_only(std::string_view value, ContainerSettings* settings, std::string* err) {
  return parse_boolean_value(value, "ReadOnly", &settings->read_only, err);
}

void emit_read_only(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  if (settings.read_only) plan->nspawn_arguments.push_back("--read-only");
}

bool parse_ephemeral(std::string_view value, ContainerSettings* settings, std::string* err) {
  return parse_boolean_value(value, "Ephemeral", &settings->ephemeral, err);
}

void emit_ephemeral(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  plan->overlay.ephemeral = settings.ephemeral;
}

// --- SystemCallFilter= -------------------------------------------------------

bool parse_system_call_filter(std::string_view value, ContainerSettings* settings,
                              std::string* err) {
  if (value.empty()) {
    settings->system_call_filters.clear();
    return true;
  }
  std::string normalized;
  if (!validate_system_call_filter(value, &normalized, err)) {
    *err = "SystemCallFilter=: " + *err;
    return false;
  }
  settings->system_call_filters.push_back(std::move(normalized));
  return true;
}

void emit_system_call_filter(const ContainerSettings& settings, const std::string&,
                             ContainerPlan* plan) {
  for (const std::string& filter : settings.system_call_filters)
    plan->nspawn_arguments.push_back("--system-call-filter=" + filter);
}

// --- PrivateUsers= -----------------------------------------------------------

bool is_uid_number(std::string_view text) {
  return !text.empty() && text.size() <= 10 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

bool parse_private_users(std::string_view value, ContainerSettings* settings, std::string* err) {
  bool enabled;
  if (value.empty()) {
    settings->private_users.clear();
  } else if (parse_boolean(value, &enabled)) {
    settings->private_users = enabled ? "yes" : "no";
  } else if (value == "pick" || value == "identity") {
    settings->private_users = std::string(value);
  } else {
    size_t colon = value.find(':');
    std::string_view first = value.substr(0, colon);
    std::string_view range = colon == std::string_view::npos ? "" : value.substr(colon + 1);
    if (!is_uid_number(first) || (colon != std::string_view::npos && !is_uid_number(range))) {
      *err = "PrivateUsers=" + std::string(value) +
             " is not yes, no, pick, identity, UID or UID:RANGE";
      return false;
    }
    // As nspawn checks: the range is at least 1 and the last UID of the
    // shift, first + range - 1, is below the invalid UID 4294967295.
    constexpr uint64_t kInvalidUid = 0xFFFFFFFF;
    uint64_t first_uid = std::stoull(std::string(first));
    uint64_t uid_range = range.empty() ? 0x10000 : std::stoull(std::string(range));
    if (uid_range == 0 || first_uid + uid_range - 1 >= kInvalidUid) {
      *err = "PrivateUsers=" + std::string(value) +
             " is out of range: the UIDs from UID to UID+RANGE-1 must be below 4294967295 and "
             "RANGE at least 1";
      return false;
    }
    settings->private_users = std::string(value);
  }
  return true;
}

void emit_private_users(const ContainerSettings& settings, const std::string&,
                        ContainerPlan* plan) {
  if (settings.private_users.empty()) return;
  plan->nspawn_arguments.push_back("--private-users=" + settings.private_users);
  if (settings.private_users == "no") return;
  // nspawn cannot ID-map an overlay, and would chown the whole tree instead,
  // copying every file of the lower layer up. sdme-overlay makes the
  // overlay of an ID-mapped view of the lower layer, owned by the range it
  // records; "auto" then finds the tree owned as it should be and leaves
  // it (helpers/overlay/uid_shift.h).
  plan->nspawn_arguments.push_back("--private-users-ownership=auto");
  if (settings.private_users != "identity") plan->overlay.private_users = settings.private_users;
}

// --- OpaqueDir= --------------------------------------------------------------

bool parse_opaque_dir(std::string_view value, ContainerSettings* settings, std::string* err) {
  settings->opaque_dirs_assigned = true;
  if (value.empty()) {
    settings->opaque_dirs.clear();
    settings->opaque_dirs_seen.clear();
    return true;
  }
  std::vector<std::string> paths;
  if (!parse_words(value, &paths, err)) {
    *err = "OpaqueDir=: " + *err;
    return false;
  }
  for (const std::string& path : paths) {
    if (!validate_absolute_path(path, "OpaqueDir=", err)) return false;
    std::string normalized = normalize_path(path);
    if (normalized == "/") {
      *err = "OpaqueDir=/ would hide the whole root file system; use Rootfs= instead";
      return false;
    }
    // A set, not a search of the list: a file may list 100,000 paths.
    if (!settings->opaque_dirs_seen.insert(normalized).second) {
      *err = "OpaqueDir=" + normalized + " is listed twice";
      return false;
    }
    settings->opaque_dirs.push_back(std::move(normalized));
  }
  return true;
}

// A clone of the host must not start the host's enabled services nor
// inherit its logs, as in the reference design; nor configure its link
// with the host's systemd-networkd files, which describe the host's
// interfaces (a .netdev would make the host's bridge again inside, a
// catch-all .network would win over 80-container-host0.network).
constexpr std::array<std::string_view, 3> kHostCloneDefaultOpaqueDirs = {
    "/etc/systemd/system", "/etc/systemd/network", "/var/log"};

void emit_opaque_dir(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  if (!settings.opaque_dirs_assigned && is_host_clone(settings)) {
    plan->overlay.opaque_directories.assign(kHostCloneDefaultOpaqueDirs.begin(),
                                            kHostCloneDefaultOpaqueDirs.end());
    return;
  }
  plan->overlay.opaque_directories = settings.opaque_dirs;
}

// --- Security= ---------------------------------------------------------------

bool parse_security(std::string_view value, ContainerSettings* settings, std::string* err) {
  if (value.empty()) {
    settings->security = SecurityTier::kNone;
    return true;
  }
  if (!parse_security_tier(value, &settings->security)) {
    *err = "Security=" + std::string(value) + " is not hardened or strict";
    return false;
  }
  return true;
}

// The tier's nspawn options reach the unit through the rows it fills in
// (apply_security_tier()); what is left is the AppArmor profile, which
// systemd applies (AppArmorProfile=) when it starts nspawn, so the
// container's init inherits it.
void emit_security(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  if (settings.service_sets_apparmor_profile) {
    std::string_view profile = settings.service_apparmor_profile;
    // "-" only tells systemd to ignore a profile it cannot apply.
    if (profile.starts_with('-')) profile.remove_prefix(1);
    plan->provision.apparmor_profile = std::string(profile);
    return;
  }
  plan->apparmor_profile = std::string(tier_apparmor_profile(settings.security));
  plan->provision.apparmor_profile = plan->apparmor_profile;
}

// --- RootPassword=, RootPasswordHash=, RootPasswordFile= ---------------------

constexpr std::string_view kPlaintextPasswordRefusal =
    " would put a plaintext password into the generated unit, which every user can read; use "
    "RootPasswordFile= or a credential";

// Known, so it is refused with a reason rather than as a typo; the value
// is never repeated.
bool parse_root_password(std::string_view, ContainerSettings*, std::string* err) {
  *err = "RootPassword=" + std::string(kPlaintextPasswordRefusal);
  return false;
}

bool parse_root_password_hash(std::string_view value, ContainerSettings* settings,
                              std::string* err) {
  if (value.empty()) {
    settings->root_password_hash.clear();
    return true;
  }
  std::string why;
  if (!validate_password_hash(value, &why)) {
    // The value may be a plaintext password typed into the wrong key.
    *err = "RootPasswordHash= " + why +
           "; make one with `mkpasswd -m yescrypt`, or put a plaintext password in a root-only "
           "file named by RootPasswordFile=";
    return false;
  }
  settings->root_password_hash = std::string(value);
  return true;
}

void emit_root_password_hash(const ContainerSettings& settings, const std::string&,
                             ContainerPlan* plan) {
  plan->root_password_hash = settings.root_password_hash;
}

bool parse_root_password_file(std::string_view value, ContainerSettings* settings,
                              std::string* err) {
  if (value.empty()) {
    settings->root_password_file.clear();
    return true;
  }
  if (!validate_absolute_path(value, "RootPasswordFile=", err)) return false;
  settings->root_password_file = normalize_path(value);
  return true;
}

void emit_root_password_file(const ContainerSettings& settings, const std::string&,
                             ContainerPlan* plan) {
  plan->provision.root_password_file = settings.root_password_file;
}

// --- SSHAuthorizedKeys=, SSH=, SSHPort=, SSHPasswordLogin= -------------------

// One value per assignment: a key line has blanks of its own.
bool parse_ssh_authorized_keys(std::string_view value, ContainerSettings* settings,
                               std::string* err) {
  if (value.empty()) {
    settings->ssh_authorized_keys.clear();
    return true;
  }
  if (value[0] == '/') {
    if (!validate_absolute_path(value, "SSHAuthorizedKeys=", err)) return false;
    settings->ssh_authorized_keys.push_back(normalize_path(value));
    return true;
  }
  std::string why;
  if (!validate_ssh_public_key_line(value, &why)) {
    *err = "SSHAuthorizedKeys= " + why +
           "; give one \"[options ]TYPE BASE64 [comment]\" line per assignment, or the absolute "
           "path of a file of keys";
    return false;
  }
  settings->ssh_authorized_keys.push_back(std::string(value));
  return true;
}

void emit_ssh_authorized_keys(const ContainerSettings& settings, const std::string&,
                              ContainerPlan* plan) {
  plan->provision.authorized_keys = settings.ssh_authorized_keys;
}

bool parse_ssh(std::string_view value, ContainerSettings* settings, std::string* err) {
  bool enabled;
  if (!parse_boolean_value(value, "SSH", &enabled, err)) return false;
  settings->ssh = enabled;
  return true;
}

void emit_ssh(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  plan->provision.ssh = settings.ssh.value_or(false);
}

bool parse_ssh_port(std::string_view value, ContainerSettings* settings, std::string* err) {
  if (value.empty()) {
    settings->ssh_port.reset();
    return true;
  }
  uint64_t port = 0;
  bool digits = value.size() <= 5 && is_decimal(value);
  if (digits) port = std::stoull(std::string(value));
  if (!digits || port == 0 || port > 65535) {
    *err = "SSHPort=" + std::string(value) + " is not a port number, use 1 to 65535";
    return false;
  }
  settings->ssh_port = static_cast<uint16_t>(port);
  return true;
}

void emit_ssh_port(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  plan->provision.ssh_port = settings.ssh_port.value_or(plan->provision.ssh_port);
}

bool parse_ssh_password_login(std::string_view value, ContainerSettings* settings,
                              std::string* err) {
  bool enabled;
  if (!parse_boolean_value(value, "SSHPasswordLogin", &enabled, err)) return false;
  settings->ssh_password_login = enabled;
  return true;
}

void emit_ssh_password_login(const ContainerSettings& settings, const std::string&,
                             ContainerPlan* plan) {
  plan->provision.ssh_password_login = settings.ssh_password_login.value_or(false);
}

// --- NspawnArgs= -------------------------------------------------------------

bool parse_nspawn_args(std::string_view value, ContainerSettings* settings, std::string* err) {
  if (value.empty()) {
    settings->nspawn_args.clear();
    return true;
  }
  // The value is written as it is, escapes and all, so only the check of
  // the value as written applies to its specifiers.
  std::vector<std::string> words;
  if (!split_words(value, &words, err)) {
    *err = "NspawnArgs=: " + *err;
    return false;
  }
  // The text is appended to ExecStart= as written, where a lone ';' word
  // would end the command.
  if (std::find(words.begin(), words.end(), ";") != words.end()) {
    *err = "NspawnArgs=: a lone ';' would start a second command in ExecStart=, remove it";
    return false;
  }
  settings->nspawn_args.push_back(std::string(value));
  return true;
}

void emit_nspawn_args(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  plan->nspawn_raw_arguments = settings.nspawn_args;
}

// The table. Row order is output order.
constexpr std::array kContainerKeys = {
    ContainerKey{"Rootfs", KeyKind::kSingle, parse_rootfs, emit_rootfs},
    ContainerKey{"Import", KeyKind::kSingle, parse_import, emit_import},
    ContainerKey{"ImportChecksum", KeyKind::kSingle, parse_import_checksum, nullptr},
    ContainerKey{"ImportInstallPackages", KeyKind::kSingle, parse_import_install_packages, nullptr},
    ContainerKey{"ImportMaxSize", KeyKind::kSingle, parse_import_max_size, nullptr},
    ContainerKey{"Ephemeral", KeyKind::kBoolean, parse_ephemeral, emit_ephemeral},
    ContainerKey{"OpaqueDir", KeyKind::kList, parse_opaque_dir, emit_opaque_dir},
    ContainerKey{"Boot", KeyKind::kBoolean, parse_boot, emit_boot},
    ContainerKey{"Exec", KeyKind::kSingle, parse_exec, emit_exec},
    ContainerKey{"Hostname", KeyKind::kSingle, parse_hostname, emit_hostname},
    ContainerKey{"Network", KeyKind::kSingle, parse_network, emit_network},
    ContainerKey{"Pod", KeyKind::kSingle, parse_pod, emit_pod},
    ContainerKey{"Port", KeyKind::kList, parse_port, emit_port},
    ContainerKey{"Bind", KeyKind::kList, parse_bind, emit_bind},
    ContainerKey{"BindReadOnly", KeyKind::kList, parse_bind_read_only, emit_bind_read_only},
    ContainerKey{"Environment", KeyKind::kList, parse_environment, emit_environment},
    ContainerKey{"Security", KeyKind::kSingle, parse_security, emit_security},
    ContainerKey{"PrivateUsers", KeyKind::kSingle, parse_private_users, emit_private_users},
    ContainerKey{"Capability", KeyKind::kList, parse_capability, emit_capability},
    ContainerKey{"DropCapability", KeyKind::kList, parse_drop_capability, emit_drop_capability},
    ContainerKey{"NoNewPrivileges", KeyKind::kBoolean, parse_no_new_privileges,
                 emit_no_new_privileges},
    ContainerKey{"ReadOnly", KeyKind::kBoolean, parse_read_only, emit_read_only},
    ContainerKey{"SystemCallFilter", KeyKind::kList, parse_system_call_filter,
                 emit_system_call_filter},
    ContainerKey{"RootPassword", KeyKind::kRefused, parse_root_password, nullptr},
    ContainerKey{"RootPasswordHash", KeyKind::kSingle, parse_root_password_hash,
                 emit_root_password_hash},
    ContainerKey{"RootPasswordFile", KeyKind::kSingle, parse_root_password_file,
                 emit_root_password_file},
    ContainerKey{"SSHAuthorizedKeys", KeyKind::kList, parse_ssh_authorized_keys,
                 emit_ssh_authorized_keys},
    ContainerKey{"SSH", KeyKind::kBoolean, parse_ssh, emit_ssh},
    ContainerKey{"SSHPort", KeyKind::kSingle, parse_ssh_port, emit_ssh_port},
    ContainerKey{"SSHPasswordLogin", KeyKind::kBoolean, parse_ssh_password_login,
                 emit_ssh_password_login},
    ContainerKey{"AppImage", KeyKind::kSingle, parse_app_image, emit_app_image},
    ContainerKey{"AppEntrypoint", KeyKind::kSingle, parse_app_entrypoint, nullptr},
    ContainerKey{"AppExec", KeyKind::kSingle, parse_app_exec, nullptr},
    ContainerKey{"AppEnvironment", KeyKind::kList, parse_app_environment, nullptr},
    ContainerKey{"AppUser", KeyKind::kSingle, parse_app_user, nullptr},
    ContainerKey{"AppWorkingDirectory", KeyKind::kSingle, parse_app_working_directory, nullptr},
    ContainerKey{"AppBind", KeyKind::kList, parse_app_bind, emit_app_bind},
    ContainerKey{"AppPod", KeyKind::kSingle, parse_app_pod, emit_app_pod},
    ContainerKey{"NspawnArgs", KeyKind::kList, parse_nspawn_args, emit_nspawn_args},
};

// The individual keys refine a tier; these would undo what it is for. Each
// is reported where the later of the two keys was assigned.
template <typename Later>
bool check_security_tier(const ContainerSettings& settings, Later later, std::string* err) {
  const std::string tier = "Security=" + std::string(security_tier_name(settings.security));
  if (settings.network_assigned && settings.network == NetworkMode::kHost) {
    *err = later("Security", "Network")->location() + ": Network=host cannot be combined with " +
           tier +
           ", which gives the container a network of its own; use Network=private, veth, "
           "zone:NAME or bridge:NAME, or leave Network= out";
    return false;
  }
  const std::string& users = settings.private_users;
  // "yes" takes the UID range from the owner of the container's root
  // directory, which sdme-overlay makes the range it picks: as good as pick.
  if (users == "no" || users == "identity") {
    *err = later("Security", "PrivateUsers")->location() + ": PrivateUsers=" + users +
           " cannot be combined with " + tier +
           ", which maps the container's root to an unprivileged UID; use pick or UID:RANGE, or "
           "leave PrivateUsers= out";
    return false;
  }
  if (settings.no_new_privileges.has_value() && !*settings.no_new_privileges) {
    *err = later("Security", "NoNewPrivileges")->location() +
           ": NoNewPrivileges=no cannot be combined with " + tier +
           ", which turns no-new-privileges on; remove one of them";
    return false;
  }
  if (std::find(settings.capabilities.begin(), settings.capabilities.end(), "all") !=
      settings.capabilities.end()) {
    *err = later("Security", "Capability")->location() +
           ": Capability=all cannot be combined with " + tier +
           ", which drops capabilities; name the ones to add back";
    return false;
  }
  return true;
}

// A pod member joins a network namespace made by sdme-pod, which belongs
// to the host's user namespace.
template <typename Later>
bool check_pod(const ContainerSettings& settings, Later later, std::string* err) {
  if (settings.network != NetworkMode::kHost) {
    *err = later("Pod", "Network")->location() + ": Network=" + network_mode_text(settings) +
           " cannot be combined with Pod=" + settings.pod +
           ": a pod member uses the pod's network namespace, not a network of its own; remove "
           "Network= or Pod=";
    return false;
  }
  const std::string why =
      ": the kernel refuses setns() into a network namespace owned by another user namespace, "
      "and the pod's belongs to the host's";
  if (!settings.private_users.empty() && settings.private_users != "no") {
    *err = later("Pod", "PrivateUsers")->location() + ": PrivateUsers=" + settings.private_users +
           " cannot be combined with Pod=" + settings.pod + why + "; remove PrivateUsers= or Pod=";
    return false;
  }
  if (settings.security != SecurityTier::kNone) {
    *err = later("Pod", "Security")->location() +
           ": Security=" + std::string(security_tier_name(settings.security)) +
           " cannot be combined with Pod=" + settings.pod +
           ", which runs the container in a user namespace" + why + "; remove Security= or Pod=";
    return false;
  }
  return true;
}

// nspawn forwards a port to the address of the container's end of a veth
// link, and --port= "is only supported if private networking is used, such
// as with --network-veth, --network-zone= --network-bridge="
// (systemd-nspawn(1)). Checked on what the file says, before a tier fills
// in its private network; each message names the last Port= line, or the
// later of it and the key in the way.
template <typename Later>
bool check_ports(const ContainerSettings& settings, Later later, std::string* err) {
  const UnitEntry* port = later("Port", "Port");
  const std::string forward = "Port=" + port->value;
  const std::string needs = " needs a network of the container's own with a virtual Ethernet link";
  const std::string use = "Network=veth, zone:NAME or bridge:NAME";
  if (!settings.pod.empty()) {
    *err = later("Pod", "Port")->location() + ": " + forward +
           " cannot be combined with Pod=" + settings.pod +
           ": the pod's network namespace has only a loopback interface, and ports cannot be "
           "forwarded into a pod; remove Port=, or leave the pod and add " +
           use;
    return false;
  }
  if (settings.network_assigned) {
    if (settings.network != NetworkMode::kHost && settings.network != NetworkMode::kPrivate)
      return true;
    const std::string why = settings.network == NetworkMode::kHost
                                ? "Network=host shares the host's"
                                : "Network=private has only a loopback interface";
    *err = later("Network", "Port")->location() + ": " + forward + needs + ", and " + why +
           "; use " + use;
    return false;
  }
  if (settings.security != SecurityTier::kNone) {
    *err = later("Security", "Port")->location() + ": " + forward + needs +
           ", and Security=" + std::string(security_tier_name(settings.security)) +
           " without Network= gives it a private one with only a loopback interface; add " + use;
    return false;
  }
  *err = port->location() + ": " + forward + needs +
         ", and without Network= the container shares the host's; add " + use;
  return false;
}

// The tier's settings, beneath the individual keys: they fill in what the
// keys left unset, Capability= takes capabilities back out of its drops and
// DropCapability= and SystemCallFilter= add to its own. The result is what
// the rows emit, so the unit's nspawn line shows the effective settings.
void apply_security_tier(ContainerSettings* settings) {
  if (settings->security == SecurityTier::kNone) return;
  if (!settings->network_assigned) settings->network = NetworkMode::kPrivate;
  if (settings->private_users.empty()) settings->private_users = "pick";
  settings->no_new_privileges = true;
  std::vector<std::string> dropped;
  for (std::string& name : tier_dropped_capabilities(settings->security, booting(*settings))) {
    if (std::find(settings->capabilities.begin(), settings->capabilities.end(), name) ==
        settings->capabilities.end())
      dropped.push_back(std::move(name));
  }
  for (std::string& name : settings->drop_capabilities)
    if (std::find(dropped.begin(), dropped.end(), name) == dropped.end())
      dropped.push_back(std::move(name));
  settings->drop_capabilities = std::move(dropped);
  if (std::string_view filter = tier_system_call_filter(settings->security); !filter.empty())
    settings->system_call_filters.insert(settings->system_call_filters.begin(),
                                         std::string(filter));
}

}  // namespace

std::string pod_network_namespace_path(std::string_view pod_name) {
  return std::string(kPodDirectory) + "/" + std::string(pod_name) + "/netns";
}

std::span<const ContainerKey> container_keys() { return kContainerKeys; }

const ContainerKey* find_container_key(std::string_view name) {
  for (const ContainerKey& key : kContainerKeys)
    if (key.name == name) return &key;
  return nullptr;
}

std::string unknown_container_key_message(std::string_view name) {
  ClosestMatch closest(name);
  for (const ContainerKey& key : kContainerKeys) closest.offer(key.name);
  std::string message = "unknown key '" + std::string(name) + "' in [Container]";
  if (!closest.best().empty()) return message + closest.did_you_mean();
  return message + ", see sdme.sdme(5) for the keys";
}

bool parse_container_section(const UnitSection& section, ContainerSettings* settings,
                             std::string* err) {
  std::map<std::string_view, const UnitEntry*> last_assignment;
  for (const UnitEntry& entry : section.entries) {
    const ContainerKey* key = find_container_key(entry.key);
    if (!key) {
      *err = entry.location() + ": " + unknown_container_key_message(entry.key);
      return false;
    }
    std::string message;
    if (!check_specifiers(entry.value, &message)) {
      *err = entry.location() + ": " + entry.key + "=: " + message;
      return false;
    }
    if (!key->parse(entry.value, settings, &message)) {
      // Values are decoded (C escapes), so the message may quote a newline.
      *err = entry.location() + ": " + printable(message);
      return false;
    }
    last_assignment[key->name] = &entry;
  }

  // Rules that involve two keys, reported where the later of the two was
  // assigned. Entries are in reading order (drop-ins after the main file),
  // so "later" is the position in the section, not the line number.
  auto later = [&](std::string_view a, std::string_view b) {
    const UnitEntry* first = last_assignment[a];
    const UnitEntry* second = last_assignment[b];
    return (second && (!first || second > first)) ? second : first;
  };
  if (!settings->exec.empty() && settings->boot.value_or(false)) {
    *err = later("Boot", "Exec")->location() +
           ": Boot=yes and Exec= cannot be combined: Exec= runs a command instead of booting, "
           "remove one of them";
    return false;
  }
  // With AppImage=, check_app_keys() says why Boot=no cannot be: adding
  // Exec=, as this message would suggest, is refused as well.
  if (settings->exec.empty() && settings->boot.has_value() && !*settings->boot &&
      settings->app.image.empty()) {
    *err =
        last_assignment["Boot"]->location() + ": Boot=no needs Exec= to say which command to run";
    return false;
  }
  if (!settings->import_source.empty()) {
    const std::string where = later("Import", "Rootfs")->location() + ": ";
    if (is_host_clone(*settings)) {
      *err = where +
             "Import= needs Rootfs=NAME to name the rootfs it imports into; the host clone "
             "cannot be imported";
      return false;
    }
    if (settings->rootfs[0] == '/') {
      *err = where +
             "Import= needs Rootfs=NAME to name the rootfs it imports into, not the "
             "directory " +
             settings->rootfs;
      return false;
    }
    if (settings->rootfs.find('%') != std::string::npos) {
      *err = where + "Import= cannot be used with Rootfs=" + settings->rootfs +
             ": a template cannot import one rootfs per instance; name one rootfs in Rootfs=";
      return false;
    }
  } else {
    const bool set[] = {!settings->import_checksum.empty(),
                        settings->import_install_packages.has_value(),
                        settings->import_max_size != 0};
    const std::string_view keys[] = {"ImportChecksum", "ImportInstallPackages", "ImportMaxSize"};
    for (size_t i = 0; i < std::size(keys); ++i) {
      if (!set[i]) continue;
      *err = last_assignment[keys[i]]->location() + ": " + std::string(keys[i]) +
             "= needs Import= to say where the rootfs comes from";
      return false;
    }
  }
  for (const std::string& capability : settings->drop_capabilities) {
    if (std::find(settings->capabilities.begin(), settings->capabilities.end(), capability) !=
        settings->capabilities.end()) {
      *err = later("Capability", "DropCapability")->location() + ": " + capability +
             " is both in Capability= and DropCapability=, keep it in one of them";
      return false;
    }
  }
  // See emit_boot(): the stub init stops the container with reboot(2). If
  // the call is refused, the stub exits with 255 for a program that SIGTERM
  // killed, so every `systemctl stop` would leave the unit failed.
  if (!booting(*settings)) {
    const std::string why =
        ": when the service stops, nspawn's init for Exec= powers the container off with "
        "reboot(2); without it every stop ends with exit status 255 and a failed unit";
    if (std::find(settings->drop_capabilities.begin(), settings->drop_capabilities.end(),
                  "CAP_SYS_BOOT") != settings->drop_capabilities.end()) {
      *err = later("DropCapability", "Exec")->location() +
             ": DropCapability=CAP_SYS_BOOT cannot be combined with Exec=" + why +
             "; keep CAP_SYS_BOOT, which in a container only lets it stop or restart itself";
      return false;
    }
    for (const std::string& filter : settings->system_call_filters) {
      if (!filter.starts_with('~')) continue;
      const std::vector<std::string> names = split(std::string_view(filter).substr(1), ' ');
      if (std::find(names.begin(), names.end(), "reboot") == names.end()) continue;
      *err = later("SystemCallFilter", "Exec")->location() +
             ": SystemCallFilter= cannot deny reboot together with Exec=" + why +
             "; remove reboot from the list";
      return false;
    }
  }
  if (!settings->ssh.value_or(false)) {
    const std::pair<std::string_view, bool> ssh_options[] = {
        {"SSHPort", settings->ssh_port.has_value()},
        {"SSHPasswordLogin", settings->ssh_password_login.has_value()}};
    for (const auto& [key, set] : ssh_options) {
      if (!set) continue;
      *err = later("SSH", key)->location() + ": " + std::string(key) +
             "= needs SSH=yes to say that sshd runs in the container";
      return false;
    }
  } else if (!booting(*settings)) {
    *err = later("SSH", "Exec")->location() +
           ": SSH=yes cannot be combined with Exec=: sshd runs as a service of systemd in the "
           "container, and Exec= runs a command instead of booting it; remove one of them";
    return false;
  }
  // Checked on what the file says, before a tier fills in its network and
  // user namespace.
  if (!settings->pod.empty() && !check_pod(*settings, later, err)) return false;
  if (settings->security != SecurityTier::kNone && !check_security_tier(*settings, later, err))
    return false;
  if (!settings->ports.empty() && !check_ports(*settings, later, err)) return false;
  if (!check_app_keys(*settings, later, err)) return false;
  apply_security_tier(settings);
  return true;
}

namespace {

const UnitEntry* last_entry(const UnitSection* section, std::string_view key) {
  return section ? section->lookup(key) : nullptr;
}

// A credential setting's id: the text before the first ':' (all of it for
// LoadCredential=ID, which reads the file of the same name).
std::string_view credential_id(std::string_view value) { return value.substr(0, value.find(':')); }

constexpr std::string_view kPlaintextPasswordCredentialPrefix = "passwd.plaintext-password.";

bool is_root_password_credential(std::string_view id) {
  return id == kHashedPasswordCredential || id == "passwd.plaintext-password.root";
}

// One place a root password comes from, for the message about two.
struct PasswordSource {
  std::string name;  // "RootPasswordFile=", "LoadCredential=passwd.hashed-password.root"
  const UnitEntry* entry;
};

}  // namespace

bool check_service_section(const UnitSection* service, const UnitSection* container,
                           ContainerSettings* settings, std::string* err) {
  std::vector<PasswordSource> sources;
  if (!settings->root_password_hash.empty())
    sources.push_back({"RootPasswordHash=", last_entry(container, "RootPasswordHash")});
  if (!settings->root_password_file.empty())
    sources.push_back({"RootPasswordFile=", last_entry(container, "RootPasswordFile")});

  if (service) {
    // Each credential setting is a list an empty assignment resets.
    constexpr std::string_view kCredentialKeys[] = {"LoadCredential", "LoadCredentialEncrypted",
                                                    "SetCredential", "SetCredentialEncrypted"};
    std::vector<PasswordSource> credentials[std::size(kCredentialKeys)];
    for (const UnitEntry& entry : service->entries) {
      if (entry.key == "AppArmorProfile") {
        settings->service_sets_apparmor_profile = true;
        settings->service_apparmor_profile = entry.value;
        continue;
      }
      const auto* key =
          std::find(std::begin(kCredentialKeys), std::end(kCredentialKeys), entry.key);
      if (key == std::end(kCredentialKeys)) continue;
      std::vector<PasswordSource>& list = credentials[key - std::begin(kCredentialKeys)];
      if (entry.value.empty()) {
        list.clear();
        continue;
      }
      const std::string_view id = credential_id(entry.value);
      if (entry.key == "SetCredential" && id.starts_with(kPlaintextPasswordCredentialPrefix)) {
        // Only the id is quoted: the rest is the password.
        *err = entry.location() + ": SetCredential=" + printable(id) +
               " would put a plaintext password into the generated unit, which every user can "
               "read; encrypt it with `systemd-creds encrypt` for SetCredentialEncrypted=, or "
               "use LoadCredential= with a root-only file";
        return false;
      }
      if (is_root_password_credential(id))
        list.push_back({entry.key + "=" + std::string(id), &entry});
    }
    for (const std::vector<PasswordSource>& list : credentials)
      sources.insert(sources.end(), list.begin(), list.end());
  }

  if (sources.size() > 1) {
    *err = sources[1].entry->location() + ": " + sources[0].name + " and " + sources[1].name +
           " both set the root password, keep one of them";
    return false;
  }
  if (settings->ssh_password_login.value_or(false) && sources.empty()) {
    *err = last_entry(container, "SSHPasswordLogin")->location() +
           ": SSHPasswordLogin=yes needs a root password: set RootPasswordHash=, "
           "RootPasswordFile= or a " +
           std::string(kHashedPasswordCredential) + " credential in [Service]";
    return false;
  }
  return true;
}

ContainerPlan plan_container(const ContainerSettings& settings, const std::string& state_dir) {
  ContainerPlan plan;
  for (const ContainerKey& key : kContainerKeys)
    if (key.emit) key.emit(settings, state_dir, &plan);
  return plan;
}

}  // namespace sdme::file
