// One run of the generator: every source translated in memory, then written
// (or printed for --dry-run). A file that fails costs only its own unit.
#pragma once

#include <string>
#include <vector>

#include "generator/install.h"
#include "generator/preset.h"
#include "generator/search_path.h"

namespace sdme {

struct GeneratorConfig {
  std::string state_dir;
  std::string helper_dir;
  std::string nspawn_path;
  std::string systemd_unit_dir;
  std::string runtime_dir;  // import requests go to RUNTIME/import
};

struct GeneratedUnit {
  std::string unit_name;
  std::string text;
};

// A file other than a unit: a drop-in (name relative to the output
// directory) or an import request (absolute path).
struct GeneratedFile {
  std::string path;
  std::string text;
};

struct GeneratorOutput {
  std::vector<GeneratedUnit> units;  // in source file-name order
  // "sdme-import@NAME.service.d/50-sdme-paths.conf", when the state
  // directory is not the one the static unit names; by rootfs name.
  std::vector<GeneratedFile> dropins;
  // RUNTIME/import/NAME.import for every imported rootfs, by rootfs name.
  std::vector<GeneratedFile> import_requests;
  std::string import_request_dir;   // RUNTIME/import: stale requests there are removed
  std::vector<InstallLink> links;   // sorted by link path
  std::vector<std::string> errors;  // one line each: "PATH[:LINE]: message"
};

// The configuration the environment asks for (common/paths.h).
GeneratorConfig generator_config_from_environment();

void generate(const std::vector<SdmeSource>& sources, const PresetPolicy& presets,
              const GeneratorConfig& config, GeneratorOutput* output);

// Writes units and drop-ins (atomically, refusing to replace a file another
// generator wrote) and links into `directory`, and the import requests
// (mode 0600, in a 0700 directory), removing the *.import files there that
// this run did not write. Per-file problems are appended to *errors;
// returns false only if the directory itself is unusable.
bool write_generator_output(const std::string& directory, const GeneratorOutput& output,
                            std::vector<std::string>* errors);

// What --dry-run prints: each unit as "---NAME---" and its text, each
// drop-in and import request the same way (a drop-in by its name in the
// output directory, a request by its absolute path), then each link as
// "---LINK -> TARGET---".
std::string format_dry_run(const GeneratorOutput& output);

}  // namespace sdme
