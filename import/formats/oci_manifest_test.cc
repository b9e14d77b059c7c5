// Tests for OCI and Docker manifest parsing, media types, platform choice
// and the walk from an index to the layers.
#include "import/formats/oci_manifest.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "import/formats/sha256.h"
#include "tests/support/oci_test_image.h"

namespace sdme::import {
namespace {

using test_support::digest_of;
using test_support::TestLayer;

const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(64, 'b');
const std::string kDigestC = "sha256:" + std::string(64, 'c');

std::string index_entry(const std::string& digest, const std::string& platform,
                        const std::string& media_type = std::string(kOciImageManifestMediaType)) {
  std::string entry =
      "{\"mediaType\":\"" + media_type + "\",\"digest\":\"" + digest + "\",\"size\":10";
  if (!platform.empty()) entry += ",\"platform\":" + platform;
  return entry + "}";
}

ImageIndex parse_index_or_die(const std::string& text) {
  ImageIndex index;
  std::string err;
  EXPECT_TRUE(parse_image_index(text, "index", &index, &err)) << err;
  return index;
}

TEST(ValidateDigestTest, AcceptsOnlySha256WithLowerHex) {
  std::string err;
  EXPECT_TRUE(validate_digest(kDigestA, &err));
  for (std::string bad :
       {std::string("sha256:") + std::string(64, 'A'),
        std::string("sha256:") + std::string(63, 'a'),
        std::string("sha512:") + std::string(64, 'a'),
        std::string("sha256:../../") + std::string(58, 'a'), std::string(""), kDigestA + "/"}) {
    EXPECT_FALSE(validate_digest(bad, &err)) << bad;
  }
  EXPECT_FALSE(validate_digest("sha256:../etc", &err));
  EXPECT_EQ(err,
            "invalid digest \"sha256:../etc\": expected sha256: followed by 64 lower-case "
            "hexadecimal digits");
}

TEST(HostOciArchitectureTest, NamesThisMachine) {
  std::string architecture = host_oci_architecture();
#if defined(__x86_64__)
  EXPECT_EQ(architecture, "amd64");
#elif defined(__aarch64__)
  EXPECT_EQ(architecture, "arm64");
#else
  EXPECT_FALSE(architecture.empty());
#endif
}

TEST(DetectManifestMediaTypeTest, PrefersTheDocumentsOwnField) {
  std::string type, err;
  ASSERT_TRUE(detect_manifest_media_type(
      "{\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\"}",
      kOciImageManifestMediaType, "m", &type, &err));
  EXPECT_EQ(type, kDockerManifestListMediaType);
}

TEST(DetectManifestMediaTypeTest, FallsBackToContentTypeThenFields) {
  std::string type, err;
  ASSERT_TRUE(detect_manifest_media_type(
      "{}", "application/vnd.docker.distribution.manifest.v2+json; charset=utf-8", "m", &type,
      &err));
  EXPECT_EQ(type, kDockerManifestMediaType);
  ASSERT_TRUE(detect_manifest_media_type("{\"manifests\":[]}", "", "m", &type, &err));
  EXPECT_EQ(type, kOciImageIndexMediaType);
  ASSERT_TRUE(detect_manifest_media_type("{\"config\":{},\"layers\":[]}", "application/json", "m",
                                         &type, &err));
  EXPECT_EQ(type, kOciImageManifestMediaType);
}

TEST(DetectManifestMediaTypeTest, RefusesSchema1AndOtherDocuments) {
  std::string type, err;
  EXPECT_FALSE(
      detect_manifest_media_type("{\"schemaVersion\":1,\"fsLayers\":[]}", "", "URL", &type, &err));
  EXPECT_EQ(err,
            "URL: a Docker schema 1 manifest, which sdme does not support; push the image again "
            "with a current tool");
  EXPECT_FALSE(
      detect_manifest_media_type("{\"mediaType\":\"text/plain\"}", "", "URL", &type, &err));
  EXPECT_EQ(err, "URL: not an image index or image manifest (media type text/plain)");
  EXPECT_FALSE(detect_manifest_media_type("[1]", "", "URL", &type, &err));
  EXPECT_EQ(err, "URL: not a JSON object");
  EXPECT_FALSE(detect_manifest_media_type("{", "", "URL", &type, &err));
  EXPECT_EQ(err, "URL: not valid JSON");
}

TEST(ParseImageManifestTest, ReadsOciAndDockerManifests) {
  std::vector<TestLayer> layers = {
      {std::string(kOciLayerGzipMediaType), kDigestA, "12345"},
      {std::string(kOciLayerZstdMediaType), kDigestB, "1"},
      {std::string(kOciLayerTarMediaType), kDigestC, ""},
  };
  ImageManifest manifest;
  std::string err;
  ASSERT_TRUE(
      parse_image_manifest(test_support::manifest_json(kDigestC, 7, layers), "m", &manifest, &err))
      << err;
  EXPECT_EQ(manifest.media_type, kOciImageManifestMediaType);
  EXPECT_EQ(manifest.config.digest, kDigestC);
  EXPECT_EQ(manifest.config.size, 7u);
  ASSERT_EQ(manifest.layers.size(), 3u);
  EXPECT_EQ(manifest.layers[0].media_type, kOciLayerGzipMediaType);
  EXPECT_EQ(manifest.layers[0].digest, kDigestA);
  EXPECT_EQ(manifest.layers[0].size, 5u);
  EXPECT_EQ(manifest.layers[1].digest, kDigestB);
  EXPECT_EQ(manifest.layers[2].size, 0u);

  std::vector<TestLayer> docker_layers = {{std::string(kDockerLayerGzipMediaType), kDigestB, "xy"}};
  ASSERT_TRUE(
      parse_image_manifest(test_support::manifest_json(kDigestA, 3, docker_layers,
                                                       std::string(kDockerManifestMediaType)),
                           "m", &manifest, &err))
      << err;
  EXPECT_EQ(manifest.media_type, kDockerManifestMediaType);
  ASSERT_EQ(manifest.layers.size(), 1u);
  EXPECT_EQ(manifest.layers[0].media_type, kDockerLayerGzipMediaType);
}

TEST(ParseImageManifestTest, RefusesForeignAndUnknownLayers) {
  ImageManifest manifest;
  std::string err;
  std::vector<TestLayer> foreign = {
      {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", kDigestA, "1"}};
  EXPECT_FALSE(parse_image_manifest(test_support::manifest_json(kDigestC, 7, foreign), "m",
                                    &manifest, &err));
  EXPECT_EQ(err, "m: layer " + kDigestA +
                     " is a foreign (non-distributable) layer "
                     "(application/vnd.docker.image.rootfs.foreign.diff.tar.gzip) that is not "
                     "stored with the image; sdme cannot import such images");
  std::vector<TestLayer> nondistributable = {
      {"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", kDigestA, "1"}};
  EXPECT_FALSE(parse_image_manifest(test_support::manifest_json(kDigestC, 7, nondistributable), "m",
                                    &manifest, &err));
  EXPECT_NE(err.find("is a foreign (non-distributable) layer"), std::string::npos) << err;
  std::vector<TestLayer> unknown = {{"application/x-squashfs", kDigestA, "1"}};
  EXPECT_FALSE(parse_image_manifest(test_support::manifest_json(kDigestC, 7, unknown), "m",
                                    &manifest, &err));
  EXPECT_EQ(err, "m: layer " + kDigestA +
                     " has media type \"application/x-squashfs\", which sdme cannot unpack "
                     "(expected a tar, tar+gzip or tar+zstd layer)");
}

TEST(ParseImageManifestTest, RefusesArtifactsAndBadFields) {
  ImageManifest manifest;
  std::string err;
  EXPECT_FALSE(parse_image_manifest(
      "{\"config\":{\"mediaType\":\"application/vnd.cncf.helm.config.v1+json\",\"digest\":\"" +
          kDigestA + "\"},\"layers\":[]}",
      "m", &manifest, &err));
  EXPECT_EQ(err,
            "m: not a container image (its config has media type "
            "\"application/vnd.cncf.helm.config.v1+json\")");
  EXPECT_FALSE(parse_image_manifest("{\"config\":{\"mediaType\":\"" +
                                        std::string(kOciImageConfigMediaType) +
                                        "\",\"digest\":\"sha256:../x\"},\"layers\":[]}",
                                    "m", &manifest, &err));
  EXPECT_EQ(err,
            "m: invalid digest \"sha256:../x\": expected sha256: followed by 64 lower-case "
            "hexadecimal digits");
  EXPECT_FALSE(parse_image_manifest("{\"config\":{\"mediaType\":\"" +
                                        std::string(kOciImageConfigMediaType) + "\",\"digest\":\"" +
                                        kDigestA + "\",\"size\":-1},\"layers\":[]}",
                                    "m", &manifest, &err));
  EXPECT_EQ(err, "m: field \"size\" of " + kDigestA + " is not a size");
  EXPECT_FALSE(parse_image_manifest("{\"config\":{\"mediaType\":\"" +
                                        std::string(kOciImageConfigMediaType) + "\",\"digest\":\"" +
                                        kDigestA + "\"},\"layers\":{}}",
                                    "m", &manifest, &err));
  EXPECT_EQ(err, "m: field \"layers\" is missing or not an array");
  EXPECT_FALSE(parse_image_manifest("{\"layers\":[]}", "m", &manifest, &err));
  EXPECT_EQ(err, "m: field \"config\" is missing");
  EXPECT_FALSE(parse_image_manifest("{\"mediaType\":5}", "m", &manifest, &err));
  EXPECT_EQ(err, "m: field \"mediaType\" is not a string");
}

TEST(ParseImageConfigTest, ReadsPlatformAndDiffIds) {
  ImageConfig config;
  std::string err;
  ASSERT_TRUE(parse_image_config(test_support::config_json("linux", "arm/v7", {kDigestA, kDigestB}),
                                 "c", &config, &err))
      << err;
  EXPECT_EQ(config.os, "linux");
  EXPECT_EQ(config.architecture, "arm");
  EXPECT_EQ(config.variant, "v7");
  EXPECT_EQ(config.diff_ids, (std::vector<std::string>{kDigestA, kDigestB}));
  EXPECT_FALSE(parse_image_config("{\"architecture\":[]}", "c", &config, &err));
  EXPECT_EQ(err, "c: field \"architecture\" is not a string");
}

TEST(CheckConfigPlatformTest, ComparesOsArchitectureAndVariant) {
  std::string err;
  ImageConfig config{"linux", "arm", "v7", {}};
  EXPECT_TRUE(check_config_platform(config, "arm/v7", "c", &err)) << err;
  EXPECT_TRUE(check_config_platform(config, "arm", "c", &err)) << err;
  EXPECT_FALSE(check_config_platform(config, "arm/v6", "c", &err));
  EXPECT_EQ(err, "c: the image is for linux/arm/v7, not linux/arm/v6");
  EXPECT_FALSE(check_config_platform(config, "amd64", "c", &err));
  EXPECT_EQ(err, "c: the image is for linux/arm/v7, not linux/amd64");
  ImageConfig windows{"windows", "amd64", "", {}};
  EXPECT_FALSE(check_config_platform(windows, "amd64", "c", &err));
  EXPECT_EQ(err, "c: the image is for windows/amd64, not linux/amd64");
  ImageConfig unnamed;
  EXPECT_FALSE(check_config_platform(unnamed, "amd64", "c", &err));
  EXPECT_EQ(err, "c: the image is for an unnamed architecture, not linux/amd64");
}

TEST(SelectFromIndexTest, ChoosesByOsArchitectureAndVariant) {
  ImageIndex index = parse_index_or_die(
      "{\"manifests\":[" +
      index_entry(kDigestA, "{\"os\":\"windows\",\"architecture\":\"amd64\"}") + "," +
      index_entry(kDigestB, "{\"os\":\"linux\",\"architecture\":\"amd64\"}") + "," +
      index_entry(kDigestC, "{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}") +
      "," +
      index_entry("sha256:" + std::string(64, 'd'),
                  "{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}") +
      "," +
      index_entry("sha256:" + std::string(64, 'e'),
                  "{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}") +
      "]}");
  Descriptor chosen;
  std::string err;
  ASSERT_TRUE(select_from_index(index, "amd64", "", "i", &chosen, &err)) << err;
  EXPECT_EQ(chosen.digest, kDigestB);
  ASSERT_TRUE(select_from_index(index, "arm/v7", "", "i", &chosen, &err)) << err;
  EXPECT_EQ(chosen.digest, "sha256:" + std::string(64, 'd'));
  ASSERT_TRUE(select_from_index(index, "arm/v6", "", "i", &chosen, &err)) << err;
  EXPECT_EQ(chosen.digest, kDigestC);
  ASSERT_TRUE(select_from_index(index, "arm64", "", "i", &chosen, &err)) << err;
  EXPECT_EQ(chosen.digest, "sha256:" + std::string(64, 'e'));
  EXPECT_FALSE(select_from_index(index, "riscv64", "", "i", &chosen, &err));
  EXPECT_EQ(err,
            "i: no image for linux/riscv64; available platforms: windows/amd64, linux/amd64, "
            "linux/arm/v6, linux/arm/v7, linux/arm64/v8");
}

TEST(SelectFromIndexTest, SkipsArtifactsAndTakesTheOnlyUnlabelledImage) {
  ImageIndex index = parse_index_or_die(
      "{\"manifests\":[" + index_entry(kDigestA, "", "application/vnd.example.signature") + "," +
      index_entry(kDigestB, "") + "]}");
  Descriptor chosen;
  std::string err;
  ASSERT_TRUE(select_from_index(index, "amd64", "", "i", &chosen, &err)) << err;
  EXPECT_EQ(chosen.digest, kDigestB);
}

TEST(SelectFromIndexTest, ChoosesByNameAmongUnlabelledImages) {
  auto named = [](const std::string& digest, const std::string& ref,
                  const std::string& containerd) {
    return "{\"mediaType\":\"" + std::string(kOciImageManifestMediaType) + "\",\"digest\":\"" +
           digest + "\",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + ref +
           "\",\"io.containerd.image.name\":\"" + containerd + "\"}}";
  };
  ImageIndex index =
      parse_index_or_die("{\"manifests\":[" + named(kDigestA, "12", "docker.io/library/debian:12") +
                         "," + named(kDigestB, "3.19", "docker.io/library/alpine:3.19") + "]}");
  Descriptor chosen;
  std::string err;
  ASSERT_TRUE(select_from_index(index, "amd64", "3.19", "i", &chosen, &err)) << err;
  EXPECT_EQ(chosen.digest, kDigestB);
  ASSERT_TRUE(select_from_index(index, "amd64", "debian:12", "i", &chosen, &err)) << err;
  EXPECT_EQ(chosen.digest, kDigestA);
  ASSERT_TRUE(select_from_index(index, "amd64", "docker.io/library/debian:12", "i", &chosen, &err));
  EXPECT_EQ(chosen.digest, kDigestA);
  EXPECT_FALSE(select_from_index(index, "amd64", "bian:12", "i", &chosen, &err));
  EXPECT_EQ(err, "i: no image named \"bian:12\"; available: 12, 3.19");
  EXPECT_FALSE(select_from_index(index, "amd64", "", "i", &chosen, &err));
  EXPECT_EQ(err, "i: holds 2 images; name one of them: 12, 3.19");
  EXPECT_FALSE(
      select_from_index(parse_index_or_die("{\"manifests\":[]}"), "amd64", "", "i", &chosen, &err));
  EXPECT_EQ(err, "i: lists no images");
}

// Serves documents from a map and counts what is read.
class MapStore : public ManifestStore {
 public:
  std::map<std::string, std::string> blobs;
  bool read_manifest(const Descriptor& descriptor, std::string* content, std::string* content_type,
                     std::string* err) override {
    content_type->clear();
    return read_config(descriptor, content, err);
  }
  bool read_config(const Descriptor& descriptor, std::string* content, std::string* err) override {
    auto it = blobs.find(descriptor.digest);
    if (it == blobs.end()) {
      *err = "no blob " + descriptor.digest;
      return false;
    }
    *content = it->second;
    return true;
  }
  std::string describe(const Descriptor& descriptor) const override {
    return "blob " + descriptor.digest.substr(7, 8);
  }
  std::string add(const std::string& content) {
    blobs[digest_of(content)] = content;
    return digest_of(content);
  }
};

TEST(ResolveImageLayersTest, WalksNestedIndexesToTheLayers) {
  MapStore store;
  std::string config = test_support::config_json("linux", "amd64", {});
  std::string config_digest = store.add(config);
  std::vector<TestLayer> layers = {{std::string(kOciLayerGzipMediaType), kDigestA, "abc"}};
  std::string manifest = test_support::manifest_json(config_digest, config.size(), layers);
  std::string manifest_digest = store.add(manifest);
  std::string inner =
      "{\"mediaType\":\"" + std::string(kOciImageIndexMediaType) + "\",\"manifests\":[" +
      index_entry(manifest_digest, "{\"os\":\"linux\",\"architecture\":\"amd64\"}") + "]}";
  // The entry's size must be the manifest's real size.
  inner.replace(inner.find("\"size\":10"), 9, "\"size\":" + std::to_string(manifest.size()));
  std::string inner_digest = store.add(inner);
  std::string top = "{\"manifests\":[{\"mediaType\":\"" + std::string(kOciImageIndexMediaType) +
                    "\",\"digest\":\"" + inner_digest + "\"}]}";
  std::vector<LayerDescriptor> result;
  std::string err;
  ASSERT_TRUE(resolve_image_layers(store, top, "", "top", "amd64", "", &result, &err)) << err;
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].digest, kDigestA);
  EXPECT_EQ(result[0].size, 3u);

  EXPECT_FALSE(resolve_image_layers(store, top, "", "top", "arm64", "", &result, &err));
  EXPECT_EQ(err, "blob " + inner_digest.substr(7, 8) +
                     ": no image for linux/arm64; available platforms: linux/amd64");
}

TEST(ResolveImageLayersTest, ChecksDigestsSizesAndTheConfigPlatform) {
  MapStore store;
  std::string config = test_support::config_json("linux", "arm64", {});
  std::string config_digest = store.add(config);
  std::string manifest = test_support::manifest_json(config_digest, config.size(), {});
  std::string err;
  std::vector<LayerDescriptor> result;
  // The manifest at the top is taken as it is; the config is checked.
  EXPECT_FALSE(resolve_image_layers(store, manifest, "", "top", "amd64", "", &result, &err));
  EXPECT_EQ(err, "blob " + config_digest.substr(7, 8) +
                     ": the image is for linux/arm64, not linux/amd64");
  // A document whose bytes are not what its digest says.
  std::string manifest_digest = store.add(manifest);
  store.blobs[manifest_digest] = manifest + " ";
  std::string top = "{\"manifests\":[" + index_entry(manifest_digest, "") + "]}";
  top.replace(top.find("\"size\":10"), 9, "\"size\":" + std::to_string(manifest.size() + 1));
  EXPECT_FALSE(resolve_image_layers(store, top, "", "top", "arm64", "", &result, &err));
  EXPECT_EQ(err, "blob " + manifest_digest.substr(7, 8) + ": digest mismatch: expected " +
                     manifest_digest + ", got " + digest_of(manifest + " ") +
                     "; the image is corrupt");
  // And one whose size is not.
  store.blobs[manifest_digest] = manifest;
  EXPECT_FALSE(resolve_image_layers(store, top, "", "top", "arm64", "", &result, &err));
  EXPECT_EQ(err, "blob " + manifest_digest.substr(7, 8) + ": size mismatch: expected " +
                     std::to_string(manifest.size() + 1) + " bytes, got " +
                     std::to_string(manifest.size()) + "; the image is corrupt");
}

TEST(ResolveImageLayersTest, TheDocumentMustBeWhatTheIndexSays) {
  MapStore store;
  std::string inner =
      "{\"mediaType\":\"" + std::string(kOciImageIndexMediaType) + "\",\"manifests\":[]}";
  std::string inner_digest = store.add(inner);
  std::string top = "{\"manifests\":[{\"mediaType\":\"" + std::string(kOciImageManifestMediaType) +
                    "\",\"digest\":\"" + inner_digest + "\"}]}";
  std::vector<LayerDescriptor> result;
  std::string err;
  EXPECT_FALSE(resolve_image_layers(store, top, "", "top", "amd64", "", &result, &err));
  EXPECT_EQ(err, "blob " + inner_digest.substr(7, 8) + ": the index lists it as " +
                     std::string(kOciImageManifestMediaType) + " but it is " +
                     std::string(kOciImageIndexMediaType));
}

}  // namespace
}  // namespace sdme::import
