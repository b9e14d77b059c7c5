// Tests for the name of the rootfs an AppImage= is imported into: readable,
// stable, a valid rootfs name, and blind to a URL's credentials.
#include "sdme_file/app_keys.h"

#include <gtest/gtest.h>

#include <string>

#include "common/name.h"

namespace sdme::file {
namespace {

// "app-", the readable part, '-' and 16 hex digits.
std::string readable_part_of(const std::string& name) {
  EXPECT_TRUE(name.starts_with("app-")) << name;
  EXPECT_GE(name.size(), 4u + 1 + 16) << name;
  EXPECT_EQ(name[name.size() - 17], '-') << name;
  EXPECT_EQ(name.find_first_not_of("0123456789abcdef", name.size() - 16), std::string::npos)
      << name;
  return name.substr(4, name.size() - 4 - 17);
}

void expect_valid(const std::string& name) {
  std::string err;
  EXPECT_TRUE(validate_rootfs_name(name, &err)) << name << ": " << err;
  EXPECT_LE(name.size(), kMaxNameLength) << name;
}

TEST(AppRootfsNameTest, ReferenceWithTagIsRepositoryAndTag) {
  std::string name = app_rootfs_name("docker.io/library/nginx:1.25");
  EXPECT_EQ(readable_part_of(name), "nginx-1.25");
  expect_valid(name);
  EXPECT_EQ(name, app_rootfs_name("docker.io/library/nginx:1.25")) << "stable";
  EXPECT_NE(name, app_rootfs_name("docker.io/library/nginx:1.26"));
  EXPECT_NE(name, app_rootfs_name("quay.io/library/nginx:1.25"))
      << "same readable part, another image";
}

TEST(AppRootfsNameTest, ReferenceWithDigestIsTheRepository) {
  std::string name = app_rootfs_name(
      "docker.io/library/nginx@sha256:"
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  EXPECT_EQ(readable_part_of(name), "nginx");
  expect_valid(name);
}

TEST(AppRootfsNameTest, PathIsItsLastComponentWithoutArchiveSuffix) {
  EXPECT_EQ(readable_part_of(app_rootfs_name("/srv/images/web")), "web");
  EXPECT_EQ(readable_part_of(app_rootfs_name("/srv/images/web/")), "web");
  EXPECT_EQ(readable_part_of(app_rootfs_name("/srv/images/web.tar.gz")), "web");
  EXPECT_EQ(readable_part_of(app_rootfs_name("/srv/images/Web_App.tar")), "web-app");
  EXPECT_NE(app_rootfs_name("/srv/a/web"), app_rootfs_name("/srv/b/web"));
  expect_valid(app_rootfs_name("/srv/images/web.tar.gz"));
}

TEST(AppRootfsNameTest, UrlCredentialsDoNotChangeTheName) {
  std::string plain = app_rootfs_name("https://example.com/images/web.tar");
  EXPECT_EQ(readable_part_of(plain), "web");
  EXPECT_EQ(app_rootfs_name("https://alice:secret@example.com/images/web.tar"), plain);
  EXPECT_EQ(app_rootfs_name("https://bob:other@example.com/images/web.tar"), plain);
  EXPECT_NE(app_rootfs_name("https://example.org/images/web.tar"), plain);
}

TEST(AppRootfsNameTest, UrlWithoutPathShowsNoCredentials) {
  const std::pair<std::string, std::string> sources[] = {
      {"https://alice:secret@example.com", "https://example.com"},
      {"https://alice:secret@example.com/", "https://example.com/"}};
  for (const auto& [with_credentials, without] : sources) {
    std::string name = app_rootfs_name(with_credentials);
    expect_valid(name);
    EXPECT_EQ(readable_part_of(name), "example.com");
    EXPECT_EQ(name.find("secret"), std::string::npos) << name;
    EXPECT_EQ(name.find("alice"), std::string::npos) << name;
    EXPECT_EQ(name, app_rootfs_name(without)) << with_credentials;
  }
}

TEST(AppRootfsNameTest, LongNamesAreCutToAValidName) {
  std::string name = app_rootfs_name("registry.example.com/team/" + std::string(100, 'a') + ":" +
                                     std::string(100, 'b'));
  expect_valid(name);
  EXPECT_EQ(name.size(), kMaxNameLength);
  // A cut that would end on a separator drops it.
  std::string separator_at_cut =
      app_rootfs_name("/srv/" + std::string(42, 'a') + "-" + std::string(10, 'b'));
  expect_valid(separator_at_cut);
  EXPECT_EQ(readable_part_of(separator_at_cut), std::string(42, 'a'));
}

TEST(AppRootfsNameTest, OddCharactersBecomeSingleSeparators) {
  EXPECT_EQ(readable_part_of(app_rootfs_name("/srv/My  Image__v1..2.tar")), "my-image-v1.2");
  EXPECT_EQ(readable_part_of(app_rootfs_name("/srv/-.web.-")), "web");
  EXPECT_EQ(readable_part_of(app_rootfs_name("/srv/\xc3\xa9t\xc3\xa9")), "t");
  // Nothing readable left: a fixed word.
  EXPECT_EQ(readable_part_of(app_rootfs_name("/srv/___")), "image");
  for (const char* source : {"/srv/My  Image__v1..2.tar", "/srv/-.web.-", "/srv/___",
                             "/srv/\xc3\xa9t\xc3\xa9", "/srv/a.-b"})
    expect_valid(app_rootfs_name(source));
}

}  // namespace
}  // namespace sdme::file
