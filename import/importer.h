// One import, start to finish: classify the source, take the name's lock,
// unpack into a staging tree, make sure a booting container finds systemd
// in it, and commit it as /var/lib/sdme/rootfs/NAME, with the image's
// config next to it when the source is an OCI or Docker image. Every step
// reports progress; every failure is one line that names the source and
// says what to do, and leaves no rootfs/NAME behind.
#pragma once

#include <string>

#include "common/import_request.h"
#include "import/progress_reporter.h"

namespace sdme::import {

struct ImportSettings {
  ImportRequest request;
  // OCI platform to pick; empty: this machine's.
  std::string architecture;
  // Where relative source paths start (sdme-import run by hand).
  std::string working_directory = "/";
};

enum class ImportOutcome { kImported, kAlreadyPresent };

bool import_rootfs(const ImportSettings& settings, ProgressReporter* progress,
                   ImportOutcome* outcome, std::string* err);

}  // namespace sdme::import
