// Tests for where a registry is reached: docker.io's API host, plain http
// only on loopback. The grammar itself is tested in
// common/image_reference_test.cc.
#include "import/network/registry_reference.h"

#include <gtest/gtest.h>

#include <string>

namespace sdme::import {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

struct Expected {
  std::string registry, repository, tag, digest, api_base_url;
};

void expect_reference(const std::string& text, const Expected& expected) {
  RegistryReference reference;
  std::string err;
  ASSERT_TRUE(parse_registry_reference(text, &reference, &err)) << text << ": " << err;
  EXPECT_EQ(reference.registry, expected.registry) << text;
  EXPECT_EQ(reference.repository, expected.repository) << text;
  EXPECT_EQ(reference.tag, expected.tag) << text;
  EXPECT_EQ(reference.digest, expected.digest) << text;
  EXPECT_EQ(reference.api_base_url, expected.api_base_url) << text;
}

TEST(ParseRegistryReferenceTest, DockerHubIsReachedAtItsApiHost) {
  const std::string hub = "https://registry-1.docker.io";
  expect_reference("debian:12", {"docker.io", "library/debian", "12", "", hub});
  expect_reference("docker.io/someone/tool", {"docker.io", "someone/tool", "latest", "", hub});
  expect_reference("quay.io/org/img@" + kDigest,
                   {"quay.io", "org/img", "", kDigest, "https://quay.io"});
  expect_reference("registry.example:8443/a/b/c:x",
                   {"registry.example:8443", "a/b/c", "x", "", "https://registry.example:8443"});
}

TEST(ParseRegistryReferenceTest, LoopbackRegistriesUsePlainHttp) {
  expect_reference("localhost:5000/x/y:tag",
                   {"localhost:5000", "x/y", "tag", "", "http://localhost:5000"});
  expect_reference("localhost/x", {"localhost", "x", "latest", "", "http://localhost"});
  expect_reference("127.0.0.1:5000/x",
                   {"127.0.0.1:5000", "x", "latest", "", "http://127.0.0.1:5000"});
  expect_reference("127.1.2.3/x", {"127.1.2.3", "x", "latest", "", "http://127.1.2.3"});
  expect_reference("[::1]:5000/x", {"[::1]:5000", "x", "latest", "", "http://[::1]:5000"});
  expect_reference("128.0.0.1:5000/x",
                   {"128.0.0.1:5000", "x", "latest", "", "https://128.0.0.1:5000"});
  expect_reference("127.0.0.1.example/x",
                   {"127.0.0.1.example", "x", "latest", "", "https://127.0.0.1.example"});
  EXPECT_TRUE(is_loopback_registry("127.0.0.1"));
  EXPECT_TRUE(is_loopback_registry("localhost:1"));
  EXPECT_FALSE(is_loopback_registry("127.0.0.256"));
  EXPECT_FALSE(is_loopback_registry("localhost.example"));
  EXPECT_FALSE(is_loopback_registry("[::2]:5000"));
}

TEST(ParseRegistryReferenceTest, ARefusalNamesTheText) {
  RegistryReference reference;
  std::string err;
  EXPECT_FALSE(parse_registry_reference("debian:-x", &reference, &err));
  EXPECT_EQ(err,
            "invalid image reference \"debian:-x\": the tag after ':' must be a letter, digit or "
            "'_' and up to 127 more of those, '.' or '-'");
}

}  // namespace
}  // namespace sdme::import
