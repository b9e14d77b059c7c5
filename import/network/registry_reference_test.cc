// Tests for parsing image references the way docker does, and for telling
// references from paths and URLs.
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

TEST(ParseRegistryReferenceTest, DefaultRegistryAndLibraryPrefix) {
  const std::string hub = "https://registry-1.docker.io";
  expect_reference("debian", {"docker.io", "library/debian", "latest", "", hub});
  expect_reference("debian:12", {"docker.io", "library/debian", "12", "", hub});
  expect_reference("library/debian", {"docker.io", "library/debian", "latest", "", hub});
  expect_reference("docker.io/library/debian:12", {"docker.io", "library/debian", "12", "", hub});
  expect_reference("docker.io/debian", {"docker.io", "library/debian", "latest", "", hub});
  expect_reference("someone/tool:v1.2-rc_3", {"docker.io", "someone/tool", "v1.2-rc_3", "", hub});
}

TEST(ParseRegistryReferenceTest, OtherRegistriesTagsAndDigests) {
  expect_reference("quay.io/org/img@" + kDigest,
                   {"quay.io", "org/img", "", kDigest, "https://quay.io"});
  expect_reference("quay.io/org/img:1@" + kDigest,
                   {"quay.io", "org/img", "1", kDigest, "https://quay.io"});
  expect_reference("registry.example:8443/a/b/c:x",
                   {"registry.example:8443", "a/b/c", "x", "", "https://registry.example:8443"});
  RegistryReference reference;
  std::string err;
  ASSERT_TRUE(parse_registry_reference("quay.io/org/img:1@" + kDigest, &reference, &err));
  EXPECT_EQ(reference.manifest_reference(), kDigest);
  EXPECT_EQ(reference.to_string(), "quay.io/org/img@" + kDigest);
  ASSERT_TRUE(parse_registry_reference("debian", &reference, &err));
  EXPECT_EQ(reference.manifest_reference(), "latest");
  EXPECT_EQ(reference.to_string(), "docker.io/library/debian:latest");
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

TEST(ParseRegistryReferenceTest, RejectsMalformedReferences) {
  RegistryReference reference;
  std::string err;
  EXPECT_FALSE(parse_registry_reference("Debian", &reference, &err));
  EXPECT_EQ(err,
            "invalid image reference \"Debian\": the repository name must be lower-case letters, "
            "digits and separators ('.', '_', '-') between '/'");
  EXPECT_FALSE(parse_registry_reference("debian@sha256:abc", &reference, &err));
  EXPECT_EQ(err,
            "invalid image reference \"debian@sha256:abc\": the digest after '@' must be sha256: "
            "followed by 64 lower-case hexadecimal digits");
  EXPECT_FALSE(parse_registry_reference("debian:-x", &reference, &err));
  EXPECT_EQ(err,
            "invalid image reference \"debian:-x\": the tag \"-x\" may hold letters, digits, '_', "
            "'.' and '-' (not first), at most 128");
  EXPECT_FALSE(parse_registry_reference("bad host:1/x", &reference, &err));
  EXPECT_EQ(err, "invalid image reference \"bad host:1/x\": \"bad host:1\" is not a registry host");
  for (const char* bad : {"", ":", "a//b", "a/", "/a", "a:", "-a", "a..b", "a/b:", "x:5000/a/"}) {
    EXPECT_FALSE(parse_registry_reference(bad, &reference, &err)) << bad;
  }
}

TEST(LooksLikeRegistryReferenceTest, TellsReferencesFromPathsAndUrls) {
  for (const char* reference : {"debian", "debian:12", "docker.io/library/debian:12",
                                "localhost:5000/x/y:tag", "127.0.0.1:5000/x"}) {
    EXPECT_TRUE(looks_like_registry_reference(reference)) << reference;
  }
  for (const char* other :
       {"/var/lib/image", "./image", "../image", "~/image", "https://example.com/rootfs.tar.gz",
        "http://127.0.0.1:8080/x", "file:///x", "rootfs.tar", "image.tar.gz", "disk.qcow2",
        "disk.raw", "Some Dir", ""}) {
    EXPECT_FALSE(looks_like_registry_reference(other)) << other;
  }
}

}  // namespace
}  // namespace sdme::import
