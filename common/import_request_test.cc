// Tests for the list of .sdme files the generator hands sdme-import, and
// for the request's value parsers.
#include "common/import_request.h"

#include <gtest/gtest.h>

namespace sdme {
namespace {

using Paths = std::vector<std::string>;

std::string format_error(const Paths& paths) {
  std::string value;
  std::string err;
  EXPECT_FALSE(format_import_files(paths, &value, &err));
  return err;
}

std::string parse_error(std::string_view value) {
  Paths paths;
  std::string err;
  EXPECT_FALSE(parse_import_files(value, &paths, &err)) << value;
  return err;
}

TEST(ImportRequestTest, ImportFilesRoundTrip) {
  const Paths paths = {"/etc/sdme/a-worker.sdme", "/usr/lib/sdme/web@.sdme", "/run/sdme/x y.sdme"};
  std::string value;
  std::string err;
  ASSERT_TRUE(format_import_files(paths, &value, &err)) << err;
  EXPECT_EQ(value, "/etc/sdme/a-worker.sdme:/usr/lib/sdme/web@.sdme:/run/sdme/x y.sdme");
  Paths parsed;
  ASSERT_TRUE(parse_import_files(value, &parsed, &err)) << err;
  EXPECT_EQ(parsed, paths);
}

TEST(ImportRequestTest, ImportFilesErrors) {
  EXPECT_EQ(format_error({}), "SDME_IMPORT_FILES names no file");
  EXPECT_EQ(format_error({"/etc/sdme/a.sdme", "etc/b.sdme"}),
            "SDME_IMPORT_FILES: 'etc/b.sdme' is not an absolute path");
  EXPECT_EQ(format_error({"/srv/a:b/web.sdme"}),
            "SDME_IMPORT_FILES: '/srv/a:b/web.sdme' contains ':', which separates the paths; "
            "rename the directory");
  EXPECT_EQ(format_error({"/etc/sdme/a\nEnvironment=X=1/web.sdme"}),
            "SDME_IMPORT_FILES: '/etc/sdme/a\\x0aEnvironment=X=1/web.sdme' contains a control "
            "character; rename the file or directory");
  EXPECT_EQ(parse_error(""), "SDME_IMPORT_FILES names no file");
  EXPECT_EQ(parse_error("/etc/sdme/a.sdme::/etc/sdme/b.sdme"),
            "SDME_IMPORT_FILES: '' is not an absolute path");
  EXPECT_EQ(parse_error("web.sdme"), "SDME_IMPORT_FILES: 'web.sdme' is not an absolute path");
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
