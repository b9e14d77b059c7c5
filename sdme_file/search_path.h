// Finds the .sdme files and their drop-ins along the search path, with
// systemd's masking rules: the first directory that has a name wins, and an
// empty file or a symlink to /dev/null there masks the name entirely.
#pragma once

#include <string>
#include <vector>

#include "common/paths.h"

namespace sdme::file {

enum class SourceKind {
  kService,       // web.sdme -> web.service
  kTemplate,      // web@.sdme -> web@.service
  kInstance,      // web@db.sdme (a file of its own) -> web@db.service
  kInstanceLink,  // web@db.sdme -> web@.sdme: enables web@db.service, no unit of its own
};

struct SdmeSource {
  SourceKind kind = SourceKind::kService;
  std::string file_name;       // "web@db.sdme"
  std::string unit_name;       // "web@db.service"
  std::string template_unit;   // "web@.service" for templates, instances and instance links
  std::string container_name;  // "web", "web-%i", "web-db"
  std::string path;            // where it was found
  bool is_vendor = false;      // found in a vendor directory (enabled by preset policy)
  std::vector<std::string> dropin_paths;  // in the order they apply
};

// Lists every source along `directories` (highest priority first), sorted by
// file name. Problems with single files (bad names, unreadable entries,
// dangling instance links) are appended to *errors as "PATH: message" and the
// file is skipped.
void find_sources(const std::vector<SearchDirectory>& directories, std::vector<SdmeSource>* sources,
                  std::vector<std::string>* errors);

// A source for an explicit path (sdme-generator --dry-run FILE), seen as the
// search-path scan would see it: named after the file, with drop-ins from
// FILE.d and from the search path, vendor if its directory is a vendor
// directory. A mask (empty file, link to /dev/null) sets *masked instead.
bool source_from_path(const std::string& path, const std::vector<SearchDirectory>& directories,
                      SdmeSource* source, bool* masked, std::string* err);

// The source at `path` as find_sources would give it along `directories`,
// drop-ins included, for a program that was told the path (sdme-import,
// from the generator's drop-in). Fails, with "run systemctl daemon-reload",
// if the search path no longer gives this file for its name: it is gone,
// masked, or hidden by a file of the same name in a directory that comes
// first.
bool find_source(const std::string& path, const std::vector<SearchDirectory>& directories,
                 SdmeSource* source, std::string* err);

// Parses a file name into kind, unit and container names (no file access).
bool classify_source_name(const std::string& file_name, SdmeSource* source, std::string* err);

}  // namespace sdme::file
