// Tests for finding and removing the mask of systemd-logind.service in
// hand-made trees: only the link `systemctl mask` makes goes, and a link
// in the tree that points out of it is never followed.
#include "import/logind_mask.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using ::sdme::test_support::entry_kind;
using ::sdme::test_support::link_target;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

constexpr const char* kLogindUnit = "/etc/systemd/system/systemd-logind.service";

void make_symlink(const std::string& target, const std::string& path) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::filesystem::create_symlink(target, path);
}

class LogindMaskTest : public ::testing::Test {
 protected:
  LogindMaskTest() : root_(scratch_.path() + "/tree") {
    std::filesystem::create_directories(root_);
  }

  std::string in_tree(const std::string& path) const { return root_ + path; }

  bool masked() {
    bool masked = false;
    std::string err;
    EXPECT_TRUE(logind_is_masked(root_, &masked, &err)) << err;
    return masked;
  }

  bool unmask() {
    bool unmasked = false;
    std::string err;
    EXPECT_TRUE(unmask_logind(root_, &unmasked, &err)) << err;
    return unmasked;
  }

  ScratchDirectory scratch_;
  std::string root_;
};

TEST_F(LogindMaskTest, RemovesTheMaskLinkOnce) {
  make_symlink("/dev/null", in_tree(kLogindUnit));
  write_test_file(in_tree("/etc/systemd/system/other.service"), "[Service]\n");
  EXPECT_TRUE(masked());
  EXPECT_TRUE(unmask());
  EXPECT_EQ(entry_kind(in_tree(kLogindUnit)), "missing");
  EXPECT_EQ(read_test_file(in_tree("/etc/systemd/system/other.service")), "[Service]\n");
  EXPECT_FALSE(masked());
  // A second run finds nothing to do.
  EXPECT_FALSE(unmask());
}

TEST_F(LogindMaskTest, ATreeWithoutUnitsIsNotMasked) {
  EXPECT_FALSE(masked());
  EXPECT_FALSE(unmask());
  write_test_file(in_tree("/etc/hostname"), "tree\n");
  EXPECT_FALSE(masked());
  EXPECT_FALSE(unmask());
}

TEST_F(LogindMaskTest, LeavesEverythingButTheMaskLink) {
  // An administrator's own unit, an empty file and another spelling of
  // /dev/null all stay: only what `systemctl mask` makes is removed.
  write_test_file(in_tree(kLogindUnit), "[Service]\nExecStart=/bin/true\n");
  EXPECT_FALSE(masked());
  EXPECT_FALSE(unmask());
  EXPECT_EQ(read_test_file(in_tree(kLogindUnit)), "[Service]\nExecStart=/bin/true\n");

  std::filesystem::remove(in_tree(kLogindUnit));
  write_test_file(in_tree(kLogindUnit), "");
  EXPECT_FALSE(unmask());
  EXPECT_EQ(entry_kind(in_tree(kLogindUnit)), "file");

  for (const char* target : {"../../../dev/null", "/usr/lib/systemd/system/systemd-logind.service",
                             "/dev/null/", "/dev/zero"}) {
    std::filesystem::remove(in_tree(kLogindUnit));
    make_symlink(target, in_tree(kLogindUnit));
    EXPECT_FALSE(masked()) << target;
    EXPECT_FALSE(unmask()) << target;
    EXPECT_EQ(link_target(in_tree(kLogindUnit)), target);
  }
}

TEST_F(LogindMaskTest, NeverFollowsTheTreesLinksOutOfIt) {
  // Outside the tree, a unit directory with a mask that is not the tree's.
  std::string outside = scratch_.path() + "/outside";
  make_symlink("/dev/null", outside + "/etc/systemd/system/systemd-logind.service");
  for (const auto& [link, target] :
       {std::pair<std::string, std::string>{"/etc", outside + "/etc"},
        {"/etc/systemd", outside + "/etc/systemd"},
        {"/etc/systemd/system", outside + "/etc/systemd/system"},
        {"/etc/systemd/system", "../../../outside/etc/systemd/system"}}) {
    std::filesystem::remove_all(in_tree("/etc"));
    make_symlink(target, in_tree(link));
    EXPECT_FALSE(masked()) << link << " -> " << target;
    EXPECT_FALSE(unmask()) << link << " -> " << target;
    EXPECT_EQ(link_target(outside + "/etc/systemd/system/systemd-logind.service"), "/dev/null");
  }
}

TEST_F(LogindMaskTest, AMissingTreeIsAnError) {
  bool unmasked = true;
  std::string err;
  EXPECT_FALSE(unmask_logind(root_ + "/missing", &unmasked, &err));
  EXPECT_FALSE(unmasked);
  EXPECT_EQ(err, "cannot open " + root_ + "/missing: No such file or directory");
  bool masked = true;
  EXPECT_FALSE(logind_is_masked(root_ + "/missing", &masked, &err));
}

}  // namespace
}  // namespace sdme::import
