// OCI image layouts on disk (a directory with oci-layout, index.json and
// blobs/sha256/): the layers of the image for this platform, in order, and
// the paths of their blobs, each checked to stay inside the layout.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "import/formats/byte_source.h"
#include "import/formats/oci_manifest.h"

namespace sdme::import {

// Reads the layout in `dir` and returns the image for linux on `architecture`
// (see host_oci_architecture()): its layers, bottom first, and its config.
// Every document on the way is checked against its digest. `name`, when not
// empty, chooses among several images by their
// org.opencontainers.image.ref.name annotation (the TAG of skopeo's
// oci:DIR:TAG); without it the layout must hold one image, or one for this
// platform.
bool read_oci_layout(const std::string& dir, const std::string& architecture,
                     const std::string& name, ResolvedImage* image, std::string* err);
bool read_oci_layout(const std::string& dir, const std::string& architecture, ResolvedImage* image,
                     std::string* err);

// DIR/blobs/sha256/HEX for a valid digest, as a path with no symlinks left
// in it; fails for a bad digest, a missing blob, a blob that is not a
// regular file, or one whose symlinks lead out of `dir`.
bool oci_blob_path(const std::string& dir, const std::string& digest, std::string* path,
                   std::string* err);

// Opens a layer's blob, verified against its digest and size as it is read.
std::unique_ptr<ByteSource> open_oci_blob(const std::string& dir, const LayerDescriptor& layer,
                                          std::string* err);

// Whether `path` resolves (symlinks followed) to `dir` or below it; `*resolved`
// gets the resolved path. Shared with docker_archive.cc.
bool resolve_inside(const std::string& dir, const std::string& path, std::string* resolved,
                    std::string* err);

}  // namespace sdme::import
