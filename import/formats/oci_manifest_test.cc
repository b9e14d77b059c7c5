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

// An image config's runtime part wrapped in a document, as `docker inspect`
// and registries show them: the platform, the "config" object, and the
// build's "container_config" and history, which sdme ignores.
std::string config_with(const std::string& runtime) {
  return "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":" + runtime +
         ",\"created\":\"2023-11-21T05:21:56Z\",\"history\":[{\"created_by\":\"CMD [\\\"sh\\\"]\","
         "\"empty_layer\":true}],\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" +
         kDigestA + "\"]}}";
}

ImageConfig parse_config_or_die(const std::string& text) {
  ImageConfig config;
  std::string err;
  EXPECT_TRUE(parse_image_config(text, "c", &config, &err)) << err;
  return config;
}

// Why a runtime config cannot be used: the parse still succeeds, with
// the platform and layers, and empty runtime fields.
std::string parse_config_error(const std::string& runtime) {
  ImageConfig config;
  std::string err;
  EXPECT_TRUE(parse_image_config(config_with(runtime), "c", &config, &err)) << err;
  EXPECT_EQ(config.architecture, "amd64") << runtime;
  EXPECT_EQ(config.diff_ids.size(), 1u) << runtime;
  EXPECT_TRUE(config.cmd.empty() && config.env.empty() && config.user.empty()) << runtime;
  EXPECT_FALSE(config.runtime_error.empty()) << runtime;
  return config.runtime_error;
}

TEST(ParseImageConfigTest, ReadsAnNginxLikeRuntimeConfig) {
  // nginx:1.25 as Docker Hub serves it; container_config (the build's last
  // step, with a Cmd of its own and an Env entry sdme would refuse) is ignored.
  std::string text =
      "{\"architecture\":\"amd64\",\"config\":{\"ExposedPorts\":{\"80/tcp\":{}},"
      "\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
      "\"NGINX_VERSION=1.25.3\",\"NJS_VERSION=0.8.2\",\"PKG_RELEASE=1~bookworm\"],"
      "\"Entrypoint\":[\"/docker-entrypoint.sh\"],\"Cmd\":[\"nginx\",\"-g\",\"daemon off;\"],"
      "\"Labels\":{\"maintainer\":\"NGINX Docker Maintainers <docker-maint@nginx.com>\"},"
      "\"StopSignal\":\"SIGQUIT\",\"ArgsEscaped\":true,\"OnBuild\":null,\"Volumes\":null},"
      "\"container_config\":{\"Cmd\":[\"/bin/sh\",\"-c\",\"#(nop) \",\"CMD "
      "[\\\"nginx\\\"]\"],\"Env\":[\"not an assignment\"]},"
      "\"created\":\"2023-11-21T05:21:56Z\",\"os\":\"linux\","
      "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" +
      kDigestA + "\",\"" + kDigestB + "\"]}}";
  ImageConfig config = parse_config_or_die(text);
  EXPECT_EQ(config.os, "linux");
  EXPECT_EQ(config.architecture, "amd64");
  EXPECT_EQ(config.diff_ids, (std::vector<std::string>{kDigestA, kDigestB}));
  EXPECT_TRUE(config.has_entrypoint);
  EXPECT_EQ(config.entrypoint, (std::vector<std::string>{"/docker-entrypoint.sh"}));
  EXPECT_TRUE(config.has_cmd);
  EXPECT_EQ(config.cmd, (std::vector<std::string>{"nginx", "-g", "daemon off;"}));
  EXPECT_EQ(config.env,
            (std::vector<std::string>{
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "NGINX_VERSION=1.25.3", "NJS_VERSION=0.8.2", "PKG_RELEASE=1~bookworm"}));
  EXPECT_EQ(config.user, "");
  EXPECT_EQ(config.working_dir, "");
  EXPECT_EQ(config.stop_signal, "SIGQUIT");
  EXPECT_EQ(config.exposed_ports, (std::vector<std::string>{"80/tcp"}));
}

TEST(ParseImageConfigTest, ReadsABusyboxLikeConfigWithOnlyCmd) {
  ImageConfig config = parse_config_or_die(config_with(
      "{\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],"
      "\"Cmd\":[\"sh\"]}"));
  EXPECT_FALSE(config.has_entrypoint);
  EXPECT_TRUE(config.entrypoint.empty());
  EXPECT_TRUE(config.has_cmd);
  EXPECT_EQ(config.cmd, (std::vector<std::string>{"sh"}));
  EXPECT_EQ(config.env.size(), 1u);
  EXPECT_EQ(config.stop_signal, "");
  EXPECT_TRUE(config.exposed_ports.empty());
}

TEST(ParseImageConfigTest, ReadsARedisLikeConfigWithWorkingDirAndSortsPorts) {
  ImageConfig config = parse_config_or_die(
      config_with("{\"ExposedPorts\":{\"8080/tcp\":{},\"6379/tcp\":{},\"53/udp\":null,\"443\":{}},"
                  "\"Entrypoint\":[\"docker-entrypoint.sh\"],\"Cmd\":[\"redis-server\"],"
                  "\"WorkingDir\":\"/data\",\"User\":\"redis\"}"));
  EXPECT_EQ(config.entrypoint, (std::vector<std::string>{"docker-entrypoint.sh"}));
  EXPECT_EQ(config.cmd, (std::vector<std::string>{"redis-server"}));
  EXPECT_EQ(config.working_dir, "/data");
  EXPECT_EQ(config.user, "redis");
  EXPECT_EQ(config.exposed_ports,
            (std::vector<std::string>{"443", "53/udp", "6379/tcp", "8080/tcp"}));
}

TEST(ParseImageConfigTest, NullAndAbsentListsAreEmptyAndNotPresent) {
  // Entrypoint null as docker writes it after ENTRYPOINT []; an explicit
  // empty Cmd is present.
  ImageConfig config =
      parse_config_or_die(config_with("{\"Entrypoint\":null,\"Cmd\":[],\"Env\":null}"));
  EXPECT_FALSE(config.has_entrypoint);
  EXPECT_TRUE(config.entrypoint.empty());
  EXPECT_TRUE(config.has_cmd);
  EXPECT_TRUE(config.cmd.empty());
  EXPECT_TRUE(config.env.empty());
  config = parse_config_or_die(config_with("{\"Entrypoint\":[]}"));
  EXPECT_TRUE(config.has_entrypoint);
  EXPECT_FALSE(config.has_cmd);
  // No config object at all (a base image built without one), or a null one.
  for (std::string text :
       {std::string("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                    "\"diff_ids\":[]}}"),
        config_with("null")}) {
    config = parse_config_or_die(text);
    EXPECT_FALSE(config.has_entrypoint) << text;
    EXPECT_FALSE(config.has_cmd) << text;
    EXPECT_TRUE(config.cmd.empty()) << text;
    EXPECT_TRUE(config.env.empty()) << text;
    EXPECT_EQ(config.architecture, "amd64") << text;
  }
}

TEST(ParseImageConfigTest, KeepsUserAsWritten) {
  for (std::string user : {"1000", "1000:1000", "nginx", "nginx:www-data", ""}) {
    ImageConfig config = parse_config_or_die(config_with("{\"User\":\"" + user + "\"}"));
    EXPECT_EQ(config.user, user);
  }
}

TEST(ParseImageConfigTest, RefusesFieldsOfTheWrongType) {
  EXPECT_EQ(parse_config_error("[]"), "c: field \"config\" is not an object");
  EXPECT_EQ(parse_config_error("{\"Entrypoint\":\"/bin/sh\"}"),
            "c: field \"config.Entrypoint\" is not an array");
  EXPECT_EQ(parse_config_error("{\"Cmd\":\"sh\"}"), "c: field \"config.Cmd\" is not an array");
  EXPECT_EQ(parse_config_error("{\"Cmd\":[\"sh\",1]}"), "c: config.Cmd[1] is not a string");
  EXPECT_EQ(parse_config_error("{\"Entrypoint\":[null]}"),
            "c: config.Entrypoint[0] is not a string");
  EXPECT_EQ(parse_config_error("{\"Env\":{\"A\":\"1\"}}"),
            "c: field \"config.Env\" is not an array");
  EXPECT_EQ(parse_config_error("{\"Env\":[\"A=1\",\"B=2\",[\"C=3\"]]}"),
            "c: config.Env[2] is not a string");
  EXPECT_EQ(parse_config_error("{\"User\":1000}"), "c: field \"config.User\" is not a string");
  EXPECT_EQ(parse_config_error("{\"WorkingDir\":[\"/\"]}"),
            "c: field \"config.WorkingDir\" is not a string");
  EXPECT_EQ(parse_config_error("{\"StopSignal\":3}"),
            "c: field \"config.StopSignal\" is not a string");
  EXPECT_EQ(parse_config_error("{\"ExposedPorts\":[\"80/tcp\"]}"),
            "c: field \"config.ExposedPorts\" is not an object");
  EXPECT_EQ(parse_config_error("{\"ExposedPorts\":{\"80/tcp\":true}}"),
            "c: config.ExposedPorts[\"80/tcp\"] is not an object");
}

TEST(ParseImageConfigTest, RefusesEnvEntriesThatAreNotAssignments) {
  EXPECT_EQ(parse_config_error("{\"Env\":[\"PATH=/bin\",\"DEBUG\"]}"),
            "c: config.Env[1] \"DEBUG\" is not NAME=VALUE");
  EXPECT_EQ(parse_config_error("{\"Env\":[\"=value\"]}"),
            "c: config.Env[0] \"=value\" has an empty variable name");
  for (std::string bad : {"1ST=x", "A-B=x", "A B=x", "A.B=x", "\u00e9T\u00e9=x"}) {
    EXPECT_EQ(parse_config_error("{\"Env\":[\"" + bad + "\"]}"),
              "c: config.Env[0] \"" + bad +
                  "\" has an invalid variable name (expected letters, digits and underscores, "
                  "not starting with a digit)");
  }
  // Values may hold anything printable, '=' included; names may start with _.
  ImageConfig config =
      parse_config_or_die(config_with("{\"Env\":[\"_A1=x=y\",\"EMPTY=\",\"Q=\\\"a b\\\"\"]}"));
  EXPECT_EQ(config.env, (std::vector<std::string>{"_A1=x=y", "EMPTY=", "Q=\"a b\""}));
  // A long entry is shown cut short.
  std::string long_name(200, 'X');
  EXPECT_EQ(parse_config_error("{\"Env\":[\"" + long_name + "\"]}"),
            "c: config.Env[0] \"" + std::string(64, 'X') + "...\" is not NAME=VALUE");
}

TEST(ParseImageConfigTest, RefusesARelativeWorkingDir) {
  EXPECT_EQ(parse_config_error("{\"WorkingDir\":\"app\"}"),
            "c: config.WorkingDir \"app\" is not an absolute path");
  EXPECT_EQ(parse_config_error("{\"WorkingDir\":\"./app\"}"),
            "c: config.WorkingDir \"./app\" is not an absolute path");
  EXPECT_EQ(parse_config_or_die(config_with("{\"WorkingDir\":\"\"}")).working_dir, "");
  EXPECT_EQ(parse_config_or_die(config_with("{\"WorkingDir\":\"/\"}")).working_dir, "/");
}

TEST(ParseImageConfigTest, MarksControlCharactersWhereAUnitLineCannotHoldThem) {
  // Each would land in a unit file as it is; a newline there starts a line
  // of its own. An argument can hold anything but NUL.
  EXPECT_EQ(parse_config_error("{\"Cmd\":[\"a\",\"b\\u0000c\"]}"),
            "c: config.Cmd[1] holds a control character (\\x00)");
  // Arguments carry every other character: ExecStart= quoting escapes them.
  EXPECT_EQ(parse_config_or_die(config_with("{\"Cmd\":[\"a\\tb\",\"c\\nd\"]}")).cmd,
            (std::vector<std::string>{"a\tb", "c\nd"}));
  EXPECT_EQ(parse_config_error("{\"Env\":[\"A=1\\nExecStartPre=/bin/evil\"]}"),
            "c: config.Env[0] holds a control character (\\x0a)");
  EXPECT_EQ(parse_config_error("{\"User\":\"root\\r\"}"),
            "c: config.User holds a control character (\\x0d)");
  EXPECT_EQ(parse_config_error("{\"WorkingDir\":\"/srv\\u007f\"}"),
            "c: config.WorkingDir holds a control character (\\x7f)");
  EXPECT_EQ(parse_config_error("{\"StopSignal\":\"SIGQUIT\\n\"}"),
            "c: config.StopSignal holds a control character (\\x0a)");
  EXPECT_EQ(parse_config_error("{\"ExposedPorts\":{\"80/tcp\\n\":{}}}"),
            "c: config.ExposedPorts[\"80/tcp\\x0a\"] holds a control character (\\x0a)");
  // Other UTF-8 is fine.
  EXPECT_EQ(parse_config_or_die(config_with("{\"Cmd\":[\"\u00e9t\u00e9\"]}")).cmd,
            (std::vector<std::string>{"\u00e9t\u00e9"}));
}

TEST(ParseImageConfigTest, RefusesListsAndStringsOverTheLimits) {
  auto list_of = [](size_t count, const std::string& entry) {
    std::string list = "[";
    for (size_t i = 0; i < count; ++i) list += (i ? ",\"" : "\"") + entry + "\"";
    return list + "]";
  };
  ImageConfig config =
      parse_config_or_die(config_with("{\"Cmd\":" + list_of(kMaxRuntimeConfigEntries, "x") + "}"));
  EXPECT_EQ(config.cmd.size(), 4096u);
  EXPECT_EQ(parse_config_error("{\"Cmd\":" + list_of(4097, "x") + "}"),
            "c: field \"config.Cmd\" has 4097 entries; at most 4096 are supported");
  EXPECT_EQ(parse_config_error("{\"Entrypoint\":" + list_of(5000, "x") + "}"),
            "c: field \"config.Entrypoint\" has 5000 entries; at most 4096 are supported");
  EXPECT_EQ(parse_config_error("{\"Env\":" + list_of(4097, "A=1") + "}"),
            "c: field \"config.Env\" has 4097 entries; at most 4096 are supported");
  std::string ports = "{";
  for (int i = 0; i < 4097; ++i) ports += (i ? ",\"" : "\"") + std::to_string(i) + "/tcp\":{}";
  EXPECT_EQ(parse_config_error("{\"ExposedPorts\":" + ports + "}}"),
            "c: field \"config.ExposedPorts\" has 4097 entries; at most 4096 are supported");

  std::string longest = "A=" + std::string(kMaxRuntimeConfigStringSize - 2, 'v');
  config = parse_config_or_die(config_with("{\"Env\":[\"" + longest + "\"]}"));
  EXPECT_EQ(config.env[0].size(), 128u << 10);
  EXPECT_EQ(parse_config_error("{\"Env\":[\"" + longest + "v\"]}"),
            "c: config.Env[0] is longer than 128 KiB");
  EXPECT_EQ(parse_config_error("{\"Cmd\":[\"sh\",\"" + std::string(200000, 'x') + "\"]}"),
            "c: config.Cmd[1] is longer than 128 KiB");
  EXPECT_EQ(parse_config_error("{\"User\":\"" + std::string(131073, 'u') + "\"}"),
            "c: config.User is longer than 128 KiB");
}

TEST(ParseImageConfigTest, AFailedParseLeavesTheConfigAlone) {
  ImageConfig config;
  config.user = "kept";
  std::string err;
  EXPECT_FALSE(parse_image_config("{\"os\":\"linux\",\"architecture\":7,\"config\":{}}", "c",
                                  &config, &err));
  EXPECT_EQ(config.user, "kept");
  EXPECT_TRUE(config.architecture.empty());
}

TEST(CheckConfigPlatformTest, ComparesOsArchitectureAndVariant) {
  std::string err;
  ImageConfig config;
  config.os = "linux";
  config.architecture = "arm";
  config.variant = "v7";
  EXPECT_TRUE(check_config_platform(config, "arm/v7", "c", &err)) << err;
  EXPECT_TRUE(check_config_platform(config, "arm", "c", &err)) << err;
  EXPECT_FALSE(check_config_platform(config, "arm/v6", "c", &err));
  EXPECT_EQ(err, "c: the image is for linux/arm/v7, not linux/arm/v6");
  EXPECT_FALSE(check_config_platform(config, "amd64", "c", &err));
  EXPECT_EQ(err, "c: the image is for linux/arm/v7, not linux/amd64");
  ImageConfig windows;
  windows.os = "windows";
  windows.architecture = "amd64";
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
  ResolvedImage result;
  std::string err;
  ASSERT_TRUE(resolve_image_layers(store, top, "", "top", "amd64", "", &result, &err)) << err;
  ASSERT_EQ(result.layers.size(), 1u);
  EXPECT_EQ(result.layers[0].digest, kDigestA);
  EXPECT_EQ(result.layers[0].size, 3u);
  // The config comes along, parsed and as the bytes that were checked.
  EXPECT_EQ(result.config_text, config);
  EXPECT_EQ(result.config_digest, config_digest);
  EXPECT_EQ(result.config.architecture, "amd64");
  EXPECT_EQ(result.config.cmd, (std::vector<std::string>{"/bin/sh"}));

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
  ResolvedImage result;
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

TEST(ResolveImageLayersTest, ABadRuntimeConfigIsNamedByItsBlob) {
  MapStore store;
  std::string config =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"NOVALUE\"]}}";
  std::string config_digest = store.add(config);
  std::string manifest = test_support::manifest_json(config_digest, config.size(), {});
  ResolvedImage result;
  std::string err;
  // The layers still resolve: a rootfs import does not need the runtime config.
  ASSERT_TRUE(resolve_image_layers(store, manifest, "", "top", "amd64", "", &result, &err)) << err;
  EXPECT_EQ(result.config.runtime_error,
            "blob " + config_digest.substr(7, 8) + ": config.Env[0] \"NOVALUE\" is not NAME=VALUE");
}

TEST(ResolveImageLayersTest, TheDocumentMustBeWhatTheIndexSays) {
  MapStore store;
  std::string inner =
      "{\"mediaType\":\"" + std::string(kOciImageIndexMediaType) + "\",\"manifests\":[]}";
  std::string inner_digest = store.add(inner);
  std::string top = "{\"manifests\":[{\"mediaType\":\"" + std::string(kOciImageManifestMediaType) +
                    "\",\"digest\":\"" + inner_digest + "\"}]}";
  ResolvedImage result;
  std::string err;
  EXPECT_FALSE(resolve_image_layers(store, top, "", "top", "amd64", "", &result, &err));
  EXPECT_EQ(err, "blob " + inner_digest.substr(7, 8) + ": the index lists it as " +
                     std::string(kOciImageManifestMediaType) + " but it is " +
                     std::string(kOciImageIndexMediaType));
}

}  // namespace
}  // namespace sdme::import
