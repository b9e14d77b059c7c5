// What kind of thing an import source is. The source is one string, as in
// `Import=` or `sdme-import SOURCE NAME`, read with the grammar the
// generator checks Import= with (common/import_source_syntax.h); then an
// existing path is told by what is on disk, and relative text that is no
// path but reads as an image reference is a registry pull. Files are told
// apart later by their first bytes (disk image or tarball), never by their
// names.
#pragma once

#include <string>
#include <string_view>

#include "common/image_reference.h"
#include "common/import_source_syntax.h"

namespace sdme::import {

enum class SourceKind {
  kDirectory,  // a root file system tree, copied
  kOciLayout,  // a directory holding an OCI image layout (oci-layout, index.json)
  kFile,       // a tarball, an OCI/docker-save archive or a disk image
  kUrl,        // http:// or https://
  kRegistry,   // an OCI registry reference, docker://REF also accepted
};

struct ImportSource {
  SourceKind kind = SourceKind::kFile;
  // An absolute path, the URL, or the registry reference without docker://.
  std::string location;
  ImageReference reference;  // kRegistry
};

// `origin` says where the source was written: Import= in a .sdme file
// (`origin_location` is "FILE:LINE", and messages start as the generator's
// do) or the command line, whose relative paths start at
// `working_directory`. A URL's credentials are never shown.
bool classify_import_source(std::string_view source, ImportSourceOrigin origin,
                            std::string_view origin_location, const std::string& working_directory,
                            ImportSource* result, std::string* err);

std::string_view source_kind_name(SourceKind kind);

}  // namespace sdme::import
