// What kind of thing an import source is. The source is one string, as in
// `Import=` or `sdme-import SOURCE NAME`, and its kind is found the way a
// person would guess it: a URL by its scheme, an existing path by what is
// on disk, anything else that reads like an image reference as a registry
// pull. Files are told apart later by their first bytes (disk image or
// tarball), never by their names.
#pragma once

#include <string>
#include <string_view>

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
};

// `working_directory` makes relative paths absolute (sdme-import by hand).
bool classify_import_source(std::string_view source, const std::string& working_directory,
                            ImportSource* result, std::string* err);

std::string_view source_kind_name(SourceKind kind);

}  // namespace sdme::import
