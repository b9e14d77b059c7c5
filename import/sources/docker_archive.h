// Extracted `docker save` archives: the legacy form (manifest.json naming a
// config and layer tarballs by path) and the newer one that is also an OCI
// image layout, which is preferred when present. Every path the archive
// names is checked to stay inside it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "import/formats/byte_source.h"
#include "import/formats/oci_manifest.h"

namespace sdme::import {

// A layer of the archive and the file holding it (resolved, inside the
// archive). `descriptor.digest` is what the file's bytes must hash to; it is
// empty for a compressed layer of a legacy archive, whose config records only
// the digest of the uncompressed tar.
struct ArchiveLayer {
  LayerDescriptor descriptor;
  std::string path;
};

// The image chosen in an archive: its layers and its config, parsed and as
// the bytes read (kept next to the tree of an application image).
struct ArchiveImage {
  std::vector<ArchiveLayer> layers;  // bottom first
  ImageConfig config;
  std::string config_text;  // the config document, byte for byte
  // "sha256:HEX" of config_text. In an OCI-shaped archive it is the digest
  // the manifest names and was checked; a legacy manifest.json names the
  // config by path only, so there it is computed from the bytes read.
  std::string config_digest;
};

// Reads the extracted archive in `dir` and returns the image for linux on
// `architecture`. An archive of several images needs `tag` ("debian:12", as
// in RepoTags) to choose one; `tag` may be empty otherwise.
bool read_docker_archive(const std::string& dir, const std::string& architecture,
                         const std::string& tag, ArchiveImage* image, std::string* err);

// Opens a layer's file, verified against its digest when it has one.
std::unique_ptr<ByteSource> open_archive_layer(const ArchiveLayer& layer, std::string* err);

}  // namespace sdme::import
