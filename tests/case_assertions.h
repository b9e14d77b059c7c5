// The golden case directives ("## assert-key-is Service Type notify", ...):
// one table of names, argument counts and check functions, and what they
// check against: the output of one generator run.
//
// Expected values may name build locations as @HELPER_DIR@ (where the
// generated units find sdme-overlay and sdme-dns) and @SYSTEMD_UNIT_DIR@
// (where systemd's own units are installed).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tests/case_file.h"

namespace sdme {

// What the generator left behind for one case. The temporary root is
// removed from every message and unit text, so cases can name
// "/etc/sdme/web.sdme" and "/var/lib/sdme" as if the root were "/".
struct GeneratorRun {
  std::vector<std::string> messages;         // stderr lines ("sdme-generator: ...")
  std::map<std::string, std::string> units;  // file name in the output directory -> text
  std::map<std::string, std::string> links;  // path under the output directory -> target
  // "sdme-import@debian.service.d/50-sdme-import.conf" -> text
  std::map<std::string, std::string> dropins;
  // rootfs name -> what sdme-import@NAME.service would import, read back
  // from the files its drop-in names, as "Key=value" lines (Rootfs=,
  // Source=, Checksum=, InstallPackages=, Boot=, MaxSize=, Origin=), or
  // "Error=message" when that fails
  std::map<std::string, std::string> import_requests;
  int dry_run_exit_code = -1;
  std::string helper_dir;
  std::string systemd_unit_dir;
};

// The prefix the generator puts before each message.
inline constexpr std::string_view kGeneratorMessagePrefix = "sdme-generator: ";

// Whether the directive is known and has a fitting number of arguments;
// checked for every directive before the generator runs, so a typo cannot
// pass silently.
bool check_directive_syntax(const CaseDirective& directive, std::string* err);

// Whether the directive asserts something ("unit" only selects a unit).
bool is_assertion(const CaseDirective& directive);

// Checks one directive. On failure *failure says what was expected and what
// was found, over one or more lines.
bool check_directive(const CaseDirective& directive, const GeneratorRun& run, std::string* failure);

// The generator's messages that no assert-stderr-line of the case expects:
// an error the case did not ask for fails it.
std::vector<std::string> unexpected_messages(const std::vector<CaseDirective>& directives,
                                             const GeneratorRun& run);

// Splits an ExecStart=/ExecStartPre= value the way systemd does, undoes
// the '$$' escaping and drops the program's prefixes ("+", "-", ...),
// giving the program and the arguments it receives (specifiers such as %i
// are left as written).
bool split_command_line(const std::string& value, std::vector<std::string>* arguments,
                        std::string* err);

// `text` in double quotes with control characters escaped, for messages.
std::string quoted(std::string_view text);

}  // namespace sdme
