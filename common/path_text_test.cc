// Tests for the path text operations every program shares.
#include "common/path_text.h"

#include <gtest/gtest.h>

namespace sdme {
namespace {

TEST(ParentDirectoryTest, AbsoluteAndRelativePaths) {
  EXPECT_EQ(parent_directory("/a/b"), "/a");
  EXPECT_EQ(parent_directory("/a"), "/");
  EXPECT_EQ(parent_directory("/"), "/");
  EXPECT_EQ(parent_directory("a/b/c"), "a/b");
  EXPECT_EQ(parent_directory("a"), "");
  EXPECT_EQ(parent_directory(""), "");
}

TEST(BaseNameTest, TheLastComponent) {
  EXPECT_EQ(base_name("/etc/sdme/web.sdme"), "web.sdme");
  EXPECT_EQ(base_name("web.sdme"), "web.sdme");
  EXPECT_EQ(base_name("a/b"), "b");
  EXPECT_EQ(base_name("/"), "");
}

TEST(JoinPathTest, OneSlashBetween) {
  EXPECT_EQ(join_path("a", "b"), "a/b");
  EXPECT_EQ(join_path("/srv", "b"), "/srv/b");
  EXPECT_EQ(join_path("/", "b"), "/b");
  EXPECT_EQ(join_path("", "b"), "b");
  EXPECT_EQ(join_path(parent_directory("a"), base_name("a")), "a");
  EXPECT_EQ(join_path(parent_directory("/a/b"), base_name("/a/b")), "/a/b");
}

TEST(PathUnderTest, RebasesAnAbsolutePath) {
  EXPECT_EQ(path_under("/", "/etc/hostname"), "/etc/hostname");
  EXPECT_EQ(path_under("/var/lib/sdme/rootfs/debian", "/etc/hostname"),
            "/var/lib/sdme/rootfs/debian/etc/hostname");
}

TEST(NormalizePathTest, RemovesDuplicateAndTrailingSlashes) {
  EXPECT_EQ(normalize_path("/a//b/"), "/a/b");
  EXPECT_EQ(normalize_path("///a///b///"), "/a/b");
  EXPECT_EQ(normalize_path("/srv/www"), "/srv/www");
}

TEST(NormalizePathTest, KeepsTheRoot) {
  EXPECT_EQ(normalize_path("/"), "/");
  EXPECT_EQ(normalize_path("//"), "/");
  EXPECT_EQ(normalize_path("///"), "/");
}

TEST(NormalizePathTest, LeavesDotsAndRelativePathsAlone) {
  EXPECT_EQ(normalize_path(""), "");
  EXPECT_EQ(normalize_path("a//b/"), "a/b");
  EXPECT_EQ(normalize_path("/a/./b/../c"), "/a/./b/../c");
}

TEST(WithoutDotComponentsTest, DropsDotsButNotDotDots) {
  EXPECT_EQ(without_dot_components("/wd/./rootfs.tar"), "/wd/rootfs.tar");
  EXPECT_EQ(without_dot_components("/wd/images/.//rootfs.tar/"), "/wd/images/rootfs.tar");
  EXPECT_EQ(without_dot_components("/wd/."), "/wd");
  EXPECT_EQ(without_dot_components("/."), "/");
  EXPECT_EQ(without_dot_components("/wd/../x"), "/wd/../x");
  EXPECT_EQ(without_dot_components("./a/./b"), "a/b");
  EXPECT_EQ(without_dot_components("."), ".");
  EXPECT_EQ(without_dot_components(".hidden/..x"), ".hidden/..x");
}

}  // namespace
}  // namespace sdme
