#include "import/sources/oci_layout.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "import/formats/sha256.h"

namespace sdme::import {
namespace {

constexpr char kSupportedLayoutVersion[] = "1.0.0";

bool real_path(const std::string& path, std::string* resolved, std::string* err) {
  char buffer[PATH_MAX];
  if (::realpath(path.c_str(), buffer) == nullptr) {
    *err = "cannot resolve " + path + ": " + strerror(errno);
    return false;
  }
  *resolved = buffer;
  return true;
}

bool check_layout_version(const std::string& dir, std::string* err) {
  std::string text;
  std::string path = dir + "/oci-layout";
  struct stat status;
  if (::stat(path.c_str(), &status) != 0 && errno == ENOENT) {
    *err = dir + ": not an OCI image layout (no oci-layout file)";
    return false;
  }
  if (!read_file(path, 64 << 10, &text, err)) return false;
  auto document = nlohmann::json::parse(text, nullptr, false);
  auto version = document.is_object() ? document.find("imageLayoutVersion") : document.end();
  if (document.is_discarded() || !document.is_object() || version == document.end() ||
      !version->is_string()) {
    *err = path + ": not a valid oci-layout file (expected {\"imageLayoutVersion\": \"1.0.0\"})";
    return false;
  }
  if (*version != kSupportedLayoutVersion) {
    *err = path + ": image layout version " + version->get<std::string>() +
           " is not supported (expected " + kSupportedLayoutVersion + ")";
    return false;
  }
  return true;
}

class LayoutStore : public ManifestStore {
 public:
  explicit LayoutStore(std::string dir) : dir_(std::move(dir)) {}

  bool read_manifest(const Descriptor& descriptor, std::string* content, std::string* content_type,
                     std::string* err) override {
    content_type->clear();
    return read_blob(descriptor, kMaxManifestSize, content, err);
  }
  bool read_config(const Descriptor& descriptor, std::string* content, std::string* err) override {
    return read_blob(descriptor, kMaxConfigSize, content, err);
  }
  std::string describe(const Descriptor& descriptor) const override {
    return dir_ + "/blobs/sha256/" + descriptor.digest.substr(7);
  }

 private:
  bool read_blob(const Descriptor& descriptor, size_t max_size, std::string* content,
                 std::string* err) {
    std::string path;
    return oci_blob_path(dir_, descriptor.digest, &path, err) &&
           read_file(path, max_size, content, err);
  }
  std::string dir_;
};

}  // namespace

bool resolve_inside(const std::string& dir, const std::string& path, std::string* resolved,
                    std::string* err) {
  std::string real_dir;
  if (!real_path(dir, &real_dir, err) || !real_path(path, resolved, err)) return false;
  if (*resolved != real_dir && resolved->compare(0, real_dir.size() + 1, real_dir + "/") != 0 &&
      real_dir != "/") {
    *err = path + " leads out of " + dir + " (to " + *resolved + "); refusing it";
    return false;
  }
  return true;
}

bool oci_blob_path(const std::string& dir, const std::string& digest, std::string* path,
                   std::string* err) {
  if (!validate_digest(digest, err)) return false;
  std::string blob = dir + "/blobs/sha256/" + digest.substr(7);
  struct stat status;
  if (::lstat(blob.c_str(), &status) != 0) {
    *err = errno == ENOENT ? dir + ": blob " + digest + " is missing from the layout"
                           : "cannot stat " + blob + ": " + strerror(errno);
    return false;
  }
  std::string resolved;
  if (!resolve_inside(dir, blob, &resolved, err)) return false;
  if (::stat(resolved.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) {
    *err = blob + " is not a regular file";
    return false;
  }
  *path = resolved;
  return true;
}

std::unique_ptr<ByteSource> open_oci_blob(const std::string& dir, const LayerDescriptor& layer,
                                          std::string* err) {
  std::string path;
  if (!oci_blob_path(dir, layer.digest, &path, err)) return nullptr;
  std::unique_ptr<ByteSource> file = FileByteSource::open(path, err);
  if (!file) return nullptr;
  return std::make_unique<DigestVerifyingByteSource>(std::move(file), layer.digest.substr(7),
                                                     layer.size);
}

bool read_oci_layout(const std::string& dir, const std::string& architecture,
                     const std::string& name, ResolvedImage* image, std::string* err) {
  if (!check_layout_version(dir, err)) return false;
  std::string index_path = dir + "/index.json";
  std::string index_text;
  if (!read_file(index_path, kMaxManifestSize, &index_text, err)) return false;
  LayoutStore store(dir);
  return resolve_image_layers(store, index_text, kOciImageIndexMediaType, index_path, architecture,
                              name, image, err);
}

bool read_oci_layout(const std::string& dir, const std::string& architecture, ResolvedImage* image,
                     std::string* err) {
  return read_oci_layout(dir, architecture, "", image, err);
}

}  // namespace sdme::import
