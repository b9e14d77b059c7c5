// Tests for extracted `docker save` archives, legacy and OCI-shaped: choosing
// the image by tag, the architecture check, paths that must stay inside, and
// layers verified against the config's diff_ids.
#include "import/sources/docker_archive.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/support/memory_byte_source.h"
#include "tests/support/oci_test_image.h"
#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using test_support::digest_of;
using test_support::make_tar;
using test_support::read_all;
using test_support::read_test_file;
using test_support::ScratchDirectory;
using test_support::TarEntry;
using test_support::write_test_file;

class DockerArchiveTest : public ::testing::Test {
 protected:
  std::string dir() const { return scratch_.path() + "/archive"; }

  // A legacy archive: two uncompressed layers in ID/layer.tar, the second
  // directory's layer a symlink to the first as docker writes repeated layers.
  void write_legacy_archive(const std::string& architecture, const std::string& repo_tags) {
    base_ = make_tar({{TarEntry::kFile, "etc/os-release", "ID=legacy\n", 0644}}, false);
    top_ = make_tar({{TarEntry::kFile, "etc/hostname", "top\n", 0644}}, false);
    write_test_file(dir() + "/aaa/layer.tar", base_);
    write_test_file(dir() + "/bbb/layer.tar", top_);
    ::mkdir((dir() + "/ccc").c_str(), 0755);
    ASSERT_EQ(::symlink("../aaa/layer.tar", (dir() + "/ccc/layer.tar").c_str()), 0);
    std::string config = test_support::config_json(
        "linux", architecture, {digest_of(base_), digest_of(top_), digest_of(base_)});
    config_name_ = digest_of(config).substr(7) + ".json";
    write_test_file(dir() + "/" + config_name_, config);
    write_test_file(dir() + "/manifest.json",
                    "[{\"Config\":\"" + config_name_ + "\",\"RepoTags\":" + repo_tags +
                        ",\"Layers\":[\"aaa/layer.tar\",\"bbb/layer.tar\",\"ccc/layer.tar\"]}]");
  }

  ScratchDirectory scratch_;
  std::string base_, top_, config_name_;
};

TEST_F(DockerArchiveTest, ReadsALegacyArchiveWithVerifiedLayers) {
  write_legacy_archive("amd64", "[\"example:1\"]");
  ArchiveImage image;
  std::string err;
  ASSERT_TRUE(read_docker_archive(dir(), "amd64", "", &image, &err)) << err;
  const std::vector<ArchiveLayer>& layers = image.layers;
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(layers[0].path, dir() + "/aaa/layer.tar");
  EXPECT_EQ(layers[1].path, dir() + "/bbb/layer.tar");
  EXPECT_EQ(layers[2].path, dir() + "/aaa/layer.tar");
  EXPECT_EQ(layers[0].descriptor.media_type, kOciLayerTarMediaType);
  EXPECT_EQ(layers[1].descriptor.digest, digest_of(top_));
  EXPECT_EQ(layers[1].descriptor.size, top_.size());
  std::string content;
  for (size_t i = 0; i < 3; ++i) {
    std::unique_ptr<ByteSource> source = open_archive_layer(layers[i], &err);
    ASSERT_TRUE(source) << err;
    ASSERT_TRUE(read_all(source.get(), &content, &err)) << err;
    EXPECT_EQ(content, i == 1 ? top_ : base_);
  }
  // By tag, with or without :latest.
  ASSERT_TRUE(read_docker_archive(dir(), "amd64", "example:1", &image, &err)) << err;
  EXPECT_FALSE(read_docker_archive(dir(), "amd64", "example", &image, &err));
  EXPECT_EQ(err, dir() + "/manifest.json: no image tagged \"example\"; available: example:1");
}

TEST_F(DockerArchiveTest, ALegacyArchiveReturnsItsConfig) {
  write_legacy_archive("amd64", "[\"example:1\"]");
  std::string config = read_test_file(dir() + "/" + config_name_);
  ArchiveImage image;
  std::string err;
  ASSERT_TRUE(read_docker_archive(dir(), "amd64", "", &image, &err)) << err;
  EXPECT_EQ(image.config_text, config);
  EXPECT_EQ(image.config_digest, digest_of(config));
  EXPECT_EQ(image.config.architecture, "amd64");
  EXPECT_TRUE(image.config.has_cmd);
  EXPECT_EQ(image.config.cmd, (std::vector<std::string>{"/bin/sh"}));

  // An nginx-like runtime config, read by the same parser as every source's.
  std::string nginx =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"ExposedPorts\":"
      "{\"80/tcp\":{}},\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:"
      "/bin\"],\"Entrypoint\":[\"/docker-entrypoint.sh\"],\"Cmd\":[\"nginx\",\"-g\","
      "\"daemon off;\"],\"WorkingDir\":\"/\",\"StopSignal\":\"SIGQUIT\"},"
      "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
  write_test_file(dir() + "/" + config_name_, nginx);
  ASSERT_TRUE(read_docker_archive(dir(), "amd64", "", &image, &err)) << err;
  EXPECT_EQ(image.config_text, nginx);
  EXPECT_EQ(image.config_digest, digest_of(nginx));
  EXPECT_EQ(image.config.entrypoint, (std::vector<std::string>{"/docker-entrypoint.sh"}));
  EXPECT_EQ(image.config.cmd, (std::vector<std::string>{"nginx", "-g", "daemon off;"}));
  EXPECT_EQ(image.config.working_dir, "/");
  EXPECT_EQ(image.config.stop_signal, "SIGQUIT");
  EXPECT_EQ(image.config.exposed_ports, (std::vector<std::string>{"80/tcp"}));
  // Without diff_ids nothing is checked, as before.
  EXPECT_EQ(image.layers.size(), 3u);
  EXPECT_EQ(image.layers[1].descriptor.digest, "");

  write_test_file(dir() + "/" + config_name_,
                  "{\"architecture\":\"amd64\",\"config\":{\"WorkingDir\":\"data\"}}");
  // The layers are still read; the runtime config is marked unusable.
  ASSERT_TRUE(read_docker_archive(dir(), "amd64", "", &image, &err)) << err;
  EXPECT_EQ(image.config.runtime_error,
            dir() + "/" + config_name_ + ": config.WorkingDir \"data\" is not an absolute path");
  EXPECT_EQ(image.config.working_dir, "");
}

TEST_F(DockerArchiveTest, ALayerThatDoesNotMatchItsDiffIdFails) {
  write_legacy_archive("amd64", "null");
  write_test_file(dir() + "/bbb/layer.tar", base_);
  ArchiveImage image;
  std::string err;
  ASSERT_TRUE(read_docker_archive(dir(), "amd64", "", &image, &err)) << err;
  std::unique_ptr<ByteSource> source = open_archive_layer(image.layers[1], &err);
  ASSERT_TRUE(source) << err;
  std::string content;
  EXPECT_FALSE(read_all(source.get(), &content, &err));
  EXPECT_EQ(err, dir() + "/bbb/layer.tar: checksum mismatch: expected " + digest_of(top_) +
                     ", got " + digest_of(base_) +
                     "; the download is corrupt or the checksum is wrong");
}

TEST_F(DockerArchiveTest, CompressedLegacyLayersAreRecognised) {
  write_legacy_archive("amd64", "[]");
  std::string gzipped = make_tar({{TarEntry::kFile, "etc/hostname", "top\n", 0644}}, true);
  write_test_file(dir() + "/bbb/layer.tar", gzipped);
  ArchiveImage image;
  std::string err;
  ASSERT_TRUE(read_docker_archive(dir(), "amd64", "", &image, &err)) << err;
  EXPECT_EQ(image.layers[1].descriptor.media_type, kOciLayerGzipMediaType);
  // The config only knows the uncompressed digest; nothing to check against.
  EXPECT_EQ(image.layers[1].descriptor.digest, "");
}

TEST_F(DockerArchiveTest, ChecksTheArchitecture) {
  write_legacy_archive("arm64", "[\"example:1\"]");
  ArchiveImage image;
  std::string err;
  EXPECT_FALSE(read_docker_archive(dir(), "amd64", "", &image, &err));
  EXPECT_EQ(err, dir() + "/" + config_name_ + ": the image is for linux/arm64, not linux/amd64");
}

TEST_F(DockerArchiveTest, SeveralImagesNeedATag) {
  write_legacy_archive("amd64", "[\"example:1\"]");
  std::string one = "{\"Config\":\"" + config_name_ + "\",\"RepoTags\":[\"example:1\"]," +
                    "\"Layers\":[\"aaa/layer.tar\"]}";
  std::string two = "{\"Config\":\"" + config_name_ + "\",\"RepoTags\":[\"other:latest\"]," +
                    "\"Layers\":[\"bbb/layer.tar\"]}";
  write_test_file(dir() + "/manifest.json", "[" + one + "," + two + "]");
  ArchiveImage image;
  std::string err;
  EXPECT_FALSE(read_docker_archive(dir(), "amd64", "", &image, &err));
  EXPECT_EQ(err, dir() +
                     "/manifest.json: holds 2 images; choose one by tag: example:1, "
                     "other:latest");
  ASSERT_TRUE(read_docker_archive(dir(), "amd64", "other", &image, &err)) << err;
  ASSERT_EQ(image.layers.size(), 1u);
  EXPECT_EQ(image.layers[0].path, dir() + "/bbb/layer.tar");
}

TEST_F(DockerArchiveTest, PathsMustStayInsideTheArchive) {
  write_legacy_archive("amd64", "[]");
  write_test_file(scratch_.path() + "/outside.tar", base_);
  ArchiveImage image;
  std::string err;
  for (std::string bad : {"../outside.tar", "/etc/passwd", "aaa/../../outside.tar", ""}) {
    write_test_file(dir() + "/manifest.json",
                    "[{\"Config\":\"" + config_name_ + "\",\"Layers\":[\"" + bad + "\"]}]");
    EXPECT_FALSE(read_docker_archive(dir(), "amd64", "", &image, &err)) << bad;
    EXPECT_EQ(err, dir() + "/manifest.json: path \"" + bad +
                       "\" is not a relative path inside the archive; refusing it");
  }
  ASSERT_EQ(::symlink("../outside.tar", (dir() + "/escape.tar").c_str()), 0);
  write_test_file(dir() + "/manifest.json",
                  "[{\"Config\":\"" + config_name_ + "\",\"Layers\":[\"escape.tar\"]}]");
  EXPECT_FALSE(read_docker_archive(dir(), "amd64", "", &image, &err));
  EXPECT_EQ(err, dir() + "/escape.tar leads out of " + dir() + " (to " + scratch_.path() +
                     "/outside.tar); refusing it");
  write_test_file(dir() + "/manifest.json",
                  "[{\"Config\":\"" + config_name_ + "\",\"Layers\":[\"missing.tar\"]}]");
  EXPECT_FALSE(read_docker_archive(dir(), "amd64", "", &image, &err));
  EXPECT_EQ(err, dir() + "/manifest.json: missing.tar is missing from the archive");
  write_test_file(dir() + "/manifest.json", "{}");
  EXPECT_FALSE(read_docker_archive(dir(), "amd64", "", &image, &err));
  EXPECT_EQ(err, dir() + "/manifest.json: not a JSON array (is this a docker save archive?)");
  std::filesystem::remove(dir() + "/manifest.json");
  EXPECT_FALSE(read_docker_archive(dir(), "amd64", "", &image, &err));
  EXPECT_EQ(err, dir() + ": not a docker save archive (no manifest.json) nor an OCI image layout");
}

TEST_F(DockerArchiveTest, PrefersTheOciLayoutOfNewerArchives) {
  // Newer docker writes both; the legacy manifest.json here is broken on
  // purpose, so only the OCI path can succeed.
  test_support::TestImage written = test_support::write_test_oci_layout(dir(), "1", "amd64");
  write_test_file(dir() + "/manifest.json", "broken");
  ArchiveImage image;
  std::string err;
  ASSERT_TRUE(read_docker_archive(dir(), "amd64", "", &image, &err)) << err;
  ASSERT_EQ(image.layers.size(), 2u);
  EXPECT_EQ(image.layers[1].path, dir() + "/blobs/sha256/" + written.layers[1].digest.substr(7));
  EXPECT_EQ(image.layers[1].descriptor.digest, written.layers[1].digest);
  std::unique_ptr<ByteSource> source = open_archive_layer(image.layers[1], &err);
  ASSERT_TRUE(source) << err;
  std::string content;
  ASSERT_TRUE(read_all(source.get(), &content, &err)) << err;
  EXPECT_EQ(content, written.layers[1].content);
  // The config comes from the layout, checked against the manifest's digest.
  EXPECT_EQ(image.config_text, written.config);
  EXPECT_EQ(image.config_digest, written.config_digest);
  EXPECT_EQ(image.config.cmd, (std::vector<std::string>{"/bin/sh"}));
}

}  // namespace
}  // namespace sdme::import
