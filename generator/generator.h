// One run of the generator: each source translated and handed on (written,
// or printed for --dry-run) as soon as it is done, so memory holds one unit
// at a time plus what [Install] links and shared rootfs need across files.
// A file that fails costs only its own unit.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/output_directory.h"
#include "generator/install.h"
#include "generator/preset.h"
#include "sdme_file/search_path.h"

namespace sdme::generator {

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

// Where generate() puts what it makes, as soon as it is made: every unit in
// source file-name order, then every drop-in, then the links, sorted. A unit
// is handed on only when its whole file translated, so each file is still
// all or nothing.
class GeneratorSink {
 public:
  virtual ~GeneratorSink() = default;
  virtual void add_unit(GeneratedUnit&& unit) = 0;
  virtual void add_dropin(GeneratedFile&& dropin) = 0;
  virtual void add_link(InstallLink&& link) = 0;
};

// The configuration the environment asks for (common/paths.h).
GeneratorConfig generator_config_from_environment();

// Translates `sources` into `sink`; per-file errors go to *errors.
void generate(const std::vector<file::SdmeSource>& sources, const PresetPolicy& presets,
              const GeneratorConfig& config, GeneratorSink* sink,
              std::vector<std::string>* errors);

// The same, keeping everything in *output (for tests and tools).
void generate(const std::vector<file::SdmeSource>& sources, const PresetPolicy& presets,
              const GeneratorConfig& config, GeneratorOutput* output);

// Writes into an output directory as generate() goes, as
// write_generator_output() below does. Problems writing a file are kept
// apart from the translation errors, in the order the files are written
// (units, links, drop-ins), so a run reports them after those.
class OutputDirectoryWriter : public GeneratorSink {
 public:
  // False if the directory is unusable: *err says why, and nothing will
  // be written.
  bool open(const std::string& directory, std::string* err);
  void add_unit(GeneratedUnit&& unit) override;
  void add_dropin(GeneratedFile&& dropin) override;
  void add_link(InstallLink&& link) override;
  // Writes the drop-ins, which come last on disk; returns the write errors.
  std::vector<std::string> finish();

 private:
  void create_file(const std::string& relative, const std::string& text);

  bool usable_ = false;
  OutputDirectory directory_;
  std::vector<GeneratedFile> dropins_;  // one per imported rootfs, written last
  std::vector<std::string> errors_;
};

// Prints what --dry-run shows (format_dry_run() below) to `stream` as
// generate() goes.
class DryRunPrinter : public GeneratorSink {
 public:
  explicit DryRunPrinter(std::FILE* stream) : stream_(stream) {}
  void add_unit(GeneratedUnit&& unit) override;
  void add_dropin(GeneratedFile&& dropin) override;
  void add_link(InstallLink&& link) override;

 private:
  void put(std::string_view text);

  std::FILE* stream_;
};

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

}  // namespace sdme::generator
