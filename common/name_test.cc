// Tests for the validators of container, rootfs and host names and of
// absolute paths.
#include "common/name.h"

#include <gtest/gtest.h>

#include <string>

#include "common/strings.h"

namespace sdme {
namespace {

std::string container_name_error(std::string_view name) {
  std::string err;
  EXPECT_FALSE(validate_container_name(name, &err)) << "name: " << name;
  return err;
}

std::string hostname_error(std::string_view name) {
  std::string err;
  EXPECT_FALSE(validate_hostname(name, &err)) << "name: " << name;
  return err;
}

std::string path_error(std::string_view path, std::string_view what = "Bind=") {
  std::string err;
  EXPECT_FALSE(validate_absolute_path(path, what, &err)) << "path: " << path;
  return err;
}

TEST(ContainerNameTest, AcceptsLettersDigitsDashesAndDots) {
  for (const char* name : {"web", "Web2", "0", "a-b", "db.1", "a.b-c", "9lives", "x1-2.3y"}) {
    std::string err;
    EXPECT_TRUE(validate_container_name(name, &err)) << name << ": " << err;
    EXPECT_EQ(err, "");
  }
}

TEST(ContainerNameTest, AcceptsExactly64Characters) {
  std::string err;
  EXPECT_TRUE(validate_container_name(std::string(kMaxNameLength, 'a'), &err)) << err;
}

TEST(ContainerNameTest, RefusesEmptyName) {
  EXPECT_EQ(container_name_error(""), "container name is empty");
}

TEST(ContainerNameTest, RefusesMoreThan64Characters) {
  std::string name(kMaxNameLength + 1, 'a');
  EXPECT_EQ(container_name_error(name),
            "container name '" + name + "' is longer than 64 characters");
}

TEST(ContainerNameTest, MustStartWithLetterOrDigit) {
  EXPECT_EQ(container_name_error("-web"),
            "container name '-web' must start with a letter or digit");
  EXPECT_EQ(container_name_error(".web"),
            "container name '.web' must start with a letter or digit");
  EXPECT_EQ(container_name_error("_web"),
            "container name '_web' must start with a letter or digit");
}

TEST(ContainerNameTest, RefusesOtherCharacters) {
  for (const char* name : {"web_1", "web 1", "web/1", "web@1", "web:1", "wéb", "web%i", "web\n"}) {
    // Shown as systemd's cescape() shows it: "w\\303\\251b", "web\\n".
    EXPECT_EQ(container_name_error(name), "container name '" + cescape(name) +
                                              "' may contain only letters, digits, '-' and '.'");
  }
}

TEST(ContainerNameTest, RefusesDoubleDots) {
  EXPECT_EQ(container_name_error("a..b"), "container name 'a..b' must not contain '..'");
}

TEST(ContainerNameTest, LengthIsCheckedBeforeCharacters) {
  std::string name = "-" + std::string(kMaxNameLength, 'a');
  EXPECT_EQ(container_name_error(name),
            "container name '" + name + "' is longer than 64 characters");
}

// The container name becomes the machine name, and systemd-nspawn 252
// refuses --machine= values that hostname_is_valid() refuses ("Invalid
// machine name: web-"): such a unit could never start.
TEST(ContainerNameTest, RefusesNamesNspawnRefusesAsMachineNames) {
  EXPECT_EQ(container_name_error("web-"), "container name 'web-' must end with a letter or digit");
  EXPECT_EQ(container_name_error("web."), "container name 'web.' must end with a letter or digit");
  EXPECT_EQ(container_name_error("a-.b"), "container name 'a-.b' must not have '-' next to '.'");
  EXPECT_EQ(container_name_error("a.-b"), "container name 'a.-b' must not have '-' next to '.'");
  EXPECT_EQ(container_name_error("a-"), "container name 'a-' must end with a letter or digit");
}

TEST(RootfsNameTest, SameRulesWithRootfsInMessages) {
  std::string err;
  EXPECT_TRUE(validate_rootfs_name("debian-12", &err)) << err;
  EXPECT_TRUE(validate_rootfs_name("fedora.40", &err)) << err;
  err.clear();
  EXPECT_FALSE(validate_rootfs_name("", &err));
  EXPECT_EQ(err, "rootfs name is empty");
  EXPECT_FALSE(validate_rootfs_name("../etc", &err));
  EXPECT_EQ(err, "rootfs name '../etc' must start with a letter or digit");
  EXPECT_FALSE(validate_rootfs_name("a/b", &err));
  EXPECT_EQ(err, "rootfs name 'a/b' may contain only letters, digits, '-' and '.'");
  EXPECT_FALSE(validate_rootfs_name("a..b", &err));
  EXPECT_EQ(err, "rootfs name 'a..b' must not contain '..'");
  std::string long_name(65, 'r');
  EXPECT_FALSE(validate_rootfs_name(long_name, &err));
  EXPECT_EQ(err, "rootfs name '" + long_name + "' is longer than 64 characters");
}

TEST(PodNameTest, SameRulesWithPodInMessages) {
  std::string err;
  EXPECT_TRUE(validate_pod_name("duo", &err)) << err;
  EXPECT_FALSE(validate_pod_name("../x", &err));
  EXPECT_EQ(err, "pod name '../x' must start with a letter or digit");
}

TEST(HostnameTest, AcceptsLabelsOfLettersDigitsAndDashes) {
  for (const char* name : {"web", "web-1", "a.b.c", "WEB.example.org", "1", "x-y.z-w"}) {
    std::string err;
    EXPECT_TRUE(validate_hostname(name, &err)) << name << ": " << err;
  }
  std::string err;
  EXPECT_TRUE(validate_hostname(std::string(63, 'a'), &err)) << err;
  EXPECT_TRUE(validate_hostname(std::string(62, 'a') + ".b", &err)) << err;
}

TEST(HostnameTest, RefusesEmpty) {
  EXPECT_EQ(hostname_error(""), "invalid host name '': it is empty");
}

TEST(HostnameTest, RefusesMoreThan64Characters) {
  std::string name = std::string(32, 'a') + "." + std::string(32, 'b');
  EXPECT_EQ(hostname_error(name), "invalid host name '" + name + "': longer than 64 characters");
}

TEST(HostnameTest, RefusesEmptyLabels) {
  EXPECT_EQ(hostname_error(".web"), "invalid host name '.web': empty label");
  EXPECT_EQ(hostname_error("a..b"), "invalid host name 'a..b': empty label");
  EXPECT_EQ(hostname_error("web."), "invalid host name 'web.': empty label");
  EXPECT_EQ(hostname_error("."), "invalid host name '.': empty label");
}

TEST(HostnameTest, RefusesOtherCharacters) {
  for (const char* name : {"web_1", "web 1", "we/b", "web@x", "wéb"}) {
    EXPECT_EQ(hostname_error(name), "invalid host name '" + cescape(name) +
                                        "': only letters, digits, '-' and '.' are allowed");
  }
}

TEST(HostnameTest, RefusesLabelsLongerThan63Characters) {
  std::string name = std::string(64, 'a');
  EXPECT_EQ(hostname_error(name),
            "invalid host name '" + name + "': a label is longer than 63 characters");
}

// systemd's hostname_is_valid() refuses a '-' at the start or end of a
// label; systemd-nspawn 252 would fail at start-up with "Invalid hostname".
TEST(HostnameTest, RefusesDashAtStartOrEndOfLabel) {
  EXPECT_EQ(hostname_error("-web"),
            "invalid host name '-web': a label must start and end with a letter or digit");
  EXPECT_EQ(hostname_error("web-"),
            "invalid host name 'web-': a label must start and end with a letter or digit");
  EXPECT_EQ(hostname_error("a-.b"),
            "invalid host name 'a-.b': a label must start and end with a letter or digit");
  EXPECT_EQ(hostname_error("a.-b"),
            "invalid host name 'a.-b': a label must start and end with a letter or digit");
}

TEST(AbsolutePathTest, AcceptsAbsolutePaths) {
  for (const char* path : {"/", "/srv", "/srv/www/", "/a.b/..c/d..", "/with space", "/%i/x"}) {
    std::string err;
    EXPECT_TRUE(validate_absolute_path(path, "Bind=", &err)) << path << ": " << err;
  }
}

TEST(AbsolutePathTest, RefusesRelativePaths) {
  EXPECT_EQ(path_error(""), "Bind= path '' is not absolute");
  EXPECT_EQ(path_error("srv/www"), "Bind= path 'srv/www' is not absolute");
  EXPECT_EQ(path_error("./srv", "OpaqueDir="), "OpaqueDir= path './srv' is not absolute");
}

TEST(AbsolutePathTest, RefusesDotAndDotDotComponents) {
  EXPECT_EQ(path_error("/srv/../etc"), "Bind= path '/srv/../etc' must not contain '..' components");
  EXPECT_EQ(path_error("/.."), "Bind= path '/..' must not contain '..' components");
  EXPECT_EQ(path_error("/srv/.."), "Bind= path '/srv/..' must not contain '..' components");
  EXPECT_EQ(path_error("/srv/./www"), "Bind= path '/srv/./www' must not contain '.' components");
  EXPECT_EQ(path_error("/."), "Bind= path '/.' must not contain '.' components");
  EXPECT_EQ(path_error("/a/./b/../c"), "Bind= path '/a/./b/../c' must not contain '.' components");
}

TEST(AbsolutePathTest, RefusesNulAndNewline) {
  EXPECT_EQ(path_error(std::string_view("/a\0b", 4)), "Bind= path contains a control character");
  EXPECT_EQ(path_error("/a\nb"), "Bind= path contains a control character");
}

// Control characters would reach RequiresMountsFor=, which systemd reads
// without C unescaping, and '\r' would even end the line there.
TEST(AbsolutePathTest, RefusesEveryControlCharacter) {
  EXPECT_EQ(path_error("/a\rb"), "Bind= path contains a control character");
  EXPECT_EQ(path_error("/a\x01z"), "Bind= path contains a control character");
  EXPECT_EQ(path_error("/a\x1fz"), "Bind= path contains a control character");
  EXPECT_EQ(path_error("/a\x7fz"), "Bind= path contains a control character");
}

}  // namespace
}  // namespace sdme
