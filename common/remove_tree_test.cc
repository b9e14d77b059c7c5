// Tests for rm -r beneath a directory descriptor: no link followed, no other
// file system entered. The mount tests need root (RemoveTreeTest is a root
// suite); the rest run as anyone.
#include "common/remove_tree.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace sdme {
namespace {

namespace fs = std::filesystem;
using ::sdme::test_support::directory_entries;
using ::sdme::test_support::entry_kind;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

class RemoveTreeAtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(scratch_.path() + "/outside/kept");
    write_test_file(scratch_.path() + "/outside/file", "keep me\n");
    parent_.reset(::open(scratch_.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(parent_.valid());
  }
  std::string path(const std::string& relative) const { return scratch_.path() + "/" + relative; }

  ScratchDirectory scratch_;
  FileDescriptor parent_;
};

TEST_F(RemoveTreeAtTest, RemovesEverythingAndNoLinkTarget) {
  write_test_file(path("tree/a/b/c/file"), "x");
  fs::create_directory_symlink(path("outside"), path("tree/a/absolute"));
  fs::create_directory_symlink("../../outside", path("tree/a/b/relative"));
  fs::create_symlink(path("outside/file"), path("tree/file-link"));
  ASSERT_EQ(::mkfifo(path("tree/a/fifo").c_str(), 0600), 0);
  // A directory without any permission is no obstacle to its owner's rmdir.
  fs::create_directories(path("tree/closed/inner"));
  ::chmod(path("tree/closed").c_str(), 0700);
  BeneathFailure failure;
  ASSERT_TRUE(remove_tree_at(parent_.get(), "tree", &failure))
      << failure.component << ": " << std::strerror(failure.error);
  EXPECT_EQ(entry_kind(path("tree")), "missing");
  EXPECT_EQ(directory_entries(path("outside")), (std::vector<std::string>{"file", "kept"}));
  EXPECT_EQ(read_test_file(path("outside/file")), "keep me\n");
}

TEST_F(RemoveTreeAtTest, RemovesALinkItselfAndAcceptsAMissingName) {
  fs::create_directory_symlink(path("outside"), path("link"));
  BeneathFailure failure;
  ASSERT_TRUE(remove_tree_at(parent_.get(), "link", &failure));
  EXPECT_EQ(entry_kind(path("link")), "missing");
  EXPECT_EQ(directory_entries(path("outside")), (std::vector<std::string>{"file", "kept"}));
  ASSERT_TRUE(remove_tree_at(parent_.get(), "link", &failure));
}

TEST_F(RemoveTreeAtTest, TakesOneNameOnly) {
  for (const char* name : {"", ".", "..", "outside/kept"}) {
    BeneathFailure failure;
    EXPECT_FALSE(remove_tree_at(parent_.get(), name, &failure)) << name;
    EXPECT_EQ(failure.error, EINVAL) << name;
  }
  EXPECT_EQ(entry_kind(path("outside/kept")), "directory");
}

TEST_F(RemoveTreeAtTest, PathFormNamesWhatItCouldNotRemove) {
  std::string err;
  ASSERT_TRUE(remove_tree(path("missing"), &err)) << err;
  ASSERT_TRUE(remove_tree(path("missing/below"), &err)) << err;
  write_test_file(path("tree/file"), "");
  ASSERT_TRUE(remove_tree(path("tree/"), &err)) << err;
  EXPECT_EQ(entry_kind(path("tree")), "missing");
  EXPECT_FALSE(remove_tree(path("outside/file/below"), &err));
  EXPECT_EQ(err, "cannot remove " + path("outside/file/below") + ": Not a directory");
}

class RemoveTreeTest : public RemoveTreeAtTest {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting needs root";
    RemoveTreeAtTest::SetUp();
  }
};

// What is mounted below (a bind mount of the host's directory, say) is left
// alone: its mount point keeps the directory above it from being removed.
TEST_F(RemoveTreeTest, LeavesWhatIsMountedBelowAlone) {
  fs::create_directories(path("tree/a/mounted"));
  write_test_file(path("tree/a/file"), "");
  ASSERT_EQ(
      ::mount(path("outside").c_str(), path("tree/a/mounted").c_str(), nullptr, MS_BIND, nullptr),
      0);
  std::string err;
  EXPECT_FALSE(remove_tree(path("tree"), &err));
  EXPECT_EQ(err, "cannot remove " + path("tree/a") + ": Directory not empty");
  EXPECT_EQ(directory_entries(path("outside")), (std::vector<std::string>{"file", "kept"}));
  EXPECT_EQ(directory_entries(path("tree/a")), std::vector<std::string>{"mounted"});
  ASSERT_EQ(::umount2(path("tree/a/mounted").c_str(), 0), 0);
  ASSERT_TRUE(remove_tree(path("tree"), &err)) << err;
  EXPECT_EQ(entry_kind(path("tree")), "missing");
}

TEST_F(RemoveTreeTest, LeavesAnotherFileSystemBelowAlone) {
  fs::create_directories(path("tree/tmp"));
  ASSERT_EQ(::mount("tmpfs", path("tree/tmp").c_str(), "tmpfs", 0, "size=64k"), 0);
  write_test_file(path("tree/tmp/data"), "on tmpfs\n");
  std::string err;
  EXPECT_FALSE(remove_tree(path("tree"), &err));
  EXPECT_EQ(err, "cannot remove " + path("tree") + ": Directory not empty");
  EXPECT_EQ(read_test_file(path("tree/tmp/data")), "on tmpfs\n");
}

}  // namespace
}  // namespace sdme
