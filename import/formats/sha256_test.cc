// Tests for SHA-256 hashing, checksum parsing and the stream that verifies a
// digest as it is read.
#include "import/formats/sha256.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_support.h"
#include "tests/support/memory_byte_source.h"

namespace sdme::import {
namespace {

using test_support::MemoryByteSource;
using test_support::read_all;

// FIPS 180-2 test vectors.
constexpr char kEmptyDigest[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAbcDigest[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), kEmptyDigest);
  EXPECT_EQ(sha256_hex("abc"), kAbcDigest);
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, UpdatesInPiecesEqualOneUpdate) {
  Sha256 hash;
  hash.update("a", 1);
  hash.update("", 0);
  hash.update("bc", 2);
  EXPECT_EQ(hash.hex_digest(), kAbcDigest);
}

TEST(ParseSha256ChecksumTest, AcceptsEitherCaseAndNormalisesToLower) {
  std::string hex, err;
  ASSERT_TRUE(parse_sha256_checksum(std::string("sha256:") + kAbcDigest, &hex, &err)) << err;
  EXPECT_EQ(hex, kAbcDigest);
  ASSERT_TRUE(parse_sha256_checksum(
      "SHA256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", &hex, &err))
      << err;
  EXPECT_EQ(hex, kAbcDigest);
}

TEST(ParseSha256ChecksumTest, RejectsOtherFormsWithTheExpectedForm) {
  std::string hex = "untouched", err;
  EXPECT_FALSE(parse_sha256_checksum(kAbcDigest, &hex, &err));
  EXPECT_EQ(err, std::string("invalid checksum \"") + kAbcDigest +
                     "\": expected sha256: followed by 64 hexadecimal digits");
  EXPECT_EQ(hex, "untouched");
  for (std::string bad :
       {std::string(""), std::string("sha256:"), std::string("sha256:") + kAbcDigest + "0",
        std::string("sha256:") + std::string(kAbcDigest).substr(1),
        std::string("sha512:") + kAbcDigest, std::string("sha256:") + std::string(63, 'a') + "g",
        std::string("sha256: ") + std::string(kAbcDigest).substr(1)}) {
    err.clear();
    EXPECT_FALSE(parse_sha256_checksum(bad, &hex, &err)) << bad;
    EXPECT_EQ(err, "invalid checksum \"" + bad +
                       "\": expected sha256: followed by 64 hexadecimal digits");
  }
}

TEST(Sha256FileTest, HashesAFile) {
  test_support::ScratchDirectory scratch;
  std::string path = scratch.path() + "/abc";
  test_support::write_test_file(path, "abc");
  std::string hex, err;
  ASSERT_TRUE(sha256_file(path, &hex, &err)) << err;
  EXPECT_EQ(hex, kAbcDigest);
}

TEST(Sha256FileTest, MissingFileIsAnError) {
  test_support::ScratchDirectory scratch;
  std::string hex, err;
  EXPECT_FALSE(sha256_file(scratch.path() + "/missing", &hex, &err));
  EXPECT_EQ(err, "cannot open " + scratch.path() + "/missing: No such file or directory");
}

TEST(DigestVerifyingByteSourceTest, PassesBytesThroughWhenTheDigestMatches) {
  std::string content(1000, 'x');
  DigestVerifyingByteSource source(std::make_unique<MemoryByteSource>(content, 33),
                                   sha256_hex(content), content.size());
  EXPECT_EQ(source.expected_size(), 1000u);
  EXPECT_EQ(source.description(), "memory");
  std::string read, err;
  ASSERT_TRUE(read_all(&source, &read, &err)) << err;
  EXPECT_EQ(read, content);
  // Reading past the end stays at the end.
  const void* data;
  size_t size = 1;
  ASSERT_TRUE(source.read(&data, &size, &err));
  EXPECT_EQ(size, 0u);
}

TEST(DigestVerifyingByteSourceTest, FailsAtTheEndWhenTheDigestDiffers) {
  DigestVerifyingByteSource source(
      std::make_unique<MemoryByteSource>("abd", 7, "http://127.0.0.1/blob"), kAbcDigest);
  std::string read, err;
  EXPECT_FALSE(read_all(&source, &read, &err));
  EXPECT_EQ(read, "abd");
  EXPECT_EQ(err, std::string("http://127.0.0.1/blob: checksum mismatch: expected sha256:") +
                     kAbcDigest + ", got sha256:" + sha256_hex("abd") +
                     "; the download is corrupt or the checksum is wrong");
  // A caller that reads on does not get a clean end of stream.
  const void* data;
  size_t size;
  std::string again;
  EXPECT_FALSE(source.read(&data, &size, &again));
  EXPECT_EQ(again, err);
}

TEST(DigestVerifyingByteSourceTest, FailsWhenShorterThanTheExpectedSize) {
  DigestVerifyingByteSource source(std::make_unique<MemoryByteSource>("abc"), kAbcDigest, 4);
  std::string read, err;
  EXPECT_FALSE(read_all(&source, &read, &err));
  EXPECT_EQ(err,
            "memory: size mismatch: expected 4 bytes, got 3; the download is corrupt or "
            "truncated");
}

TEST(DigestVerifyingByteSourceTest, FailsAsSoonAsLongerThanTheExpectedSize) {
  DigestVerifyingByteSource source(std::make_unique<MemoryByteSource>(std::string(100, 'a'), 10),
                                   kAbcDigest, 25);
  std::string read, err;
  EXPECT_FALSE(read_all(&source, &read, &err));
  EXPECT_EQ(read.size(), 20u);
  EXPECT_EQ(err, "memory: size mismatch: expected 25 bytes, got more; the download is corrupt");
}

TEST(DigestVerifyingByteSourceTest, PassesReadErrorsOn) {
  auto inner = std::make_unique<MemoryByteSource>("abcdef", 2);
  inner->fail_after(4, "connection reset");
  DigestVerifyingByteSource source(std::move(inner), kAbcDigest);
  std::string read, err;
  EXPECT_FALSE(read_all(&source, &read, &err));
  EXPECT_EQ(read, "abcd");
  EXPECT_EQ(err, "connection reset");
}

}  // namespace
}  // namespace sdme::import
