// Unpacks a tar stream (any compression libarchive reads) into a directory
// the importer owns, safely: the archive is untrusted, the importer runs as
// root, and nothing it unpacks may land outside the target directory — not
// through "..", an absolute name, a symlink the archive planted earlier (or
// an earlier layer left), nor a hard link to a host file. Owners are kept
// as numeric ids, never remapped through the host's passwd, so the tree is
// the image's own. With whiteouts applied, successive calls stack OCI or
// Docker layers into one tree.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "import/formats/byte_source.h"

namespace sdme::import {

struct ExtractLimits {
  // Apparent size of all regular files: a sparse file counts at full size.
  uint64_t max_unpacked_bytes = 8ull << 30;
  uint64_t max_entries = 1'000'000;
};

// Counts across calls, so the limits apply to a whole multi-layer import.
struct ExtractCounters {
  uint64_t unpacked_bytes = 0;
  uint64_t entries = 0;
  uint64_t skipped_device_nodes = 0;
};

// Untrusted sources skip character and block devices: nspawn supplies /dev,
// and a device node in a container's tree is a way into the host's disks.
enum class DeviceNodes { kSkip, kCreate };

struct ExtractOptions {
  ExtractLimits limits;
  DeviceNodes device_nodes = DeviceNodes::kSkip;
  // OCI / Docker layer semantics: "dir/.wh.NAME" removes dir/NAME left by
  // earlier layers, "dir/.wh..wh..opq" hides everything earlier layers put in
  // dir, and an entry replaces a lower one of another kind (a file over a
  // directory tree). The markers themselves are not created.
  bool apply_whiteouts = false;
  // Checked often; when it becomes true the extraction fails with
  // "interrupted".
  const std::atomic<bool>* cancel = nullptr;
};

// Unpacks the tar stream from `input` into the existing directory
// `target_dir`. `input` is read to its end, past the end of the archive, so
// that a source checking a digest at its end checks it (and may be read
// again after it reported the end). On failure the target holds whatever
// was unpacked so far; the caller discards it.
bool extract_archive(ByteSource& input, const std::string& target_dir,
                     const ExtractOptions& options, ExtractCounters* counters, std::string* err);

// The first `max_names` member names of an archive, without a leading "./"
// or trailing "/" (the top directory "./" itself is left out), for telling an
// OCI or docker-save tarball from a root file system tarball.
bool read_archive_member_names(ByteSource& input, size_t max_names, std::vector<std::string>* names,
                               std::string* err);

}  // namespace sdme::import
