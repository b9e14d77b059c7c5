// Builds OCI images by hand for tests: tar layers written with libarchive,
// blobs stored under their digests, manifests, configs and index.json. The
// tests of the layout and registry code, and the registry fixture, use it so
// that no binary image is committed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace sdme::test_support {

struct TarEntry {
  enum Kind { kFile, kDirectory, kSymlink };
  Kind kind = kFile;
  std::string path;
  std::string content;  // a file's bytes, or a symlink's target
  mode_t mode = 0644;
};

// A tar archive of `entries`, gzip-compressed when `gzip`.
std::string make_tar(const std::vector<TarEntry>& entries, bool gzip);

// "sha256:HEX" of `content`.
std::string digest_of(const std::string& content);

// Stores `content` as LAYOUT/blobs/sha256/HEX and returns its digest.
std::string write_blob(const std::string& layout_dir, const std::string& content);

struct TestLayer {
  std::string media_type, digest, content;
};

// JSON documents, compact, with fields in a fixed order.
std::string config_json(const std::string& os, const std::string& architecture,
                        const std::vector<std::string>& diff_ids);
std::string manifest_json(
    const std::string& config_digest, size_t config_size, const std::vector<TestLayer>& layers,
    const std::string& media_type = "application/vnd.oci.image.manifest.v1+json");

// The image the registry fixture pushes and the layout tests read: two gzip
// layers, the second with a whiteout (.wh.removed) and an opaque directory
// (opaque/.wh..wh..opq), and a config for `architecture`.
struct TestImage {
  std::vector<TestLayer> layers;
  std::string config, config_digest;
  std::string manifest, manifest_digest;
};

// Writes a complete OCI layout in `dir` (oci-layout, index.json naming the
// image `ref_name`, blobs) holding the two-layer image for `architecture`
// ("amd64", "arm/v7").
TestImage write_test_oci_layout(const std::string& dir, const std::string& ref_name,
                                const std::string& architecture);

}  // namespace sdme::test_support
