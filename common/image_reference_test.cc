// Tests for the image reference grammar the generator and sdme-import share:
// docker's defaults, and each refusal word for word.
#include "common/image_reference.h"

#include <gtest/gtest.h>

#include <string>

namespace sdme {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

struct Expected {
  std::string registry, repository, tag, digest;
};

void expect_reference(const std::string& text, const Expected& expected) {
  ImageReference reference;
  std::string err;
  ASSERT_TRUE(parse_image_reference(text, &reference, &err)) << text << ": " << err;
  EXPECT_EQ(reference.registry, expected.registry) << text;
  EXPECT_EQ(reference.repository, expected.repository) << text;
  EXPECT_EQ(reference.tag, expected.tag) << text;
  EXPECT_EQ(reference.digest, expected.digest) << text;
}

std::string refusal(const std::string& text) {
  ImageReference reference;
  std::string err;
  EXPECT_FALSE(parse_image_reference(text, &reference, &err)) << text;
  return err;
}

TEST(ImageReferenceTest, DefaultRegistryLibraryAndTag) {
  expect_reference("debian", {"docker.io", "library/debian", "latest", ""});
  expect_reference("debian:12", {"docker.io", "library/debian", "12", ""});
  expect_reference("library/debian", {"docker.io", "library/debian", "latest", ""});
  expect_reference("docker.io/library/debian:12", {"docker.io", "library/debian", "12", ""});
  expect_reference("docker.io/debian", {"docker.io", "library/debian", "latest", ""});
  expect_reference("someone/tool:v1.2-rc_3", {"docker.io", "someone/tool", "v1.2-rc_3", ""});
}

TEST(ImageReferenceTest, RegistriesTagsAndDigests) {
  expect_reference("quay.io/org/img@" + kDigest, {"quay.io", "org/img", "", kDigest});
  expect_reference("quay.io/org/img:1@" + kDigest, {"quay.io", "org/img", "1", kDigest});
  expect_reference("registry.example:8443/a/b/c:x", {"registry.example:8443", "a/b/c", "x", ""});
  expect_reference("localhost:5000/x", {"localhost:5000", "x", "latest", ""});
  expect_reference("localhost/x", {"localhost", "x", "latest", ""});
  expect_reference("127.0.0.1:5000/x", {"127.0.0.1:5000", "x", "latest", ""});
  expect_reference("[::1]:5000/x", {"[::1]:5000", "x", "latest", ""});
  expect_reference("[fe80::1]/x", {"[fe80::1]", "x", "latest", ""});
  expect_reference("Registry.Example/x", {"Registry.Example", "x", "latest", ""});
  // "localhost" alone, with no '/', is a repository.
  expect_reference("localhost", {"docker.io", "library/localhost", "latest", ""});
}

TEST(ImageReferenceTest, SeparatorsInsideAPathComponent) {
  expect_reference("a.b_c__d---e", {"docker.io", "library/a.b_c__d---e", "latest", ""});
  for (const char* bad : {"a..b", "a___b", "a._b", "a_.b", "a-.b", ".a", "a.", "_a", "a-"})
    EXPECT_EQ(refusal(bad),
              "each '/'-separated part of the repository name must be lower-case letters and "
              "digits joined by '.', '_', \"__\" or '-'")
        << bad;
}

TEST(ImageReferenceTest, ToStringAndManifestReference) {
  ImageReference reference;
  std::string err;
  ASSERT_TRUE(parse_image_reference("quay.io/org/img:1@" + kDigest, &reference, &err));
  EXPECT_EQ(reference.manifest_reference(), kDigest);
  EXPECT_EQ(reference.to_string(), "quay.io/org/img@" + kDigest);
  ASSERT_TRUE(parse_image_reference("debian", &reference, &err));
  EXPECT_EQ(reference.manifest_reference(), "latest");
  EXPECT_EQ(reference.to_string(), "docker.io/library/debian:latest");
}

TEST(ImageReferenceTest, RefusalsSayWhichPartIsWrong) {
  const std::string repository =
      "each '/'-separated part of the repository name must be lower-case letters and digits "
      "joined by '.', '_', \"__\" or '-'";
  const std::string tag =
      "the tag after ':' must be a letter, digit or '_' and up to 127 more of those, '.' or '-'";
  const std::string digest =
      "the digest after '@' must be sha256: followed by 64 lower-case hexadecimal digits";
  const std::string host =
      "the registry before the first '/' must be a host name, an IPv4 address or an IPv6 "
      "address in [], with an optional port of up to 5 digits";
  EXPECT_EQ(refusal("Debian"), repository);
  EXPECT_EQ(refusal("example.com/a..b:1"), repository);
  EXPECT_EQ(refusal("a//b"), repository);
  EXPECT_EQ(refusal("a/"), repository);
  EXPECT_EQ(refusal("/a"), repository);
  EXPECT_EQ(refusal("x:5000/a/"), repository);
  EXPECT_EQ(refusal("debian:-x"), tag);
  EXPECT_EQ(refusal("debian:"), tag);
  EXPECT_EQ(refusal("debian:" + std::string(129, 'a')), tag);
  EXPECT_EQ(refusal("debian@sha256:abc"), digest);
  EXPECT_EQ(refusal("debian@sha512:" + std::string(128, 'a')), digest);
  EXPECT_EQ(refusal("debian@sha256:" + std::string(64, 'A')), digest);
  EXPECT_EQ(refusal("bad host:1/x"), host);
  EXPECT_EQ(refusal("-a.example/x"), host);
  EXPECT_EQ(refusal("a..example/x"), host);
  EXPECT_EQ(refusal("localhost:123456/x"), host);
  EXPECT_EQ(refusal("localhost:/x"), host);
  EXPECT_EQ(refusal("[::1/x"), host);
  EXPECT_EQ(refusal(""), "the repository name is empty");
  EXPECT_EQ(refusal(":12"), "the repository name is empty");
  EXPECT_EQ(refusal("@" + kDigest), "the repository name is empty");
}

TEST(ImageReferenceTest, TheNameIsAtMost255Characters) {
  std::string longest = "example.com/" + std::string(255 - 12, 'a');
  expect_reference(longest + ":tag", {"example.com", std::string(255 - 12, 'a'), "tag", ""});
  EXPECT_EQ(refusal(longest + "a"), "the name is longer than 255 characters");
}

}  // namespace
}  // namespace sdme
