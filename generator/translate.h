// Turns one parsed .sdme file (main file plus drop-ins) into the text of the
// systemd service that runs it, modelled on systemd's own
// systemd-nspawn@.service.
#pragma once

#include <string>
#include <vector>

#include "sdme_file/rootfs_imports.h"
#include "sdme_file/unit_file.h"

namespace sdme::generator {

struct TranslationInput {
  std::string unit_name;       // "web.service", "web@.service", "web@db.service"
  std::string container_name;  // "web", "web-%i", "web-db": machine and directory name
  std::string source_path;     // the .sdme file, for SourcePath=
  std::vector<std::string> dropin_paths;
  std::string state_dir;    // /var/lib/sdme
  std::string helper_dir;   // where sdme-overlay and sdme-dns are installed
  std::string nspawn_path;  // /usr/bin/systemd-nspawn
};

// Where containers and root file systems live unless SDME_STATE_DIR or
// SDME_ROOT say otherwise; a unit for another directory passes it on to the
// helpers.
inline constexpr const char* kDefaultStateDir = "/var/lib/sdme";

// The install target used when [Install] names none.
inline constexpr const char* kDefaultInstallTarget = "machines.target";

// Fills *unit_text with the complete unit. On a bad key or value returns
// false with *err = "PATH:LINE: what is wrong".
bool translate_unit(const TranslationInput& input, const file::UnitFile& unit, std::string* unit_text,
                    std::string* err);
// The same, also saying how the unit uses its rootfs.
bool translate_unit(const TranslationInput& input, const file::UnitFile& unit, std::string* unit_text,
                    file::RootfsUse* rootfs_use, std::string* err);

// Escapes '%' as "%%" in text that must reach systemd literally (paths we
// derive ourselves, as opposed to user values, whose specifiers are kept).
std::string escape_specifiers(std::string_view text);

// Quotes a path (or NAME=VALUE) for RequiresMountsFor= and Environment=,
// which split on whitespace and unquote but do not expand $VARIABLES.
std::string quote_unit_path(std::string_view path);

}  // namespace sdme::generator
