// One run of the generator: every source translated in memory, then written
// (or printed for --dry-run). A file that fails costs only its own unit.
#pragma once

#include <string>
#include <vector>

#include "generator/install.h"
#include "generator/preset.h"
#include "sdme_file/search_path.h"

namespace sdme {

struct GeneratorConfig {
  std::string state_dir;
  std::string helper_dir;
  std::string nspawn_path;
  std::string systemd_unit_dir;
  // The .sdme search path, which sdme-import must search the same way.
  std::vector<SearchDirectory> search_path;
  // Where a mask of machines.target would be (common/paths.h).
  std::vector<std::string> mask_dirs;
};

struct GeneratedUnit {
  std::string unit_name;
  std::string text;
};

// A drop-in for a static unit, by its name relative to the output directory.
struct GeneratedFile {
  std::string path;
  std::string text;
};

struct GeneratorOutput {
  std::vector<GeneratedUnit> units;  // in source file-name order
  // "sdme-import@NAME.service.d/50-sdme-import.conf" for every imported
  // rootfs, by rootfs name: which .sdme files use it (rootfs_imports.h).
  std::vector<GeneratedFile> dropins;
  std::vector<InstallLink> links;   // sorted by link path
  std::vector<std::string> errors;  // one line each: "PATH[:LINE]: message"
};

// The configuration the environment asks for (common/paths.h).
GeneratorConfig generator_config_from_environment();

void generate(const std::vector<SdmeSource>& sources, const PresetPolicy& presets,
              const GeneratorConfig& config, GeneratorOutput* output);

// Writes units, drop-ins and links into `directory` and nowhere else, as
// systemd.generator(7) asks: each is created beneath the directory's
// descriptor, follows no symbolic link there, and never replaces what
// another generator wrote (common/output_directory.h). Per-file problems
// are appended to *errors; returns false only if the directory itself is
// unusable.
bool write_generator_output(const std::string& directory, const GeneratorOutput& output,
                            std::vector<std::string>* errors);

// What --dry-run prints: each unit as "---NAME---" and its text, each
// drop-in the same way (by its name in the output directory), then each
// link as "---LINK -> TARGET---".
std::string format_dry_run(const GeneratorOutput& output);

}  // namespace sdme
