#include "tests/support/oci_test_image.h"

#include <archive.h>

#include "import/formats/archive_test_support.h"
#include "import/formats/sha256.h"
#include "tests/support/test_support.h"

namespace sdme::test_support {

std::string make_tar(const std::vector<TarEntry>& entries, bool gzip) {
  TestArchive archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED,
                      gzip ? ARCHIVE_FILTER_GZIP : ARCHIVE_FILTER_NONE);
  for (const TarEntry& item : entries) {
    if (item.kind == TarEntry::kDirectory)
      archive.directory(item.path, item.mode);
    else if (item.kind == TarEntry::kSymlink)
      archive.symlink(item.path, item.content);
    else
      archive.file(item.path, item.content, item.mode);
  }
  return archive.finish();
}

std::string digest_of(const std::string& content) { return "sha256:" + import::sha256_hex(content); }

std::string write_blob(const std::string& layout_dir, const std::string& content) {
  std::string digest = digest_of(content);
  write_test_file(layout_dir + "/blobs/sha256/" + digest.substr(7), content);
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
  write_test_file(dir + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  write_test_file(
      dir + "/index.json",
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
      "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      "\"digest\":\"" +
          image.manifest_digest + "\",\"size\":" + std::to_string(image.manifest.size()) +
          ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + ref_name + "\"}}]}");
  return image;
}

}  // namespace sdme::test_support
