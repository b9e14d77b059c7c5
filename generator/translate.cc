// Turns one parsed .sdme file into the text of the service that runs it.
#include "generator/translate.h"

#include <algorithm>

#include "common/strings.h"
#include "generator/container_keys.h"
#include "generator/install.h"
#include "generator/words.h"

namespace sdme {
namespace {

constexpr const char* kContainerSection = "Container";

// The sections that pass through into the generated unit, in output order.
constexpr const char* kPassThroughSections[] = {"Unit", "Service", "Install"};

// The modules nspawn itself may need, as systemd-nspawn@.service lists them.
constexpr const char* kModprobeUnits =
    "modprobe@tun.service modprobe@loop.service modprobe@dm_mod.service";

// The device access of systemd-nspawn@.service: nspawn needs these for
// network tunnels, loop devices and device-mapper images.
constexpr const char* kServiceDefaults =
    "Type=notify\n"
    "Slice=machine.slice\n"
    "Delegate=yes\n"
    "KillMode=mixed\n"
    "TasksMax=16384\n"
    "WatchdogSec=3min\n"
    "RestartForceExitStatus=133\n"
    "SuccessExitStatus=133\n"
    "UMask=0022\n"
    "DevicePolicy=closed\n"
    "DeviceAllow=/dev/net/tun rwm\n"
    "DeviceAllow=char-pts rw\n"
    "DeviceAllow=/dev/loop-control rw\n"
    "DeviceAllow=block-loop rw\n"
    "DeviceAllow=block-blkext rw\n"
    "DeviceAllow=/dev/mapper/control rw\n"
    "DeviceAllow=block-device-mapper rw\n";

bool is_pass_through(std::string_view section) {
  return std::find(std::begin(kPassThroughSections), std::end(kPassThroughSections), section) !=
         std::end(kPassThroughSections);
}

bool check_sections(const UnitFile& unit, std::string* err) {
  for (const UnitSection& section : unit.sections()) {
    if (section.name == "X-Container") {
      *err = section.path + ":" + std::to_string(section.line) +
             ": [X-Container] is reserved for the copy of [Container] in the generated unit, "
             "rename the section";
      return false;
    }
    if (section.name == kContainerSection || is_pass_through(section.name) ||
        section.name.starts_with("X-"))
      continue;
    *err = section.path + ":" + std::to_string(section.line) + ": unknown section [" +
           section.name +
           "], use [Unit], [Service], [Install] or [Container] (or an X- prefix for your own)";
    return false;
  }
  if (const UnitEntry* exec_start = unit.lookup("Service", "ExecStart")) {
    *err = exec_start->location() +
           ": ExecStart= cannot be set in a .sdme file, the generated unit runs systemd-nspawn; "
           "use Exec= in [Container] to choose the command";
    return false;
  }
  return true;
}

void append_entries(const UnitSection* section, std::string* text) {
  if (!section) return;
  for (const UnitEntry& entry : section->entries) *text += entry.key + "=" + entry.value + "\n";
}

// "https://user:secret@host/path" becomes "https://***@host/path".
std::string without_url_credentials(const std::string& value) {
  size_t scheme_end = value.find("://");
  if (scheme_end == std::string::npos) return value;
  size_t authority = scheme_end + 3;
  size_t authority_end = value.find_first_of("/?#", authority);
  if (authority_end == std::string::npos) authority_end = value.size();
  size_t at = value.rfind('@', authority_end - 1);
  if (at == std::string::npos || at < authority || authority_end == authority) return value;
  return value.substr(0, authority) + "***" + value.substr(at);
}

void append_line(std::string_view key, std::string_view value, std::string* text) {
  *text += key;
  *text += '=';
  *text += value;
  *text += '\n';
}

}  // namespace

std::string escape_specifiers(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    if (c == '%') escaped += '%';
    escaped += c;
  }
  return escaped;
}

// RequiresMountsFor= and Environment= split on whitespace and unquote, but
// do not expand $VARIABLES, so they need their own, lighter quoting than
// command lines; escaping only '"' and '\\' reads back the same whether or
// not the setting also decodes C escapes.
std::string quote_unit_path(std::string_view path) {
  if (path.find_first_of(" \t\n\"'\\") == std::string_view::npos) return std::string(path);
  std::string quoted = "\"";
  for (char c : path) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

bool translate_unit(const TranslationInput& input, const UnitFile& unit, std::string* unit_text,
                    std::string* err) {
  RootfsUse rootfs_use;
  return translate_unit(input, unit, unit_text, &rootfs_use, err);
}

bool translate_unit(const TranslationInput& input, const UnitFile& unit, std::string* unit_text,
                    RootfsUse* rootfs_use, std::string* err) {
  if (!check_sections(unit, err)) return false;

  ContainerSettings settings;
  const UnitSection* container = unit.find_section(kContainerSection);
  if (container && !parse_container_section(*container, &settings, err)) return false;
  *rootfs_use = describe_rootfs_use(settings, container);

  const std::string state_dir = escape_specifiers(input.state_dir);
  const std::string helper_dir = escape_specifiers(input.helper_dir);
  const std::string container_dir = state_dir + "/containers/" + input.container_name;
  ContainerPlan plan = plan_container(settings, state_dir);

  std::string& text = *unit_text;
  text.clear();
  text.reserve(4096);
  // Paths come from directory listings; printable() keeps a file name with a
  // newline from ending the comment and adding lines of its own.
  text += "# Automatically generated by sdme-generator from " + printable(input.source_path) + "\n";
  for (const std::string& dropin : input.dropin_paths) text += "# and " + printable(dropin) + "\n";
  text += "# Edit those files, not this one; see sdme.sdme(5).\n";

  text += "\n[Unit]\n";
  if (!unit.lookup("Unit", "Description"))
    append_line("Description", "Container " + input.container_name, &text);
  append_line("Documentation", "man:sdme.sdme(5) man:systemd-nspawn(1)", &text);
  append_line("SourcePath", escape_specifiers(printable(input.source_path)), &text);
  append_line("Wants", kModprobeUnits, &text);
  append_line("PartOf", "machines.target", &text);
  append_line("Before", "machines.target", &text);
  append_line("After", std::string("network.target ") + kModprobeUnits, &text);
  // The import runs first when the rootfs is missing; its unit's condition
  // skips it otherwise, which does not stop this unit.
  if (!plan.import_unit.empty()) {
    append_line("Requires", plan.import_unit, &text);
    append_line("After", plan.import_unit, &text);
  }
  append_line("RequiresMountsFor", quote_unit_path(container_dir), &text);
  for (const std::string& path : plan.requires_mounts_for)
    append_line("RequiresMountsFor", quote_unit_path(path), &text);
  append_entries(unit.find_section("Unit"), &text);

  text += "\n[Service]\n";
  text += kServiceDefaults;
  // The helpers find the state directory the same way the generator did.
  if (input.state_dir != kDefaultStateDir)
    append_line("Environment", quote_unit_path("SDME_STATE_DIR=" + state_dir), &text);
  std::vector<std::string> overlay = {helper_dir + "/sdme-overlay", "mount", input.container_name};
  overlay.insert(overlay.end(), plan.overlay_arguments.begin(), plan.overlay_arguments.end());
  // systemd in the container takes its name from /etc/hostname, which in a
  // clone of the host names the host; the helper writes the container's own.
  overlay.push_back("--hostname=" + (plan.hostname.empty() ? input.container_name : plan.hostname));
  append_line("ExecStartPre", quote_exec_command(overlay), &text);
  append_line("ExecStartPre",
              quote_exec_command({helper_dir + "/sdme-dns", input.container_name,
                                  "--network=" + plan.dns_network}),
              &text);
  std::vector<std::string> nspawn = {escape_specifiers(input.nspawn_path),
                                     "--quiet",
                                     "--keep-unit",
                                     "--settings=no",
                                     "--link-journal=try-guest",
                                     "--resolv-conf=auto",
                                     "--machine=" + input.container_name,
                                     "--directory=" + container_dir + "/merged"};
  nspawn.insert(nspawn.end(), plan.nspawn_arguments.begin(), plan.nspawn_arguments.end());
  std::string exec_start = quote_exec_command(nspawn);
  for (const std::string& raw : plan.nspawn_raw_arguments) exec_start += " " + raw;
  if (!plan.command.empty()) exec_start += " -- " + quote_exec_command(plan.command);
  append_line("ExecStart", exec_start, &text);
  append_line("ExecStopPost",
              quote_exec_command({helper_dir + "/sdme-overlay", "umount", input.container_name}),
              &text);
  append_entries(unit.find_section("Service"), &text);

  if (const UnitSection* install = unit.find_section("Install")) {
    text += "\n[Install]\n";
    if (!assigns_install_target(unit)) append_line("WantedBy", kDefaultInstallTarget, &text);
    append_entries(install, &text);
  }

  if (container) {
    // Kept for `systemctl cat`: what the file said, before translation.
    // Anyone may read the unit, so a URL's credentials are left out.
    text += "\n[X-Container]\n";
    for (const UnitEntry& entry : container->entries) {
      append_line(entry.key,
                  entry.key == "Import" ? without_url_credentials(entry.value) : entry.value,
                  &text);
    }
  }
  for (const UnitSection& section : unit.sections()) {
    if (!section.name.starts_with("X-")) continue;
    text += "\n[" + section.name + "]\n";
    append_entries(&section, &text);
  }
  return true;
}

}  // namespace sdme
