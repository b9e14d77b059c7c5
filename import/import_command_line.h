// The command line of sdme-import. Two forms:
//   sdme-import [OPTIONS] SOURCE NAME   by hand
//   sdme-import --unit=NAME             as sdme-import@NAME.service, reading
//                                       the .sdme files that use NAME
// Parsing is kept apart from main() so usage errors are tested word for word.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/import_request.h"

namespace sdme::import {

struct ImportCommand {
  bool help = false;
  // --unit=NAME: the request comes from the .sdme files that the
  // generator's drop-in names (generator/rootfs_imports.h).
  std::string unit_rootfs;
  // By hand: everything but `origin`.
  ImportRequest request;
  // OCI platform; empty means the host's.
  std::string architecture;
};

// `arguments` excludes the program name.
bool parse_import_command_line(const std::vector<std::string>& arguments, ImportCommand* command,
                               std::string* err);

std::string_view import_usage();

}  // namespace sdme::import
