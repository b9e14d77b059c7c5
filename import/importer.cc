#include "import/importer.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <memory>
#include <vector>

#include "common/atomic_file.h"
#include "common/file_descriptor.h"
#include "common/log.h"
#include "common/name.h"
#include "common/paths.h"
#include "common/strings.h"
#include "common/url_redaction.h"
#include "import/formats/archive_extract.h"
#include "import/formats/byte_source.h"
#include "import/formats/compression.h"
#include "import/formats/oci_manifest.h"
#include "import/formats/sha256.h"
#include "import/import_source.h"
#include "import/import_transaction.h"
#include "import/interruption.h"
#include "import/logind_mask.h"
#include "import/network/http_client.h"
#include "import/network/registry_client.h"
#include "import/network/registry_reference.h"
#include "import/network/registry_transport_curl.h"
#include "import/package_install.h"
#include "import/sources/disk_image.h"
#include "import/sources/docker_archive.h"
#include "import/sources/oci_layout.h"
#include "import/sources/tree_copy.h"

namespace sdme::import {
namespace {

// Enough for every signature detect_disk_image() and detect_compression()
// look at.
constexpr size_t kSignatureBytes = kDiskImageProbeSize;

// The state of one run, passed to each step.
struct Import {
  const ImportSettings& settings;
  ProgressReporter& progress;
  ImportTransaction& transaction;
  std::string architecture;
  ExtractOptions extract_options;
  ExtractCounters counters;
  // The config document of the image the tree comes from, as read, its
  // digest verified (a legacy docker-save archive's has none to verify);
  // empty when the source is not an image (a parsed config is
  // never empty). Kept next to the tree, for running it as an application.
  std::string image_config;
};

std::string what_failed(const Import& run) {
  const ImportRequest& request = run.settings.request;
  // As a service, say which .sdme line to fix.
  std::string origin = request.origin.empty() ? "" : " (Import= at " + request.origin + ")";
  return "cannot import '" + redact_url(request.source) + "' as " + request.rootfs + origin + ": ";
}

bool unpack(Import& run, ByteSource& source, std::string phase, const std::string& target,
            bool layer, std::string* err) {
  run.progress.set_phase(std::move(phase));
  CountingByteSource counting(
      &source, [&](uint64_t done, uint64_t total) { run.progress.update(done, total); });
  ExtractOptions options = run.extract_options;
  options.apply_whiteouts = layer;
  // extract_archive() reads the stream to its end, past the archive's end
  // marker, so a checksum or digest checked at the end of the stream always
  // is (ImporterIntegrationTest.ChecksTheChecksumOfBytesAfterTheArchivesEnd).
  return extract_archive(counting, target, options, &run.counters, err);
}

// Layers of an OCI layout or docker-save directory, applied in order, each
// verified against its digest as it streams. The image's config is kept for
// the commit.
bool apply_image_directory(Import& run, const std::string& image_dir, const std::string& staging,
                           std::string* err) {
  std::vector<std::unique_ptr<ByteSource>> blobs;
  struct stat status;
  if (::stat((image_dir + "/oci-layout").c_str(), &status) == 0) {
    ResolvedImage image;
    if (!read_oci_layout(image_dir, run.architecture, &image, err)) return false;
    run.image_config = std::move(image.config_text);
    for (const LayerDescriptor& layer : image.layers) {
      blobs.push_back(open_oci_blob(image_dir, layer, err));
      if (!blobs.back()) return false;
    }
  } else {
    ArchiveImage image;
    if (!read_docker_archive(image_dir, run.architecture, "", &image, err)) return false;
    run.image_config = std::move(image.config_text);
    for (const ArchiveLayer& layer : image.layers) {
      blobs.push_back(open_archive_layer(layer, err));
      if (!blobs.back()) return false;
    }
  }
  for (size_t i = 0; i < blobs.size(); ++i) {
    std::string phase =
        "Unpacking layer " + std::to_string(i + 1) + " of " + std::to_string(blobs.size());
    if (!unpack(run, *blobs[i], phase, staging, /*layer=*/true, err)) return false;
  }
  return true;
}

// A tarball may hold a root file system or an image (an OCI layout, a
// docker save): only its contents tell. Both unpack the same way, so the
// stream is unpacked first and an image found in it is then applied into a
// second staging tree.
bool finish_unpacked_tree(Import& run, std::string* staging, std::string* err) {
  struct stat status;
  bool oci_layout = ::lstat((*staging + "/oci-layout").c_str(), &status) == 0;
  bool docker_save = ::lstat((*staging + "/manifest.json").c_str(), &status) == 0 &&
                     ::lstat((*staging + "/etc").c_str(), &status) != 0 &&
                     ::lstat((*staging + "/usr").c_str(), &status) != 0;
  if (!oci_layout && !docker_save) return true;
  std::string image_dir = *staging;
  if (!run.transaction.make_directory(staging, err)) return false;
  return apply_image_directory(run, image_dir, *staging, err);
}

bool verify_file_checksum(Import& run, const std::string& path, std::string* err) {
  const std::string& checksum = run.settings.request.checksum;
  if (checksum.empty()) return true;
  run.progress.set_phase("Verifying checksum");
  std::string actual;
  if (!sha256_file(path, &actual, err)) return false;
  if ("sha256:" + actual != checksum) {
    *err = path + ": checksum mismatch: expected " + checksum + ", got sha256:" + actual +
           "; the file is not the one the checksum describes";
    return false;
  }
  return true;
}

bool import_disk(Import& run, const std::string& image, DiskImageKind kind,
                 const std::string& staging, std::string* err) {
  std::string scratch;
  if (!run.transaction.make_directory(&scratch, err)) return false;
  run.progress.set_phase("Copying files out of the disk image");
  return import_disk_image(image, kind, staging, scratch, err, interruption_flag());
}

bool import_file(Import& run, const std::string& path, std::string* staging, std::string* err) {
  if (!verify_file_checksum(run, path, err)) return false;
  auto file = FileByteSource::open(path, err);
  if (!file) return false;
  PeekingByteSource peeking(file.get());
  std::string_view head;
  if (!peeking.peek(kSignatureBytes, &head, err)) return false;
  if (DiskImageKind kind = detect_disk_image(head); kind != DiskImageKind::kNone) {
    file.reset();
    return import_disk(run, path, kind, *staging, err);
  }
  if (detect_compression(head) == Compression::kUnknown) {
    *err = path +
           " is not a tarball, an OCI or docker save archive, or a disk image (its first "
           "bytes match none of them)";
    return false;
  }
  if (!unpack(run, peeking, "Unpacking", *staging, /*layer=*/false, err)) return false;
  return finish_unpacked_tree(run, staging, err);
}

// Writes a whole stream to a file: a disk image must be random-accessible.
bool save_stream(Import& run, ByteSource& source, const std::string& path, std::string* err) {
  run.progress.set_phase("Downloading");
  FileDescriptor file(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!file.valid()) {
    *err = "cannot create " + path + ": " + strerror(errno);
    return false;
  }
  uint64_t written = 0;
  for (;;) {
    const void* data;
    size_t size;
    if (!source.read(&data, &size, err)) return false;
    if (size == 0) break;
    if (!write_all(file.get(), std::string_view(static_cast<const char*>(data), size))) {
      *err = "cannot write " + path + ": " + strerror(errno);
      return false;
    }
    written += size;
    run.progress.update(written, source.expected_size());
  }
  return true;
}

bool import_url(Import& run, const std::string& url, std::string* staging, std::string* err) {
  HttpOptions options;
  options.cancel = interruption_flag();
  std::unique_ptr<ByteSource> stream = HttpByteSource::open(url, options, err);
  if (!stream) return false;
  // A checksum covers the whole download; a mismatch surfaces at its end,
  // before anything is committed.
  const std::string& checksum = run.settings.request.checksum;
  if (!checksum.empty())
    stream = std::make_unique<DigestVerifyingByteSource>(std::move(stream),
                                                         checksum.substr(strlen("sha256:")));
  PeekingByteSource peeking(stream.get());
  std::string_view head;
  if (!peeking.peek(kSignatureBytes, &head, err)) return false;
  if (DiskImageKind kind = detect_disk_image(head); kind != DiskImageKind::kNone) {
    std::string download_dir;
    if (!run.transaction.make_directory(&download_dir, err)) return false;
    std::string image = download_dir + "/image";
    if (!save_stream(run, peeking, image, err)) return false;
    return import_disk(run, image, kind, *staging, err);
  }
  if (detect_compression(head) == Compression::kUnknown) {
    *err = redact_url(url) + " is not a tarball or a disk image (its first bytes match neither)";
    return false;
  }
  if (!unpack(run, peeking, "Downloading and unpacking", *staging, /*layer=*/false, err))
    return false;
  return finish_unpacked_tree(run, staging, err);
}

bool import_registry(Import& run, const ImportSource& source, const std::string& staging,
                     std::string* err) {
  RegistryReference reference = registry_reference(source.reference);
  CurlRegistryTransport transport(interruption_flag());
  RegistryImage image;
  run.progress.set_phase("Resolving " + source.location);
  if (!resolve_registry_image(transport, reference, run.architecture, &image, err)) return false;
  run.image_config = std::move(image.config_text);
  for (size_t i = 0; i < image.layers.size(); ++i) {
    auto blob = open_registry_blob(transport, image, image.layers[i], err);
    if (!blob) return false;
    std::string phase =
        "Downloading layer " + std::to_string(i + 1) + " of " + std::to_string(image.layers.size());
    if (!unpack(run, *blob, phase, staging, /*layer=*/true, err)) return false;
  }
  return true;
}

bool copy_directory(Import& run, const std::string& source, const std::string& staging,
                    std::string* err) {
  run.progress.set_phase("Copying");
  TreeCopyOptions options;
  options.cancel = interruption_flag();
  options.progress = [&](uint64_t done, uint64_t total) { run.progress.update(done, total); };
  TreeCopyCounters counters;
  return copy_tree(source, staging, options, &counters, err);
}

// A container that boots needs systemd (and dbus, for machinectl) inside;
// machinectl shell and login need systemd-logind unmasked, and on the RHEL
// family util-linux and pam.
bool provide_systemd(Import& run, const std::string& staging, std::string* err) {
  const ImportRequest& request = run.settings.request;
  bool install = request.install_packages == InstallPackages::kYes ||
                 (request.install_packages == InstallPackages::kAuto && request.boot);
  // Only a booting container cares, or an admin who asked for the packages.
  if (!install && !request.boot) return true;
  TreeInfo info;
  if (!inspect_tree(staging, &info, err)) return false;
  if (!install) {
    std::vector<std::string> for_boot = missing_boot_packages(info);
    if (!for_boot.empty())
      log_warning(request.rootfs + " has no " + join(for_boot, " or ") +
                  "; a container that boots it will fail (set ImportInstallPackages=yes, or use "
                  "Exec=)");
    std::vector<std::string> for_login = missing_login_packages(info);
    if (!for_login.empty())
      log_warning(request.rootfs + " has no " + join(for_login, " or ") +
                  "; machinectl shell and login will fail in its containers (set "
                  "ImportInstallPackages=yes)");
    bool masked;
    if (!logind_is_masked(staging, &masked, err)) return false;
    if (masked)
      log_warning(request.rootfs +
                  " masks systemd-logind.service; machinectl shell and login will fail in its "
                  "containers (set ImportInstallPackages=yes to unmask it)");
    return true;
  }
  std::vector<std::string> missing = missing_packages(info);
  if (!missing.empty()) {
    run.progress.set_phase("Installing " + join(missing, " and ") + " into the tree");
    if (!install_packages(staging, info, missing, err)) return false;
  }
  // After the install, in case a package's script masked it again.
  bool unmasked;
  if (!unmask_logind(staging, &unmasked, err)) return false;
  if (unmasked)
    log_notice("unmasked systemd-logind.service in " + request.rootfs +
               ": the image masked it (a link to /dev/null), and machinectl shell and login "
               "need it");
  return true;
}

bool import_source(Import& run, const ImportSource& source, std::string* staging,
                   std::string* err) {
  switch (source.kind) {
    case SourceKind::kDirectory:
      return copy_directory(run, source.location, *staging, err);
    case SourceKind::kOciLayout:
      return apply_image_directory(run, source.location, *staging, err);
    case SourceKind::kFile:
      return import_file(run, source.location, staging, err);
    case SourceKind::kUrl:
      return import_url(run, source.location, staging, err);
    case SourceKind::kRegistry:
      return import_registry(run, source, *staging, err);
  }
  return false;
}

}  // namespace

bool import_rootfs(const ImportSettings& settings, ProgressReporter* progress,
                   ImportOutcome* outcome, std::string* err) {
  const ImportRequest& request = settings.request;
  if (!validate_rootfs_name(request.rootfs, err)) return false;
  ImportSource source;
  // A request read from .sdme files carries where Import= was set; its
  // source is read as the generator read it, never as a relative path.
  ImportSourceOrigin origin =
      request.origin.empty() ? ImportSourceOrigin::kCommandLine : ImportSourceOrigin::kSdmeFile;
  if (!classify_import_source(request.source, origin, request.origin, settings.working_directory,
                              &source, err))
    return false;
  // Only a file or a download is one stream of bytes a checksum can cover;
  // an image names its content by digest already.
  if (!request.checksum.empty() && source.kind != SourceKind::kFile &&
      source.kind != SourceKind::kUrl) {
    // "an OCI image layout", "a directory".
    std::string kind(source_kind_name(source.kind));
    *err = std::string("a checksum applies to a file or URL, not to ") +
           (kind[0] == 'O' ? "an " : "a ") + kind +
           (source.kind == SourceKind::kRegistry ? "; pin the image by digest (NAME@sha256:...)"
                                                 : "; drop ImportChecksum= (--checksum=)");
    return false;
  }

  auto transaction = ImportTransaction::begin(
      state_dir() + "/rootfs", request.rootfs,
      [&] { log_info("waiting for another import of " + request.rootfs + " to finish"); }, err);
  if (!transaction) return false;
  if (transaction->target_exists()) {
    *outcome = ImportOutcome::kAlreadyPresent;
    return true;
  }

  Import run{settings, *progress, *transaction, settings.architecture, {}, {}, {}};
  if (run.architecture.empty()) run.architecture = host_oci_architecture();
  if (request.max_size > 0) run.extract_options.limits.max_unpacked_bytes = request.max_size;
  run.extract_options.cancel = interruption_flag();
  // Device nodes in a tarball or image come from whoever made it; nspawn
  // gives every container its own /dev anyway. A local directory or disk
  // image is the admin's own and is copied whole.
  run.extract_options.device_nodes = DeviceNodes::kSkip;

  std::string staging;
  std::string step_err;
  if (!transaction->make_directory(&staging, &step_err) ||
      !import_source(run, source, &staging, &step_err) ||
      !provide_systemd(run, staging, &step_err)) {
    *err = what_failed(run) + step_err;
    return false;
  }
  // An app's image says what to run in its config; a tree without one
  // would import and then fail every start.
  if (request.app && run.image_config.empty()) {
    *err =
        "AppImage= needs an image that carries a config (a registry reference, an OCI layout "
        "or archive, or a docker save archive), and this " +
        std::string(source_kind_name(source.kind)) +
        " has none; use Import= and Rootfs= for a plain root file system";
    return false;
  }
  run.progress.set_phase("Syncing to disk");
  // The image's config goes down first, so the tree never appears without
  // it; a tree from anything else commits without one.
  if ((!run.image_config.empty() &&
       !transaction->stage_image_config(run.image_config, &step_err)) ||
      !transaction->commit(staging, &step_err)) {
    *err = what_failed(run) + step_err;
    return false;
  }
  *outcome = ImportOutcome::kImported;
  return true;
}

}  // namespace sdme::import
