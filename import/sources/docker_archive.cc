#include "import/sources/docker_archive.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/strings.h"
#include "import/formats/sha256.h"
#include "import/sources/oci_layout.h"

namespace sdme::import {
namespace {

using nlohmann::json;

// An entry of manifest.json: one image, its files named by path.
struct ManifestEntry {
  std::string config;
  std::vector<std::string> repo_tags;
  std::vector<std::string> layers;
};

// A path the archive names: relative, without "..", resolving to a regular
// file inside `dir` (docker itself links repeated layers to one another).
bool archive_file(const std::string& dir, const std::string& relative, std::string* resolved,
                  std::string* err) {
  bool has_parent = false;
  for (const std::string& component : split(relative, '/')) has_parent |= component == "..";
  if (relative.empty() || relative[0] == '/' || has_parent ||
      relative.find('\0') != std::string::npos) {
    *err = dir + "/manifest.json: path \"" + printable(relative) +
           "\" is not a relative path inside the archive; refusing it";
    return false;
  }
  std::string path = dir + "/" + relative;
  struct stat status;
  if (::lstat(path.c_str(), &status) != 0) {
    *err = dir + "/manifest.json: " + relative + " is missing from the archive";
    return false;
  }
  if (!resolve_inside(dir, path, resolved, err)) return false;
  if (::stat(resolved->c_str(), &status) != 0 || !S_ISREG(status.st_mode)) {
    *err = path + " is not a regular file";
    return false;
  }
  return true;
}

bool string_array(const json& object, const char* key, const std::string& source,
                  std::vector<std::string>* values, std::string* err) {
  values->clear();
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_array()) {
    *err = source + ": field \"" + key + "\" is not an array";
    return false;
  }
  for (const json& value : *it) {
    if (!value.is_string()) {
      *err = source + ": field \"" + key + "\" holds a value that is not a string";
      return false;
    }
    values->push_back(value.get<std::string>());
  }
  return true;
}

bool parse_archive_manifest(const std::string& text, const std::string& source,
                            std::vector<ManifestEntry>* images, std::string* err) {
  json document = json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_array()) {
    *err = source + ": not a JSON array (is this a docker save archive?)";
    return false;
  }
  for (const json& entry : document) {
    ManifestEntry image;
    auto config = entry.is_object() ? entry.find("Config") : entry.end();
    if (config == entry.end() || !config->is_string()) {
      *err = source + ": an entry has no \"Config\" string";
      return false;
    }
    image.config = config->get<std::string>();
    if (!string_array(entry, "RepoTags", source, &image.repo_tags, err) ||
        !string_array(entry, "Layers", source, &image.layers, err))
      return false;
    images->push_back(std::move(image));
  }
  return true;
}

bool tag_matches(const std::vector<std::string>& repo_tags, const std::string& tag) {
  for (const std::string& repo_tag : repo_tags) {
    if (repo_tag == tag || repo_tag == tag + ":latest") return true;
  }
  return false;
}

bool choose_image(const std::vector<ManifestEntry>& images, const std::string& tag,
                  const std::string& source, const ManifestEntry** chosen, std::string* err) {
  std::vector<std::string> all_tags;
  for (const ManifestEntry& image : images)
    all_tags.insert(all_tags.end(), image.repo_tags.begin(), image.repo_tags.end());
  if (tag.empty()) {
    if (images.size() == 1) {
      *chosen = &images.front();
      return true;
    }
    *err = images.empty() ? source + ": holds no images"
                          : source + ": holds " + std::to_string(images.size()) +
                                " images; choose one by tag: " + join(all_tags, ", ");
    return false;
  }
  for (const ManifestEntry& image : images) {
    if (tag_matches(image.repo_tags, tag)) {
      *chosen = &image;
      return true;
    }
  }
  *err = source + ": no image tagged \"" + tag + "\"" +
         (all_tags.empty() ? "" : "; available: " + join(all_tags, ", "));
  return false;
}

// What a legacy layer file holds, from its first bytes.
bool sniff_layer_media_type(const std::string& path, std::string* media_type, std::string* err) {
  unsigned char magic[4] = {0, 0, 0, 0};
  FILE* file = ::fopen(path.c_str(), "rbe");
  if (!file) {
    *err = "cannot open " + path + ": " + strerror(errno);
    return false;
  }
  size_t got = ::fread(magic, 1, sizeof magic, file);
  ::fclose(file);
  if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
    *media_type = kOciLayerGzipMediaType;
  else if (got == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
    *media_type = kOciLayerZstdMediaType;
  else
    *media_type = kOciLayerTarMediaType;
  return true;
}

bool read_legacy_archive(const std::string& dir, const std::string& architecture,
                         const std::string& tag, ArchiveImage* result, std::string* err) {
  std::string source = dir + "/manifest.json";
  struct stat status;
  if (::stat(source.c_str(), &status) != 0 && errno == ENOENT) {
    *err = dir + ": not a docker save archive (no manifest.json) nor an OCI image layout";
    return false;
  }
  std::string text;
  std::vector<ManifestEntry> images;
  const ManifestEntry* entry = nullptr;
  if (!read_file(source, kMaxManifestSize, &text, err) ||
      !parse_archive_manifest(text, source, &images, err) ||
      !choose_image(images, tag, source, &entry, err))
    return false;
  ArchiveImage chosen;
  std::string config_path, config_source = dir + "/" + entry->config;
  if (!archive_file(dir, entry->config, &config_path, err) ||
      !read_file(config_path, kMaxConfigSize, &chosen.config_text, err) ||
      !parse_image_config(chosen.config_text, config_source, &chosen.config, err) ||
      !check_config_platform(chosen.config, architecture, config_source, err))
    return false;
  chosen.config_digest = "sha256:" + sha256_hex(chosen.config_text);
  if (entry->layers.empty()) {
    *err = source + ": the image has no layers";
    return false;
  }
  bool have_diff_ids = chosen.config.diff_ids.size() == entry->layers.size();
  for (size_t i = 0; i < entry->layers.size(); ++i) {
    ArchiveLayer layer;
    if (!archive_file(dir, entry->layers[i], &layer.path, err) ||
        !sniff_layer_media_type(layer.path, &layer.descriptor.media_type, err))
      return false;
    if (::stat(layer.path.c_str(), &status) == 0)
      layer.descriptor.size = static_cast<uint64_t>(status.st_size);
    // The config records the digest of each uncompressed tar: an uncompressed
    // layer can be checked against it.
    if (have_diff_ids && layer.descriptor.media_type == kOciLayerTarMediaType)
      layer.descriptor.digest = chosen.config.diff_ids[i];
    chosen.layers.push_back(std::move(layer));
  }
  *result = std::move(chosen);
  return true;
}

}  // namespace

bool read_docker_archive(const std::string& dir, const std::string& architecture,
                         const std::string& tag, ArchiveImage* image, std::string* err) {
  struct stat status;
  if (::stat((dir + "/oci-layout").c_str(), &status) != 0)
    return read_legacy_archive(dir, architecture, tag, image, err);
  ResolvedImage resolved;
  if (!read_oci_layout(dir, architecture, tag, &resolved, err)) return false;
  ArchiveImage result;
  for (LayerDescriptor& descriptor : resolved.layers) {
    ArchiveLayer layer;
    if (!oci_blob_path(dir, descriptor.digest, &layer.path, err)) return false;
    layer.descriptor = std::move(descriptor);
    result.layers.push_back(std::move(layer));
  }
  result.config = std::move(resolved.config);
  result.config_text = std::move(resolved.config_text);
  result.config_digest = std::move(resolved.config_digest);
  *image = std::move(result);
  return true;
}

std::unique_ptr<ByteSource> open_archive_layer(const ArchiveLayer& layer, std::string* err) {
  std::unique_ptr<ByteSource> file = FileByteSource::open(layer.path, err);
  if (!file || layer.descriptor.digest.empty()) return file;
  return std::make_unique<DigestVerifyingByteSource>(
      std::move(file), layer.descriptor.digest.substr(7), layer.descriptor.size);
}

}  // namespace sdme::import
