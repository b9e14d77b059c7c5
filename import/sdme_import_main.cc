// sdme-import: imports a root file system into /var/lib/sdme/rootfs/NAME,
// all or nothing. Run by hand (`sdme-import SOURCE NAME`) or by
// sdme-import@NAME.service, which a container with Import= requires; the
// unit passes only the name, and the source (which may carry credentials)
// comes from the .sdme files that the generator's drop-in names.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "common/helper_main.h"
#include "common/import_request.h"
#include "common/log.h"
#include "common/paths.h"
#include "import/import_command_line.h"
#include "import/importer.h"
#include "import/interruption.h"
#include "import/progress_reporter.h"
#include "sdme_file/rootfs_imports.h"

namespace {

// What a shell reports for a program ended by SIGINT.
constexpr int kExitInterrupted = 130;

// As sdme-import@NAME.service: the generator's drop-in names the .sdme
// files that use NAME; Import= and its keys are read from them again,
// through the generator's own reader.
bool read_unit_request(const std::string& rootfs, sdme::ImportRequest* request, std::string* err) {
  const char* files_value = std::getenv(sdme::kImportFilesVariable);
  if (!files_value) {
    *err = std::string(sdme::kImportFilesVariable) + " is not set: --unit=" + rootfs +
           " runs as sdme-import@" + rootfs +
           ".service, whose drop-in the generator writes for the .sdme files with Import= and "
           "Rootfs=" +
           rootfs + "; add them and run systemctl daemon-reload";
    return false;
  }
  std::vector<std::string> files;
  return sdme::parse_import_files(files_value, &files, err) &&
         sdme::file::read_import_request(rootfs, files, sdme::unit_search_path(), request, err);
}

std::string current_directory() {
  char buffer[PATH_MAX];
  return ::getcwd(buffer, sizeof buffer) != nullptr ? buffer : "/";
}

}  // namespace

int main(int argc, char** argv) {
  sdme::import::ImportCommand command;
  if (std::optional<int> status = sdme::start_helper(
          "sdme-import", argc, argv, sdme::import::parse_import_command_line,
          [](const sdme::import::ImportCommand& parsed) { return parsed.help; },
          sdme::import::import_usage(), &command))
    return *status;
  std::string err;

  // As a service, everything but the name comes from the .sdme files.
  sdme::import::ImportSettings settings;
  settings.architecture = command.architecture;
  settings.working_directory = current_directory();
  if (!command.unit_rootfs.empty()) {
    if (!read_unit_request(command.unit_rootfs, &settings.request, &err)) {
      sdme::log_error(err);
      return sdme::kExitFailure;
    }
  } else {
    settings.request = command.request;
  }

  // Every message from here on names the rootfs (SDME_CONTAINER= in the journal).
  sdme::log_set_container(settings.request.rootfs);

  // Ctrl+C and systemctl stop end the import at the next block, cleanly.
  sdme::import::install_interruption_handlers();

  // The work.
  sdme::import::ProgressReporter progress;
  sdme::import::ImportOutcome outcome;
  if (!sdme::import::import_rootfs(settings, &progress, &outcome, &err)) {
    progress.finish();
    sdme::log_error(err);
    return sdme::import::interrupted() ? kExitInterrupted : sdme::kExitFailure;
  }
  std::string status = outcome == sdme::import::ImportOutcome::kAlreadyPresent
                           ? settings.request.rootfs + " is already imported; nothing to do"
                           : "Imported " + settings.request.rootfs;
  progress.ready(status);
  sdme::log_info(status);
  return sdme::kExitSuccess;
}
