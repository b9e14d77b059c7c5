// Tests for the registry client against a fake transport that plays a
// registry and its token service: authentication, manifest lists, digest
// checks and the messages a user sees.
#include "import/network/registry_client.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "import/formats/sha256.h"
#include "tests/support/memory_byte_source.h"
#include "tests/support/oci_test_image.h"

namespace sdme::import {
namespace {

using test_support::digest_of;
using test_support::MemoryByteSource;
using test_support::read_all;
using test_support::TestLayer;

constexpr char kBase[] = "http://127.0.0.1:5000/v2/team/app";
constexpr char kRealm[] = "http://127.0.0.1:5001/token";
constexpr char kToken[] = "secret-token";

// A registry in memory. Manifests by tag or digest under /manifests/, blobs
// under /blobs/; every request is logged with its headers.
class FakeRegistry : public RegistryTransport {
 public:
  struct Entry {
    std::string body, content_type;
  };
  std::map<std::string, Entry> manifests;  // by tag and by digest
  std::map<std::string, std::string> blobs;
  bool require_token = true;
  std::string token = kToken;
  std::vector<std::string> log;
  std::map<std::string, std::string> digest_headers;  // overrides, by URL

  bool get(const std::string& url, const std::vector<std::string>& headers,
           RegistryResponse* response, std::string* err) override {
    log.push_back("GET " + url + " [" + join_headers(headers) + "]");
    if (url.rfind(kRealm, 0) == 0) {
      response->status = 200;
      response->body = "{\"token\":\"" + token + "\",\"expires_in\":300}";
      return true;
    }
    if (!authorised(headers)) {
      response->status = 401;
      response->www_authenticate =
          std::string("Bearer realm=\"") + kRealm +
          "\",service=\"fake registry\",scope=\"repository:team/app:pull\"";
      return true;
    }
    std::string manifests_prefix = std::string(kBase) + "/manifests/";
    std::string blobs_prefix = std::string(kBase) + "/blobs/";
    if (url.rfind(manifests_prefix, 0) == 0) {
      auto it = manifests.find(url.substr(manifests_prefix.size()));
      if (it == manifests.end()) return not_found(response);
      response->status = 200;
      response->body = it->second.body;
      response->content_type = it->second.content_type;
      response->docker_content_digest =
          digest_headers.count(url) ? digest_headers[url] : digest_of(it->second.body);
      return true;
    }
    if (url.rfind(blobs_prefix, 0) == 0) {
      auto it = blobs.find(url.substr(blobs_prefix.size()));
      if (it == blobs.end()) return not_found(response);
      response->status = 200;
      response->body = it->second;
      return true;
    }
    *err = "unexpected URL " + url;
    return false;
  }

  std::unique_ptr<ByteSource> open(const std::string& url, const std::vector<std::string>& headers,
                                   std::string* err) override {
    log.push_back("OPEN " + url + " [" + join_headers(headers) + "]");
    std::string blobs_prefix = std::string(kBase) + "/blobs/";
    auto it = blobs.find(url.rfind(blobs_prefix, 0) == 0 ? url.substr(blobs_prefix.size()) : "");
    if (!authorised(headers) || it == blobs.end()) {
      *err = url + ": HTTP " + (authorised(headers) ? "404" : "401");
      return nullptr;
    }
    return std::make_unique<MemoryByteSource>(it->second, 5, url);
  }

  std::string add_blob(const std::string& content) {
    blobs[digest_of(content)] = content;
    return digest_of(content);
  }

 private:
  bool authorised(const std::vector<std::string>& headers) const {
    if (!require_token) return true;
    for (const std::string& header : headers) {
      if (header == "Authorization: Bearer " + token) return true;
    }
    return false;
  }
  static bool not_found(RegistryResponse* response) {
    response->status = 404;
    response->body = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}";
    return true;
  }
  static std::string join_headers(const std::vector<std::string>& headers) {
    std::string joined;
    for (const std::string& header : headers) joined += (joined.empty() ? "" : " | ") + header;
    return joined;
  }
};

const std::string kAccept =
    "Accept: application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

class RegistryClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(parse_registry_reference("127.0.0.1:5000/team/app:1", &reference_, &err)) << err;
    layers_ = {{std::string(kOciLayerGzipMediaType), "", "first layer"},
               {std::string(kOciLayerGzipMediaType), "", "second layer"}};
    for (TestLayer& layer : layers_) layer.digest = registry_.add_blob(layer.content);
  }

  // A Docker image for `architecture`: config, manifest; returns the manifest.
  std::string add_docker_image(const std::string& architecture) {
    std::string config = test_support::config_json("linux", architecture, {});
    std::string config_digest = registry_.add_blob(config);
    std::string manifest = test_support::manifest_json(config_digest, config.size(), layers_,
                                                       std::string(kDockerManifestMediaType));
    registry_.manifests[digest_of(manifest)] = {manifest, std::string(kDockerManifestMediaType)};
    return manifest;
  }

  std::string platform_entry(const std::string& manifest, const std::string& architecture) {
    return "{\"mediaType\":\"" + std::string(kDockerManifestMediaType) + "\",\"digest\":\"" +
           digest_of(manifest) + "\",\"size\":" + std::to_string(manifest.size()) +
           ",\"platform\":{\"os\":\"linux\",\"architecture\":\"" + architecture + "\"}}";
  }

  FakeRegistry registry_;
  RegistryReference reference_;
  std::vector<TestLayer> layers_;
};

TEST_F(RegistryClientTest, FetchesATokenThenChoosesFromAManifestList) {
  std::string amd64 = add_docker_image("amd64");
  std::string arm64 = add_docker_image("arm64");
  std::string list = "{\"schemaVersion\":2,\"mediaType\":\"" +
                     std::string(kDockerManifestListMediaType) + "\",\"manifests\":[" +
                     platform_entry(amd64, "amd64") + "," + platform_entry(arm64, "arm64") + "]}";
  registry_.manifests["1"] = {list, std::string(kDockerManifestListMediaType)};

  RegistryImage image;
  std::string err;
  ASSERT_TRUE(resolve_registry_image(registry_, reference_, "arm64", &image, &err)) << err;
  EXPECT_EQ(image.authorization, "Authorization: Bearer secret-token");
  EXPECT_EQ(image.blob_base_url, std::string(kBase) + "/blobs/");
  ASSERT_EQ(image.layers.size(), 2u);
  EXPECT_EQ(image.layers[0].digest, layers_[0].digest);
  EXPECT_EQ(image.layers[1].size, layers_[1].content.size());
  EXPECT_EQ(image.layers[1].media_type, kOciLayerGzipMediaType);
  // The config of the image chosen, as the bytes the registry sent.
  std::string arm64_config_text = test_support::config_json("linux", "arm64", {});
  EXPECT_EQ(image.config_text, arm64_config_text);
  EXPECT_EQ(image.config_digest, digest_of(arm64_config_text));
  EXPECT_EQ(image.config.architecture, "arm64");
  EXPECT_EQ(image.config.cmd, (std::vector<std::string>{"/bin/sh"}));

  std::string arm64_config = digest_of(arm64_config_text);
  std::string auth = "Authorization: Bearer secret-token";
  EXPECT_EQ(registry_.log,
            (std::vector<std::string>{
                "GET " + std::string(kBase) + "/manifests/1 [" + kAccept + "]",
                "GET " + std::string(kRealm) +
                    "?service=fake%20registry&scope=repository%3Ateam%2Fapp%3Apull []",
                "GET " + std::string(kBase) + "/manifests/1 [" + kAccept + " | " + auth + "]",
                "GET " + std::string(kBase) + "/manifests/" + digest_of(arm64) + " [" + kAccept +
                    " | " + auth + "]",
                "GET " + std::string(kBase) + "/blobs/" + arm64_config + " [" + auth + "]",
            }));

  for (size_t i = 0; i < 2; ++i) {
    std::unique_ptr<ByteSource> blob = open_registry_blob(registry_, image, image.layers[i], &err);
    ASSERT_TRUE(blob) << err;
    std::string content;
    ASSERT_TRUE(read_all(blob.get(), &content, &err)) << err;
    EXPECT_EQ(content, layers_[i].content);
  }
  EXPECT_EQ(registry_.log.back(),
            "OPEN " + std::string(kBase) + "/blobs/" + layers_[1].digest + " [" + auth + "]");
}

TEST_F(RegistryClientTest, ACorruptBlobFailsAtItsEnd) {
  registry_.require_token = false;
  std::string manifest = add_docker_image("amd64");
  registry_.manifests["1"] = {manifest, std::string(kDockerManifestMediaType)};
  RegistryImage image;
  std::string err;
  ASSERT_TRUE(resolve_registry_image(registry_, reference_, "amd64", &image, &err)) << err;
  EXPECT_EQ(image.authorization, "");
  registry_.blobs[layers_[0].digest] = "first layeR";
  std::unique_ptr<ByteSource> blob = open_registry_blob(registry_, image, image.layers[0], &err);
  ASSERT_TRUE(blob) << err;
  std::string content;
  EXPECT_FALSE(read_all(blob.get(), &content, &err));
  EXPECT_EQ(err, std::string(kBase) + "/blobs/" + layers_[0].digest +
                     ": checksum mismatch: expected " + layers_[0].digest + ", got " +
                     digest_of("first layeR") +
                     "; the download is corrupt or the checksum is wrong");
}

TEST_F(RegistryClientTest, PinnedDigestsAreVerified) {
  registry_.require_token = false;
  std::string manifest = add_docker_image("amd64");
  std::string err;
  ASSERT_TRUE(parse_registry_reference("127.0.0.1:5000/team/app@" + digest_of(manifest),
                                       &reference_, &err));
  RegistryImage image;
  ASSERT_TRUE(resolve_registry_image(registry_, reference_, "amd64", &image, &err)) << err;
  EXPECT_EQ(image.layers.size(), 2u);

  // The registry answers a digest with other bytes.
  std::string other = add_docker_image("arm64");
  registry_.manifests[digest_of(manifest)] = {other, std::string(kDockerManifestMediaType)};
  std::string url = std::string(kBase) + "/manifests/" + digest_of(manifest);
  registry_.digest_headers[url] = "";
  EXPECT_FALSE(resolve_registry_image(registry_, reference_, "amd64", &image, &err));
  EXPECT_EQ(err, url + ": digest mismatch: expected " + digest_of(manifest) + ", got " +
                     digest_of(other) + "; the registry sent a different manifest");
}

TEST_F(RegistryClientTest, DockerContentDigestIsChecked) {
  registry_.require_token = false;
  std::string manifest = add_docker_image("amd64");
  registry_.manifests["1"] = {manifest, std::string(kDockerManifestMediaType)};
  std::string url = std::string(kBase) + "/manifests/1";
  std::string wrong = "sha256:" + std::string(64, 'f');
  registry_.digest_headers[url] = wrong;
  RegistryImage image;
  std::string err;
  EXPECT_FALSE(resolve_registry_image(registry_, reference_, "amd64", &image, &err));
  EXPECT_EQ(err, url + ": digest mismatch: Docker-Content-Digest says " + wrong + ", got " +
                     digest_of(manifest) + "; the manifest is corrupt");
}

TEST_F(RegistryClientTest, ReturnsTheRuntimeConfigAndMarksABadOne) {
  registry_.require_token = false;
  auto add_image = [&](const std::string& config) {
    std::string config_digest = registry_.add_blob(config);
    std::string manifest = test_support::manifest_json(config_digest, config.size(), layers_,
                                                       std::string(kDockerManifestMediaType));
    registry_.manifests["1"] = {manifest, std::string(kDockerManifestMediaType)};
    return config_digest;
  };
  std::string redis =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"999:999\","
      "\"ExposedPorts\":{\"6379/tcp\":{}},\"Env\":[\"REDIS_VERSION=7.2.3\"],"
      "\"Entrypoint\":[\"docker-entrypoint.sh\"],\"Cmd\":[\"redis-server\"],"
      "\"WorkingDir\":\"/data\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
  std::string redis_digest = add_image(redis);
  RegistryImage image;
  std::string err;
  ASSERT_TRUE(resolve_registry_image(registry_, reference_, "amd64", &image, &err)) << err;
  EXPECT_EQ(image.config_text, redis);
  EXPECT_EQ(image.config_digest, redis_digest);
  EXPECT_EQ(image.config.user, "999:999");
  EXPECT_EQ(image.config.entrypoint, (std::vector<std::string>{"docker-entrypoint.sh"}));
  EXPECT_EQ(image.config.cmd, (std::vector<std::string>{"redis-server"}));
  EXPECT_EQ(image.config.env, (std::vector<std::string>{"REDIS_VERSION=7.2.3"}));
  EXPECT_EQ(image.config.working_dir, "/data");
  EXPECT_EQ(image.config.exposed_ports, (std::vector<std::string>{"6379/tcp"}));

  std::string bad = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"a\\nb\"}}";
  std::string bad_digest = add_image(bad);
  ASSERT_TRUE(resolve_registry_image(registry_, reference_, "amd64", &image, &err)) << err;
  EXPECT_EQ(image.config.runtime_error, std::string(kBase) + "/blobs/" + bad_digest +
                                            ": config.User holds a control character (\\x0a)");
}

TEST_F(RegistryClientTest, MissingImageAndPlatformMessages) {
  RegistryImage image;
  std::string err;
  EXPECT_FALSE(resolve_registry_image(registry_, reference_, "amd64", &image, &err));
  EXPECT_EQ(err, "image team/app:1 not found in registry 127.0.0.1:5000 (check the name and tag)");
  std::string amd64 = add_docker_image("amd64");
  registry_.manifests["1"] = {"{\"manifests\":[" + platform_entry(amd64, "amd64") + "]}",
                              std::string(kOciImageIndexMediaType)};
  EXPECT_FALSE(resolve_registry_image(registry_, reference_, "s390x", &image, &err));
  EXPECT_EQ(err, std::string(kBase) +
                     "/manifests/1: no image for linux/s390x; available platforms: linux/amd64");
}

TEST_F(RegistryClientTest, RefusedTokensAndUnsupportedSchemes) {
  RegistryImage image;
  std::string err;
  // The token service hands out a token the registry refuses: a 401 after it.
  registry_.manifests["1"] = {add_docker_image("amd64"), std::string(kDockerManifestMediaType)};
  FakeRegistry* fake = &registry_;
  struct Refusing : RegistryTransport {
    FakeRegistry* inner;
    bool get(const std::string& url, const std::vector<std::string>& headers,
             RegistryResponse* response, std::string* err) override {
      bool ok = inner->get(url, headers, response, err);
      if (url.rfind(kRealm, 0) == 0) response->body = "{\"token\":\"not-it\"}";
      return ok;
    }
    std::unique_ptr<ByteSource> open(const std::string& url,
                                     const std::vector<std::string>& headers,
                                     std::string* err) override {
      return inner->open(url, headers, err);
    }
  } refusing;
  refusing.inner = fake;
  EXPECT_FALSE(resolve_registry_image(refusing, reference_, "amd64", &image, &err));
  EXPECT_EQ(err,
            "registry 127.0.0.1:5000 refused access to 127.0.0.1:5000/team/app:1 (HTTP 401); the "
            "image may be private, and sdme pulls anonymously");

  struct Basic : RegistryTransport {
    bool get(const std::string&, const std::vector<std::string>&, RegistryResponse* response,
             std::string*) override {
      response->status = 401;
      response->www_authenticate = "Basic realm=\"registry\"";
      return true;
    }
    std::unique_ptr<ByteSource> open(const std::string&, const std::vector<std::string>&,
                                     std::string*) override {
      return nullptr;
    }
  } basic;
  EXPECT_FALSE(resolve_registry_image(basic, reference_, "amd64", &image, &err));
  EXPECT_EQ(err,
            "registry 127.0.0.1:5000 asks for Basic authentication, which sdme does not support; "
            "only anonymous bearer tokens are");
}

TEST_F(RegistryClientTest, TokenRealmsMustBeHttpsUnlessOnLoopback) {
  struct PlainRealm : RegistryTransport {
    bool get(const std::string&, const std::vector<std::string>&, RegistryResponse* response,
             std::string*) override {
      response->status = 401;
      response->www_authenticate = "Bearer realm=\"http://auth.example/token\"";
      return true;
    }
    std::unique_ptr<ByteSource> open(const std::string&, const std::vector<std::string>&,
                                     std::string*) override {
      return nullptr;
    }
  } plain;
  RegistryImage image;
  std::string err;
  EXPECT_FALSE(resolve_registry_image(plain, reference_, "amd64", &image, &err));
  EXPECT_EQ(err,
            "registry 127.0.0.1:5000 names token service \"http://auth.example/token\", which is "
            "not an https URL; refusing it");
}

TEST(ParseWwwAuthenticateTest, ReadsQuotedAndTokenParameters) {
  AuthenticationChallenge challenge;
  std::string err;
  ASSERT_TRUE(parse_www_authenticate(
      "Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
      "scope=\"repository:library/debian:pull\"",
      &challenge, &err))
      << err;
  EXPECT_EQ(challenge.scheme, "Bearer");
  EXPECT_EQ(challenge.realm, "https://auth.example/token");
  EXPECT_EQ(challenge.service, "registry.example");
  EXPECT_EQ(challenge.scope, "repository:library/debian:pull");

  ASSERT_TRUE(parse_www_authenticate(
      "bearer  Realm = \"https://a/t?x=\\\"1\\\"\" , service=plain, error=\"insufficient_scope\"",
      &challenge, &err))
      << err;
  EXPECT_EQ(challenge.scheme, "bearer");
  EXPECT_EQ(challenge.realm, "https://a/t?x=\"1\"");
  EXPECT_EQ(challenge.service, "plain");
  EXPECT_EQ(challenge.scope, "");
  // A comma inside quotes belongs to the value.
  ASSERT_TRUE(parse_www_authenticate("Bearer realm=\"https://a\",scope=\"repository:a:pull,push\"",
                                     &challenge, &err));
  EXPECT_EQ(challenge.scope, "repository:a:pull,push");
}

TEST(ParseWwwAuthenticateTest, RejectsMalformedHeaders) {
  AuthenticationChallenge challenge;
  std::string err;
  for (const char* bad : {"", "Bearer realm=\"unterminated", "Bearer realm", "Bearer =x",
                          "Bearer realm=\"a\" service=\"b\"", "Bearer realm=\"a\\"}) {
    EXPECT_FALSE(parse_www_authenticate(bad, &challenge, &err)) << bad;
    EXPECT_EQ(err, "malformed WWW-Authenticate header \"" + std::string(bad) + "\"");
  }
  EXPECT_FALSE(parse_www_authenticate("Bearer service=\"x\"", &challenge, &err));
  EXPECT_EQ(err, "WWW-Authenticate header \"Bearer service=\"x\"\" names no realm");
}

}  // namespace
}  // namespace sdme::import
