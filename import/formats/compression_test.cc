// Tests for telling compressions apart by their magic bytes, on archives
// written by libarchive with each compression.
#include "import/formats/compression.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "import/formats/archive_test_support.h"

namespace sdme::import {
namespace {

using ::sdme::test_support::TestArchive;

std::string small_archive(int format, int filter) {
  TestArchive archive(format, filter);
  archive.directory("etc").file("etc/os-release", "ID=test\n");
  return archive.finish();
}

struct CompressionCase {
  int filter;
  Compression expected;
  std::string_view name;
};

TEST(CompressionTest, DetectsEachCompressionFromItsMagic) {
  const CompressionCase cases[] = {
      {ARCHIVE_FILTER_NONE, Compression::kNone, "uncompressed"},
      {ARCHIVE_FILTER_GZIP, Compression::kGzip, "gzip"},
      {ARCHIVE_FILTER_XZ, Compression::kXz, "xz"},
      {ARCHIVE_FILTER_ZSTD, Compression::kZstd, "zstd"},
      {ARCHIVE_FILTER_BZIP2, Compression::kBzip2, "bzip2"},
      {ARCHIVE_FILTER_LZ4, Compression::kLz4, "lz4"},
  };
  for (const CompressionCase& c : cases) {
    std::string bytes = small_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, c.filter);
    Compression detected = detect_compression(bytes.substr(0, 512));
    EXPECT_EQ(detected, c.expected) << c.name;
    EXPECT_EQ(compression_name(detected), c.name);
  }
}

TEST(CompressionTest, LegacyLz4Frame) {
  EXPECT_EQ(detect_compression(std::string("\x02\x21\x4c\x18\x00\x00", 6)), Compression::kLz4);
}

TEST(CompressionTest, EveryTarDialectIsUncompressed) {
  for (int format : {ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FORMAT_TAR_GNUTAR,
                     ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED}) {
    std::string bytes = small_archive(format, ARCHIVE_FILTER_NONE);
    EXPECT_TRUE(looks_like_tar(bytes)) << format;
    EXPECT_EQ(detect_compression(bytes), Compression::kNone) << format;
  }
}

// A v7 tar header, written by hand: libarchive's writer has no v7 format.
std::string v7_header(const std::string& name, size_t size) {
  std::string header(512, '\0');
  auto put = [&](size_t offset, const std::string& field) {
    header.replace(offset, field.size(), field);
  };
  char number[16];
  put(0, name);
  put(100, "0000644");
  put(108, "0000000");
  put(116, "0000000");
  std::snprintf(number, sizeof number, "%011zo", size);
  put(124, number);
  put(136, "14000000000");
  put(156, "0");
  unsigned sum = 8 * ' ';
  for (size_t i = 0; i < 512; ++i)
    if (i < 148 || i >= 156) sum += static_cast<unsigned char>(header[i]);
  std::snprintf(number, sizeof number, "%06o", sum);
  put(148, number);
  header[155] = ' ';
  return header;
}

TEST(CompressionTest, V7HeaderIsRecognisedByItsChecksum) {
  std::string bytes = v7_header("etc/os-release", 8) + "ID=test\n" + std::string(504 + 1024, '\0');
  ASSERT_EQ(bytes.substr(257, 5), std::string(5, '\0'));  // no magic
  EXPECT_TRUE(looks_like_tar(bytes));
  bytes[0] = static_cast<char>(bytes[0] + 1);  // the checksum no longer matches
  EXPECT_FALSE(looks_like_tar(bytes));
  EXPECT_EQ(detect_compression(bytes), Compression::kUnknown);
}

TEST(CompressionTest, ZerosAndOtherFormatsAreUnknown) {
  // A raw disk image (an ext4 one starts with 1 KiB of zeros).
  EXPECT_FALSE(looks_like_tar(std::string(1024, '\0')));
  EXPECT_EQ(detect_compression(std::string(1024, '\0')), Compression::kUnknown);
  EXPECT_EQ(detect_compression(std::string("QFI\xfb\x00\x00\x00\x03", 8) + std::string(504, '\0')),
            Compression::kUnknown);
  EXPECT_EQ(detect_compression("{\"schemaVersion\": 2}"), Compression::kUnknown);
  EXPECT_EQ(detect_compression(""), Compression::kUnknown);
  EXPECT_EQ(detect_compression("BZh"), Compression::kUnknown);
  EXPECT_EQ(detect_compression("BZhx1234"), Compression::kUnknown);
  EXPECT_EQ(detect_compression("\x1f"), Compression::kUnknown);
  EXPECT_EQ(compression_name(Compression::kUnknown), "unknown");
}

TEST(CompressionTest, TarHeaderNeedsAWholeBlock) {
  std::string bytes = small_archive(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_NONE);
  EXPECT_FALSE(looks_like_tar(bytes.substr(0, 511)));
  EXPECT_EQ(detect_compression(bytes.substr(0, 300)), Compression::kUnknown);
}

}  // namespace
}  // namespace sdme::import
