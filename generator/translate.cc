// Turns one parsed .sdme file into the text of the service that runs it.
#include "generator/translate.h"

#include <algorithm>

#include "common/strings.h"
#include "common/url_redaction.h"
#include "generator/install.h"
#include "sdme_file/container_keys.h"
#include "sdme_file/words.h"

namespace sdme::generator {
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

bool check_sections(const file::UnitFile& unit, std::string* err) {
  for (const file::UnitSection& section : unit.sections()) {
    if (section.name == "X-Container") {
      *err = cescape(section.path) + ":" + std::to_string(section.line) +
             ": [X-Container] is reserved for the copy of [Container] in the generated unit, "
             "rename the section";
      return false;
    }
    if (section.name == kContainerSection || is_pass_through(section.name) ||
        section.name.starts_with("X-"))
      continue;
    *err = cescape(section.path) + ":" + std::to_string(section.line) + ": unknown section [" +
           section.name +
           "], use [Unit], [Service], [Install] or [Container] (or an X- prefix for your own)";
    return false;
  }
  if (const file::UnitEntry* exec_start = unit.lookup("Service", "ExecStart")) {
    *err = exec_start->location() +
           ": ExecStart= cannot be set in a .sdme file, the generated unit runs systemd-nspawn; "
           "use Exec= in [Container] to choose the command";
    return false;
  }
  return true;
}

// systemd 252 reads a unit with read_line(LONG_LINE_MAX), LONG_LINE_MAX being
// 1 MiB (src/basic/fileio.h): a line of that many bytes or more, newline
// not counted, fails the whole unit.
constexpr size_t kMaxUnitLineLength = (size_t{1} << 20) - 1;

// Whether systemd would read a line ending in `text` as continued on the
// next one: it ends in an odd run of backslashes.
bool ends_in_line_continuation(std::string_view text) {
  size_t backslashes = 0;
  while (backslashes < text.size() && text[text.size() - 1 - backslashes] == '\\') ++backslashes;
  return backslashes % 2 == 1;
}

// A value is stripped of blanks when it is read, so "A=1\ " reaches us as
// "A=1\". Written back, systemd would join the next line to it, and that
// line's setting would be lost; there is no way to write such a value, so
// it is refused. Every section passes through into the unit.
bool check_line_ends(const file::UnitFile& unit, std::string* err) {
  for (const file::UnitSection& section : unit.sections()) {
    for (const file::UnitEntry& entry : section.entries) {
      if (!ends_in_line_continuation(entry.value)) continue;
      *err = entry.location() + ": " + printable(entry.key) +
             "= ends in a backslash, which would join the next line of the generated unit to "
             "it; remove the backslash";
      return false;
    }
  }
  return true;
}

// The one place lines of a unit are written, so every line is checked the
// same way: none may end in a line continuation, and none may be longer
// than systemd reads. A value that breaks either rule is refused, naming
// `origin`, the .sdme entry it came from (or that adds most to it).
class UnitWriter {
 public:
  explicit UnitWriter(std::string* text) : text_(*text) {}

  void comment(std::string_view text) {
    text_ += "# ";
    text_ += printable(text);
    text_ += '\n';
  }
  void section(std::string_view name) {
    text_ += "\n[";
    text_ += name;
    text_ += "]\n";
  }
  void line(std::string_view key, std::string_view value, const file::UnitEntry* origin = nullptr);
  // Constant KEY=VALUE lines of our own, which need none of line()'s checks.
  void verbatim(std::string_view lines) { text_ += lines; }
  void entries(const file::UnitSection* section) {
    if (!section) return;
    for (const file::UnitEntry& entry : section->entries) line(entry.key, entry.value, &entry);
  }
  // The first line refused, if any.
  bool finish(std::string* err) const {
    if (error_.empty()) return true;
    *err = error_;
    return false;
  }

 private:
  std::string& text_;
  std::string error_;
};

void UnitWriter::line(std::string_view key, std::string_view value, const file::UnitEntry* origin) {
  if (!error_.empty()) return;
  // Built only for an error: it costs more than the line itself.
  auto where = [origin] {
    return origin ? origin->location() + ": " + origin->key + "=: " : std::string();
  };
  const size_t length = key.size() + 1 + value.size();
  if (length > kMaxUnitLineLength) {
    error_ = where() + "the generated " + std::string(key) + "= line would be " +
             std::to_string(length) + " bytes (values are quoted, '$' doubled), and systemd " +
             "reads at most " + std::to_string(kMaxUnitLineLength) + "; shorten the value";
    return;
  }
  if (ends_in_line_continuation(value)) {
    error_ = where() + "the generated " + std::string(key) +
             "= line would end in a backslash and join the next line; remove the backslash";
    return;
  }
  text_ += key;
  text_ += '=';
  text_ += value;
  text_ += '\n';
}

// The [Container] entry that adds most to the lines built from the whole
// section (ExecStart=, ExecStartPre=): the one to name when they are too long.
const file::UnitEntry* longest_entry(const file::UnitSection* container) {
  if (!container) return nullptr;
  const file::UnitEntry* longest = nullptr;
  for (const file::UnitEntry& entry : container->entries)
    if (!longest || entry.value.size() > longest->value.size()) longest = &entry;
  return longest;
}

// An entry's value as [X-Container] shows it. Anyone may read the unit, so
// a URL's credentials are left out, and so is a password hash: it is in
// SetCredential= already, and need not be in two places.
std::string x_container_value(const file::UnitEntry& entry) {
  if (entry.key == "Import" || entry.key == "AppImage") return redact_url(entry.value);
  if (entry.key == "RootPasswordHash" && !entry.value.empty())
    return "(in SetCredential= of [Service])";
  return entry.value;
}

// PROGRAM ARGUMENTS..., quoted for an Exec line.
std::string helper_command(const std::string& program, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), program);
  return file::quote_exec_command(arguments);
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

bool translate_unit(const TranslationInput& input, const file::UnitFile& unit,
                    std::string* unit_text, std::string* err) {
  file::RootfsUse rootfs_use;
  return translate_unit(input, unit, unit_text, &rootfs_use, err);
}

bool translate_unit(const TranslationInput& input, const file::UnitFile& unit,
                    std::string* unit_text, file::RootfsUse* rootfs_use, std::string* err) {
  if (!check_sections(unit, err) || !check_line_ends(unit, err)) return false;

  file::ContainerSettings settings;
  const file::UnitSection* container = unit.find_section(kContainerSection);
  if (container && !file::parse_container_section(*container, &settings, err)) return false;
  if (!file::check_service_section(unit.find_section("Service"), container, &settings, err))
    return false;
  *rootfs_use = file::describe_rootfs_use(settings, container);

  const std::string state_dir = escape_specifiers(input.state_dir);
  const std::string helper_dir = escape_specifiers(input.helper_dir);
  const std::string container_dir = state_dir + "/containers/" + input.container_name;
  file::ContainerPlan plan = file::plan_container(settings, state_dir);

  // Written aside, so a unit refused half-way leaves *unit_text alone.
  std::string text;
  text.reserve(4096);
  UnitWriter out(&text);
  const file::UnitEntry* container_origin = longest_entry(container);
  // Paths come from directory listings; cescape() keeps a file name with a
  // newline from ending the comment and adding lines of its own.
  out.comment("Automatically generated by sdme-generator from " + cescape(input.source_path));
  for (const std::string& dropin : input.dropin_paths) out.comment("and " + cescape(dropin));
  out.comment("Edit those files, not this one; see sdme.sdme(5).");

  out.section("Unit");
  if (!unit.lookup("Unit", "Description"))
    out.line("Description", "Container " + input.container_name);
  out.line("Documentation", "man:sdme.sdme(5) man:systemd-nspawn(1)");
  out.line("SourcePath", escape_specifiers(cescape(input.source_path)));
  out.line("Wants", kModprobeUnits);
  out.line("PartOf", "machines.target");
  out.line("Before", "machines.target");
  out.line("After", std::string("network.target ") + kModprobeUnits);
  // The import runs first when the rootfs is missing; its unit's condition
  // skips it otherwise, which does not stop this unit.
  for (const std::string& import_unit : plan.import_units) {
    out.line("Requires", import_unit);
    out.line("After", import_unit);
  }
  // The pod's unit holds the network namespace the container joins; it
  // stops by itself (StopWhenUnneeded=yes) after its last member.
  for (const std::string& pod_unit : plan.pod_units) {
    out.line("Requires", pod_unit);
    out.line("After", pod_unit);
  }
  out.line("RequiresMountsFor", quote_unit_path(container_dir));
  for (const std::string& path : plan.requires_mounts_for)
    out.line("RequiresMountsFor", quote_unit_path(path), container_origin);
  out.entries(unit.find_section("Unit"));

  out.section("Service");
  out.verbatim(kServiceDefaults);
  // The helpers find the state directory the same way the generator did.
  if (input.state_dir != kDefaultStateDir)
    out.line("Environment", quote_unit_path("SDME_STATE_DIR=" + state_dir));
  OverlayMountRequest overlay = plan.overlay;
  overlay.container_name = input.container_name;
  // systemd in the container takes its name from /etc/hostname, which in a
  // clone of the host names the host; the helper writes the container's own.
  overlay.hostname = plan.hostname.empty() ? input.container_name : plan.hostname;
  // The helpers run with full privileges ('+'): sandboxing the
  // administrator adds to [Service] (ProtectSystem=, AppArmorProfile=, ...)
  // and the tier's AppArmor profile are meant for nspawn and the container,
  // and would stop the helpers from mounting the overlay and editing the
  // container's files. systemd applies a MAC profile only where it applies
  // sandboxing, so '+' exempts the helpers from both.
  out.line(
      "ExecStartPre",
      helper_command("+" + helper_dir + "/sdme-overlay", format_overlay_mount_arguments(overlay)),
      container_origin);
  out.line("ExecStartPre",
           helper_command("+" + helper_dir + "/sdme-dns",
                          format_dns_arguments(input.container_name, plan.dns_network)));
  // In every unit, as it gives every container a machine-id of its own.
  ProvisionRequest provision = plan.provision;
  provision.container_name = input.container_name;
  out.line(
      "ExecStartPre",
      helper_command("+" + helper_dir + "/sdme-provision", format_provision_arguments(provision)),
      container_origin);
  // In every unit too: without AppImage= it takes back the app an earlier
  // start wrote, so removing the key leaves a plain container.
  AppRequest app = plan.app;
  app.container_name = input.container_name;
  out.line("ExecStartPre",
           helper_command("+" + helper_dir + "/sdme-app", format_app_arguments(app)),
           container_origin);
  std::vector<std::string> nspawn = {escape_specifiers(input.nspawn_path),
                                     "--quiet",
                                     "--keep-unit",
                                     "--settings=no",
                                     "--link-journal=try-guest",
                                     "--resolv-conf=auto",
                                     "--machine=" + input.container_name,
                                     "--directory=" + container_dir + "/merged"};
  nspawn.insert(nspawn.end(), plan.nspawn_arguments.begin(), plan.nspawn_arguments.end());
  std::string exec_start = file::quote_exec_command(nspawn);
  for (const std::string& raw : plan.nspawn_raw_arguments) exec_start += " " + raw;
  if (!plan.command.empty()) exec_start += " -- " + file::quote_exec_command(plan.command);
  out.line("ExecStart", exec_start, container_origin);
  out.line("ExecStopPost", helper_command("+" + helper_dir + "/sdme-overlay",
                                          format_overlay_unmount_arguments(input.container_name)));
  if (!plan.root_password_hash.empty())
    out.line("SetCredential",
             std::string(file::kHashedPasswordCredential) + ":" + plan.root_password_hash);
  if (!plan.apparmor_profile.empty()) out.line("AppArmorProfile", plan.apparmor_profile);
  out.entries(unit.find_section("Service"));

  if (const file::UnitSection* install = unit.find_section("Install")) {
    out.section("Install");
    if (!assigns_install_target(unit)) out.line("WantedBy", kDefaultInstallTarget);
    out.entries(install);
  }

  if (container) {
    // Kept for `systemctl cat`: what the file said, before translation.
    // Anyone may read the unit, so a URL's credentials are left out.
    out.section("X-Container");
    for (const file::UnitEntry& entry : container->entries)
      out.line(entry.key, x_container_value(entry), &entry);
  }
  for (const file::UnitSection& section : unit.sections()) {
    if (!section.name.starts_with("X-")) continue;
    out.section(section.name);
    out.entries(&section);
  }
  if (!out.finish(err)) return false;
  *unit_text = std::move(text);
  return true;
}

}  // namespace sdme::generator
