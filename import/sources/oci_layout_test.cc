// Tests for reading OCI image layouts from disk: the layout checks, choosing
// the image, blob paths that must stay inside, and verified blob streams.
#include "import/sources/oci_layout.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/support/memory_byte_source.h"
#include "tests/support/oci_test_image.h"
#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using test_support::digest_of;
using test_support::read_all;
using test_support::ScratchDirectory;
using test_support::write_test_file;
using test_support::write_test_oci_layout;

class OciLayoutTest : public ::testing::Test {
 protected:
  std::string layout() const { return scratch_.path() + "/layout"; }
  ScratchDirectory scratch_;
};

TEST_F(OciLayoutTest, ReadsTheLayersInOrderAndStreamsVerifiedBlobs) {
  test_support::TestImage image = write_test_oci_layout(layout(), "v1", "amd64");
  ResolvedImage resolved;
  std::string err;
  ASSERT_TRUE(read_oci_layout(layout(), "amd64", &resolved, &err)) << err;
  const std::vector<LayerDescriptor>& layers = resolved.layers;
  ASSERT_EQ(layers.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(layers[i].digest, image.layers[i].digest);
    EXPECT_EQ(layers[i].media_type, kOciLayerGzipMediaType);
    EXPECT_EQ(layers[i].size, image.layers[i].content.size());
    std::unique_ptr<ByteSource> blob = open_oci_blob(layout(), layers[i], &err);
    ASSERT_TRUE(blob) << err;
    std::string content;
    ASSERT_TRUE(read_all(blob.get(), &content, &err)) << err;
    EXPECT_EQ(content, image.layers[i].content);
  }
  // By name too.
  ASSERT_TRUE(read_oci_layout(layout(), "amd64", "v1", &resolved, &err)) << err;
  EXPECT_EQ(resolved.layers.size(), 2u);
  EXPECT_FALSE(read_oci_layout(layout(), "amd64", "v2", &resolved, &err));
  EXPECT_EQ(err, layout() + "/index.json: no image named \"v2\"; available: v1");
}

TEST_F(OciLayoutTest, ReturnsTheImageConfig) {
  test_support::TestImage image = write_test_oci_layout(layout(), "v1", "amd64");
  ResolvedImage resolved;
  std::string err;
  ASSERT_TRUE(read_oci_layout(layout(), "amd64", &resolved, &err)) << err;
  EXPECT_EQ(resolved.config_text, image.config);
  EXPECT_EQ(resolved.config_digest, image.config_digest);
  EXPECT_EQ(resolved.config.architecture, "amd64");
  EXPECT_FALSE(resolved.config.has_entrypoint);
  EXPECT_TRUE(resolved.config.has_cmd);
  EXPECT_EQ(resolved.config.cmd, (std::vector<std::string>{"/bin/sh"}));
  EXPECT_EQ(resolved.config.diff_ids.size(), 2u);
}

TEST_F(OciLayoutTest, ChecksTheConfigArchitecture) {
  test_support::TestImage image = write_test_oci_layout(layout(), "v1", "arm64");
  ResolvedImage resolved;
  std::string err;
  EXPECT_FALSE(read_oci_layout(layout(), "amd64", &resolved, &err));
  EXPECT_EQ(err, layout() + "/blobs/sha256/" + image.config_digest.substr(7) +
                     ": the image is for linux/arm64, not linux/amd64");
}

TEST_F(OciLayoutTest, ACorruptBlobFailsWhenRead) {
  test_support::TestImage image = write_test_oci_layout(layout(), "v1", "amd64");
  ResolvedImage resolved;
  std::string err;
  ASSERT_TRUE(read_oci_layout(layout(), "amd64", &resolved, &err)) << err;
  std::string path = layout() + "/blobs/sha256/" + resolved.layers[1].digest.substr(7);
  std::string corrupt = image.layers[1].content;
  corrupt[corrupt.size() / 2] ^= 1;
  write_test_file(path, corrupt);
  std::unique_ptr<ByteSource> blob = open_oci_blob(layout(), resolved.layers[1], &err);
  ASSERT_TRUE(blob) << err;
  std::string content;
  EXPECT_FALSE(read_all(blob.get(), &content, &err));
  EXPECT_EQ(err, path + ": checksum mismatch: expected " + resolved.layers[1].digest + ", got " +
                     digest_of(corrupt) + "; the download is corrupt or the checksum is wrong");
}

TEST_F(OciLayoutTest, ACorruptManifestIsRefused) {
  test_support::TestImage image = write_test_oci_layout(layout(), "v1", "amd64");
  std::string path = layout() + "/blobs/sha256/" + image.manifest_digest.substr(7);
  std::string changed = image.manifest;
  changed.replace(changed.find("\"size\":"), 7, "\"size\" :");
  write_test_file(path, changed);
  ResolvedImage resolved;
  std::string err;
  EXPECT_FALSE(read_oci_layout(layout(), "amd64", &resolved, &err));
  EXPECT_EQ(err, path + ": size mismatch: expected " + std::to_string(image.manifest.size()) +
                     " bytes, got " + std::to_string(changed.size()) + "; the image is corrupt");
}

TEST_F(OciLayoutTest, RequiresTheLayoutFileAndVersion) {
  ResolvedImage resolved;
  std::string err;
  std::filesystem::create_directories(layout());
  EXPECT_FALSE(read_oci_layout(layout(), "amd64", &resolved, &err));
  EXPECT_EQ(err, layout() + ": not an OCI image layout (no oci-layout file)");
  write_test_file(layout() + "/oci-layout", "{\"imageLayoutVersion\":\"2.0.0\"}");
  EXPECT_FALSE(read_oci_layout(layout(), "amd64", &resolved, &err));
  EXPECT_EQ(err, layout() +
                     "/oci-layout: image layout version 2.0.0 is not supported (expected "
                     "1.0.0)");
  write_test_file(layout() + "/oci-layout", "[]");
  EXPECT_FALSE(read_oci_layout(layout(), "amd64", &resolved, &err));
  EXPECT_EQ(err, layout() +
                     "/oci-layout: not a valid oci-layout file (expected "
                     "{\"imageLayoutVersion\": \"1.0.0\"})");
  write_test_file(layout() + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  EXPECT_FALSE(read_oci_layout(layout(), "amd64", &resolved, &err));
  EXPECT_EQ(err, "cannot open " + layout() + "/index.json: No such file or directory");
}

TEST_F(OciLayoutTest, BlobPathsMustBeValidDigestsInsideTheLayout) {
  write_test_oci_layout(layout(), "v1", "amd64");
  std::string path, err;
  EXPECT_FALSE(oci_blob_path(layout(), "sha256:../../etc/passwd", &path, &err));
  EXPECT_EQ(err,
            "invalid digest \"sha256:../../etc/passwd\": expected sha256: followed by 64 "
            "lower-case hexadecimal digits");
  std::string missing = "sha256:" + std::string(64, '0');
  EXPECT_FALSE(oci_blob_path(layout(), missing, &path, &err));
  EXPECT_EQ(err, layout() + ": blob " + missing + " is missing from the layout");

  // A symlink out of the layout is refused; one inside it is followed.
  write_test_file(scratch_.path() + "/outside", "secret");
  std::string escaping = "sha256:" + std::string(64, '1');
  std::string escaping_path = layout() + "/blobs/sha256/" + std::string(64, '1');
  ASSERT_EQ(::symlink("../../../outside", escaping_path.c_str()), 0);
  EXPECT_FALSE(oci_blob_path(layout(), escaping, &path, &err));
  EXPECT_EQ(err, escaping_path + " leads out of " + layout() + " (to " + scratch_.path() +
                     "/outside); refusing it");
  write_test_file(layout() + "/other", "inside");
  std::string inside = "sha256:" + std::string(64, '2');
  ASSERT_EQ(::symlink("../../other", (layout() + "/blobs/sha256/" + std::string(64, '2')).c_str()),
            0);
  ASSERT_TRUE(oci_blob_path(layout(), inside, &path, &err)) << err;
  EXPECT_EQ(path, layout() + "/other");
  std::string directory = "sha256:" + std::string(64, '3');
  std::filesystem::create_directories(layout() + "/blobs/sha256/" + std::string(64, '3'));
  EXPECT_FALSE(oci_blob_path(layout(), directory, &path, &err));
  EXPECT_EQ(err, layout() + "/blobs/sha256/" + std::string(64, '3') + " is not a regular file");
}

TEST_F(OciLayoutTest, ChoosesByPlatformInANestedIndex) {
  // index.json -> a multi-platform index -> amd64 and arm64 manifests.
  test_support::TestImage amd64 = write_test_oci_layout(layout(), "v1", "amd64");
  test_support::TestImage arm64 = write_test_oci_layout(layout(), "v1", "arm64");
  auto entry = [](const test_support::TestImage& image, const std::string& architecture) {
    return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" +
           image.manifest_digest + "\",\"size\":" + std::to_string(image.manifest.size()) +
           ",\"platform\":{\"os\":\"linux\",\"architecture\":\"" + architecture + "\"}}";
  };
  std::string inner =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
      "\"manifests\":[" +
      entry(amd64, "amd64") + "," + entry(arm64, "arm64") + "]}";
  std::string inner_digest = test_support::write_blob(layout(), inner);
  write_test_file(layout() + "/index.json",
                  "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/"
                  "vnd.oci.image.index.v1+json\",\"digest\":\"" +
                      inner_digest + "\",\"size\":" + std::to_string(inner.size()) + "}]}");
  ResolvedImage resolved;
  std::string err;
  ASSERT_TRUE(read_oci_layout(layout(), "arm64", &resolved, &err)) << err;
  // Both images have the same layers; the config chosen shows the platform.
  EXPECT_EQ(resolved.layers.size(), 2u);
  EXPECT_EQ(resolved.config.architecture, "arm64");
  EXPECT_EQ(resolved.config_digest, arm64.config_digest);
  EXPECT_FALSE(read_oci_layout(layout(), "s390x", &resolved, &err));
  EXPECT_EQ(err, layout() + "/blobs/sha256/" + inner_digest.substr(7) +
                     ": no image for linux/s390x; available platforms: linux/amd64, linux/arm64");
}

}  // namespace
}  // namespace sdme::import
