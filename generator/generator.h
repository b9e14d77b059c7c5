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
};

struct GeneratedUnit {
  std::string unit_name;
  std::string text;
};

struct GeneratorOutput {
  std::vector<GeneratedUnit> units;  // in source file-name order
  std::vector<InstallLink> links;    // sorted by link path
  std::vector<std::string> errors;   // one line each: "PATH[:LINE]: message"
};

// The configuration the environment asks for (common/paths.h).
GeneratorConfig generator_config_from_environment();

void generate(const std::vector<SdmeSource>& sources, const PresetPolicy& presets,
              const GeneratorConfig& config, GeneratorOutput* output);

// Writes units (atomically, refusing to replace a file another generator
// wrote) and links into `directory`. Per-file problems are appended to
// *errors; returns false only if the directory itself is unusable.
bool write_generator_output(const std::string& directory, const GeneratorOutput& output,
                            std::vector<std::string>* errors);

// What --dry-run prints: each unit as "---NAME---" and its text, then each
// link as "---LINK -> TARGET---".
std::string format_dry_run(const GeneratorOutput& output);

}  // namespace sdme
