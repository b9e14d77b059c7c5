// sdme-generator: turns .sdme files into container services.
//
// systemd runs it at boot and at every daemon-reload as
//   sdme-generator NORMAL_DIR [EARLY_DIR LATE_DIR]
// and people check their files with
//   sdme-generator --dry-run [FILE...]
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/paths.h"
#include "generator/generator.h"

namespace {

constexpr const char* kUsage =
    "Usage: sdme-generator NORMAL_DIR [EARLY_DIR LATE_DIR]\n"
    "       sdme-generator --dry-run [FILE...]\n"
    "\n"
    "Generates NAME.service for every NAME.sdme in /etc/sdme, /run/sdme,\n"
    "/usr/local/lib/sdme and /usr/lib/sdme ($SDME_UNIT_PATH replaces them).\n"
    "With --dry-run, prints the units instead of writing them: FILEs, or\n"
    "every file on the search path. See sdme-generator(8).\n";

struct Arguments {
  bool dry_run = false;
  std::string output_dir;
  std::vector<std::string> files;
};

// Returns -1 to go on, or the exit code to stop with.
int parse_arguments(int argc, char** argv, Arguments* arguments) {
  if (argc >= 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (argc >= 2 && std::strcmp(argv[1], "--dry-run") == 0) {
    arguments->dry_run = true;
    for (int i = 2; i < argc; ++i) arguments->files.push_back(argv[i]);
    return -1;
  }
  // systemd passes three directories; one is enough for people and tests.
  if ((argc == 2 || argc == 4) && argv[1][0] != '-') {
    arguments->output_dir = argv[1];
    return -1;
  }
  std::fputs(kUsage, stderr);
  return 2;
}

std::vector<sdme::file::SdmeSource> collect_sources(const Arguments& arguments,
                                              std::vector<std::string>* errors) {
  std::vector<sdme::SearchDirectory> search_path = sdme::unit_search_path();
  std::vector<sdme::file::SdmeSource> sources;
  if (arguments.files.empty()) {
    sdme::file::find_sources(search_path, &sources, errors);
    return sources;
  }
  for (const std::string& file : arguments.files) {
    sdme::file::SdmeSource source;
    bool masked = false;
    std::string err;
    if (!sdme::file::source_from_path(file, search_path, &source, &masked, &err))
      errors->push_back(err);
    else if (masked)
      sdme::log_info(file + ": masked (empty or a link to /dev/null), no unit is generated");
    else
      sources.push_back(std::move(source));
  }
  return sources;
}

}  // namespace

int main(int argc, char** argv) {
  sdme::log_open("sdme-generator");
  Arguments arguments;
  if (int exit_code = parse_arguments(argc, argv, &arguments); exit_code >= 0) return exit_code;

  // Find the files; a bad file name costs only that file.
  std::vector<std::string> errors;
  std::vector<sdme::file::SdmeSource> sources = collect_sources(arguments, &errors);

  // Preset policy decides which vendor files are enabled. A bad preset line
  // is the preset file's problem, not the .sdme file's: warn and go on.
  sdme::generator::PresetPolicy presets;
  std::vector<std::string> preset_warnings;
  presets.load(sdme::preset_search_path(), &preset_warnings);
  for (const std::string& warning : preset_warnings) sdme::log_warning(warning);

  // Each file is translated whole before anything of it is written or
  // printed, so output is all-or-nothing per file; it is handed on at once,
  // so memory does not grow with the number of files.
  const sdme::generator::GeneratorConfig config = sdme::generator::generator_config_from_environment();
  if (arguments.dry_run) {
    sdme::generator::DryRunPrinter printer(stdout);
    sdme::generator::generate(sources, presets, config, &printer, &errors);
    for (const std::string& error : errors) sdme::log_error(error);
    return errors.empty() ? 0 : 1;
  }

  // Bad input never costs the boot: only an unusable output directory fails.
  // Every file is still read then, so that its errors are reported too.
  sdme::generator::OutputDirectoryWriter writer;
  std::string unusable;
  bool usable = writer.open(arguments.output_dir, &unusable);
  sdme::generator::generate(sources, presets, config, &writer, &errors);
  std::vector<std::string> write_errors = writer.finish();
  if (!usable) write_errors.push_back(unusable);
  errors.insert(errors.end(), write_errors.begin(), write_errors.end());
  for (const std::string& error : errors) sdme::log_error(error);
  return usable ? 0 : 1;
}
