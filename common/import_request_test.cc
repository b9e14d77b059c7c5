// Tests for the import request file: exact text, round trip, and the
// messages for every way a file can be wrong.
#include "common/import_request.h"

#include <gtest/gtest.h>

namespace sdme {
namespace {

constexpr const char* kPath = "/run/sdme/import/debian.import";

ImportRequest full_request() {
  ImportRequest request;
  request.rootfs = "debian";
  request.source = "https://user:secret@example.org/debian.tar.xz";
  request.checksum = "sha256:" + std::string(64, 'a');
  request.install_packages = InstallPackages::kNo;
  request.boot = true;
  request.max_size = 8589934592;
  request.origin = "/etc/sdme/web.sdme:4";
  return request;
}

std::string parse_error(std::string_view text) {
  ImportRequest request;
  std::string err;
  EXPECT_FALSE(parse_import_request(text, kPath, &request, &err)) << text;
  return err;
}

TEST(ImportRequestTest, FormatIsExact) {
  EXPECT_EQ(format_import_request(full_request()),
            "# Written by sdme-generator for sdme-import@.service; replaced at every "
            "daemon-reload.\n"
            "# Edit Import= and its keys in the .sdme file instead, see sdme.sdme(5).\n"
            "Rootfs=debian\n"
            "Source=https://user:secret@example.org/debian.tar.xz\n"
            "Checksum=sha256:" +
                std::string(64, 'a') +
                "\n"
                "InstallPackages=no\n"
                "Boot=yes\n"
                "MaxSize=8589934592\n"
                "Origin=/etc/sdme/web.sdme:4\n");
}

TEST(ImportRequestTest, RoundTrip) {
  ImportRequest parsed;
  std::string err;
  ASSERT_TRUE(parse_import_request(format_import_request(full_request()), kPath, &parsed, &err))
      << err;
  ImportRequest expected = full_request();
  EXPECT_EQ(parsed.rootfs, expected.rootfs);
  EXPECT_EQ(parsed.source, expected.source);
  EXPECT_EQ(parsed.checksum, expected.checksum);
  EXPECT_EQ(parsed.install_packages, expected.install_packages);
  EXPECT_EQ(parsed.boot, expected.boot);
  EXPECT_EQ(parsed.max_size, expected.max_size);
  EXPECT_EQ(parsed.origin, expected.origin);
}

TEST(ImportRequestTest, DefaultsRoundTrip) {
  ImportRequest request;
  request.rootfs = "alpine";
  request.source = "/srv/images/alpine.tar";
  std::string text = format_import_request(request);
  EXPECT_NE(text.find("\nChecksum=\nInstallPackages=auto\nBoot=no\nMaxSize=0\nOrigin=\n"),
            std::string::npos)
      << text;
  ImportRequest parsed;
  std::string err;
  ASSERT_TRUE(parse_import_request(text, kPath, &parsed, &err)) << err;
  EXPECT_EQ(parsed.checksum, "");
  EXPECT_EQ(parsed.install_packages, InstallPackages::kAuto);
  EXPECT_FALSE(parsed.boot);
  EXPECT_EQ(parsed.max_size, 0u);
}

TEST(ImportRequestTest, ControlCharactersCannotAddLines) {
  ImportRequest request;
  request.rootfs = "x";
  request.source = "/a";
  request.origin = "/etc/sdme/we\nSource=/evil.sdme:1";
  std::string text = format_import_request(request);
  EXPECT_NE(text.find("Origin=/etc/sdme/we\\x0aSource=/evil.sdme:1\n"), std::string::npos) << text;
  ImportRequest parsed;
  std::string err;
  ASSERT_TRUE(parse_import_request(text, kPath, &parsed, &err)) << err;
  EXPECT_EQ(parsed.source, "/a");
}

TEST(ImportRequestTest, Errors) {
  EXPECT_EQ(parse_error("Rootfs=a\nSource=/x\nColour=blue\n"),
            "/run/sdme/import/debian.import:3: unknown key 'Colour'");
  EXPECT_EQ(parse_error("Rootfs=a\nRootfs=b\n"),
            "/run/sdme/import/debian.import:2: Rootfs= is set twice");
  EXPECT_EQ(parse_error("# c\n\nnonsense\n"),
            "/run/sdme/import/debian.import:3: 'nonsense' is not a Key=value line");
  EXPECT_EQ(parse_error("Rootfs=../etc\n"),
            "/run/sdme/import/debian.import:1: Rootfs=: rootfs name '../etc' must start with a "
            "letter or digit");
  EXPECT_EQ(parse_error("Rootfs=a\nSource=\n"),
            "/run/sdme/import/debian.import:2: Source= is not valid, expected a path, URL or "
            "registry reference");
  EXPECT_EQ(parse_error("Checksum=md5:abc\n"),
            "/run/sdme/import/debian.import:1: Checksum=md5:abc is not valid, expected sha256: "
            "and 64 hexadecimal digits, or nothing");
  EXPECT_EQ(parse_error("InstallPackages=maybe\n"),
            "/run/sdme/import/debian.import:1: InstallPackages=maybe is not valid, expected "
            "auto, yes or no");
  EXPECT_EQ(parse_error("Boot=true\n"),
            "/run/sdme/import/debian.import:1: Boot=true is not valid, expected yes or no");
  EXPECT_EQ(parse_error("MaxSize=10G\n"),
            "/run/sdme/import/debian.import:1: MaxSize=10G is not valid, expected a number of "
            "bytes");
  EXPECT_EQ(parse_error("MaxSize=99999999999999999999\n"),
            "/run/sdme/import/debian.import:1: MaxSize=99999999999999999999 is not valid, "
            "expected a number of bytes");
  EXPECT_EQ(parse_error("Source=/x\n"), "/run/sdme/import/debian.import: Rootfs= is missing");
  EXPECT_EQ(parse_error("Rootfs=a\n"), "/run/sdme/import/debian.import: Source= is missing");
}

TEST(ImportRequestTest, NormalizesChecksums) {
  std::string normalized;
  EXPECT_TRUE(normalize_sha256_checksum("SHA256:" + std::string(64, 'F'), &normalized));
  EXPECT_EQ(normalized, "sha256:" + std::string(64, 'f'));
  EXPECT_FALSE(normalize_sha256_checksum("sha256:" + std::string(63, 'f'), &normalized));
  EXPECT_FALSE(normalize_sha256_checksum("sha256:" + std::string(65, 'f'), &normalized));
  EXPECT_FALSE(normalize_sha256_checksum("sha256:" + std::string(63, 'f') + "g", &normalized));
  EXPECT_FALSE(normalize_sha256_checksum("sha512:" + std::string(64, 'f'), &normalized));
}

TEST(ImportRequestTest, InstallPackagesSpellings) {
  InstallPackages value;
  ASSERT_TRUE(parse_install_packages("AUTO", &value));
  EXPECT_EQ(value, InstallPackages::kAuto);
  ASSERT_TRUE(parse_install_packages("on", &value));
  EXPECT_EQ(value, InstallPackages::kYes);
  ASSERT_TRUE(parse_install_packages("0", &value));
  EXPECT_EQ(value, InstallPackages::kNo);
  EXPECT_FALSE(parse_install_packages("", &value));
  EXPECT_FALSE(parse_install_packages("sometimes", &value));
}

}  // namespace
}  // namespace sdme
