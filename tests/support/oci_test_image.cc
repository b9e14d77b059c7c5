#include "tests/support/oci_test_image.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "helpers/import/sha256.h"

namespace sdme::test_support {
namespace {

void write_file(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

}  // namespace

std::string make_tar(const std::vector<TarEntry>& entries, bool gzip) {
  archive* writer = archive_write_new();
  archive_write_set_format_pax_restricted(writer);
  if (gzip) archive_write_add_filter_gzip(writer);
  // Big enough for any test image; libarchive reports the size written.
  std::string buffer(16 << 20, '\0');
  size_t used = 0;
  if (archive_write_open_memory(writer, buffer.data(), buffer.size(), &used) != ARCHIVE_OK)
    std::abort();
  for (const TarEntry& item : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, item.path.c_str());
    archive_entry_set_perm(entry, item.mode);
    archive_entry_set_mtime(entry, 1700000000, 0);
    if (item.kind == TarEntry::kDirectory) {
      archive_entry_set_filetype(entry, AE_IFDIR);
    } else if (item.kind == TarEntry::kSymlink) {
      archive_entry_set_filetype(entry, AE_IFLNK);
      archive_entry_set_symlink(entry, item.content.c_str());
    } else {
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_size(entry, static_cast<la_int64_t>(item.content.size()));
    }
    if (archive_write_header(writer, entry) != ARCHIVE_OK) std::abort();
    if (item.kind == TarEntry::kFile && !item.content.empty() &&
        archive_write_data(writer, item.content.data(), item.content.size()) < 0)
      std::abort();
    archive_entry_free(entry);
  }
  if (archive_write_close(writer) != ARCHIVE_OK) std::abort();
  archive_write_free(writer);
  buffer.resize(used);
  return buffer;
}

std::string digest_of(const std::string& content) { return "sha256:" + sha256_hex(content); }

std::string write_blob(const std::string& layout_dir, const std::string& content) {
  std::string digest = digest_of(content);
  write_file(layout_dir + "/blobs/sha256/" + digest.substr(7), content);
  return digest;
}

std::string config_json(const std::string& os, const std::string& architecture,
                        const std::vector<std::string>& diff_ids) {
  std::string arch = architecture.substr(0, architecture.find('/'));
  std::string variant = architecture.find('/') == std::string::npos
                            ? ""
                            : architecture.substr(architecture.find('/') + 1);
  std::string json = "{\"architecture\":\"" + arch + "\",\"os\":\"" + os + "\",";
  if (!variant.empty()) json += "\"variant\":\"" + variant + "\",";
  json += "\"config\":{\"Cmd\":[\"/bin/sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[";
  for (size_t i = 0; i < diff_ids.size(); ++i) json += (i ? ",\"" : "\"") + diff_ids[i] + "\"";
  return json + "]}}";
}

std::string manifest_json(const std::string& config_digest, size_t config_size,
                          const std::vector<TestLayer>& layers, const std::string& media_type) {
  bool docker = media_type.find("docker") != std::string::npos;
  std::string config_type = docker ? "application/vnd.docker.container.image.v1+json"
                                   : "application/vnd.oci.image.config.v1+json";
  std::string json = "{\"schemaVersion\":2,\"mediaType\":\"" + media_type +
                     "\",\"config\":{\"mediaType\":\"" + config_type + "\",\"digest\":\"" +
                     config_digest + "\",\"size\":" + std::to_string(config_size) +
                     "},\"layers\":[";
  for (size_t i = 0; i < layers.size(); ++i) {
    json += std::string(i ? "," : "") + "{\"mediaType\":\"" + layers[i].media_type +
            "\",\"digest\":\"" + layers[i].digest +
            "\",\"size\":" + std::to_string(layers[i].content.size()) + "}";
  }
  return json + "]}";
}

TestImage write_test_oci_layout(const std::string& dir, const std::string& ref_name,
                                const std::string& architecture) {
  TestImage image;
  std::vector<TarEntry> base = {
      {TarEntry::kDirectory, "etc", "", 0755},
      {TarEntry::kFile, "etc/os-release", "ID=sdme-test\n", 0644},
      {TarEntry::kFile, "removed", "gone in layer 2\n", 0644},
      {TarEntry::kDirectory, "opaque", "", 0755},
      {TarEntry::kFile, "opaque/old", "hidden by layer 2\n", 0644},
      {TarEntry::kSymlink, "link", "etc/os-release", 0777},
  };
  std::vector<TarEntry> top = {
      {TarEntry::kFile, ".wh.removed", "", 0644},
      {TarEntry::kDirectory, "opaque", "", 0755},
      {TarEntry::kFile, "opaque/.wh..wh..opq", "", 0644},
      {TarEntry::kFile, "opaque/new", "from layer 2\n", 0644},
      {TarEntry::kFile, "etc/hostname", "layer2\n", 0644},
  };
  std::vector<std::string> diff_ids;
  for (const auto* entries : {&base, &top}) {
    diff_ids.push_back(digest_of(make_tar(*entries, false)));
    std::string content = make_tar(*entries, true);
    image.layers.push_back(
        {"application/vnd.oci.image.layer.v1.tar+gzip", write_blob(dir, content), content});
  }
  image.config = config_json("linux", architecture, diff_ids);
  image.config_digest = write_blob(dir, image.config);
  image.manifest = manifest_json(image.config_digest, image.config.size(), image.layers);
  image.manifest_digest = write_blob(dir, image.manifest);
  write_file(dir + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  write_file(dir + "/index.json",
             "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
             "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
             "\"digest\":\"" +
                 image.manifest_digest + "\",\"size\":" + std::to_string(image.manifest.size()) +
                 ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + ref_name +
                 "\"}}]}");
  return image;
}

}  // namespace sdme::test_support
