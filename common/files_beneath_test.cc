// Tests for reading and replacing files beneath an open directory without
// following symlinks, in a scratch directory.
#include "common/files_beneath.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace sdme {
namespace {

using ::sdme::test_support::directory_entries;
using ::sdme::test_support::entry_kind;
using ::sdme::test_support::link_target;
using ::sdme::test_support::permission_bits;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScopedUmask;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

class FilesBeneathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "the helpers' tests run as root";
    scratch_.emplace();
    tree_ = scratch_->path() + "/tree";
    std::filesystem::create_directory(tree_);
    std::string err;
    ASSERT_TRUE(open_tree_root(tree_, &root_, &err)) << err;
  }
  void TearDown() override {
    root_ = DirectoryHandle{};
    scratch_.reset();
  }

  DirectoryHandle open_or_create(std::string_view path, Rollback* rollback) {
    DirectoryHandle directory;
    std::string err;
    EXPECT_TRUE(open_or_create_directory_beneath(root_, path, rollback, &directory, &err)) << err;
    return directory;
  }
  std::string open_or_create_error(std::string_view path) {
    Rollback rollback;
    DirectoryHandle directory;
    std::string err;
    EXPECT_FALSE(open_or_create_directory_beneath(root_, path, &rollback, &directory, &err));
    return err;
  }
  // Whether PATH opens as a directory reached without a symlink.
  bool opens_existing(std::string_view path) {
    DirectoryHandle directory;
    std::string err;
    EXPECT_TRUE(open_existing_directory_beneath(root_, path, &directory, &err)) << err;
    return directory.descriptor.valid();
  }
  bool has_content(const DirectoryHandle& directory, std::string_view name,
                   std::string_view content) {
    bool same = true;
    std::string err;
    EXPECT_TRUE(file_has_content(directory, name, content, &same, &err)) << err;
    return same;
  }

  std::optional<ScratchDirectory> scratch_;
  std::string tree_;
  DirectoryHandle root_;
};

TEST_F(FilesBeneathTest, CreatesMissingDirectoriesWithMode0755WhateverTheUmask) {
  ScopedUmask umask(077);
  Rollback rollback;
  DirectoryHandle directory = open_or_create("/etc/systemd/system", &rollback);
  EXPECT_EQ(directory.path, tree_ + "/etc/systemd/system");
  EXPECT_EQ(permission_bits(tree_ + "/etc"), 0755u);
  EXPECT_EQ(permission_bits(tree_ + "/etc/systemd/system"), 0755u);
  std::string err;
  ASSERT_TRUE(replace_file(directory, "unit.service", "[Unit]\n", 0644, &err)) << err;
  EXPECT_EQ(read_test_file(tree_ + "/etc/systemd/system/unit.service"), "[Unit]\n");
  rollback.commit();
}

// A user-namespaced container's root is owned by the first UID of its
// range; what the helpers make in it must be that UID's, not host root's.
TEST_F(FilesBeneathTest, WhatIsMadeBelongsToTheOwnerOfTheTreesRoot) {
  constexpr uid_t kContainerRoot = 0x00A00000;
  ASSERT_EQ(::chown(tree_.c_str(), kContainerRoot, kContainerRoot), 0);
  std::string err;
  ASSERT_TRUE(open_tree_root(tree_, &root_, &err)) << err;
  Rollback rollback;
  DirectoryHandle directory = open_or_create("/root/.ssh", &rollback);
  rollback.commit();
  ASSERT_TRUE(replace_file(directory, "authorized_keys", "key\n", 0600, &err)) << err;
  ASSERT_TRUE(replace_symlink(directory, "link", "authorized_keys", &err)) << err;
  for (const std::string path :
       {"/root", "/root/.ssh", "/root/.ssh/authorized_keys", "/root/.ssh/link"}) {
    struct stat status;
    ASSERT_EQ(::lstat((tree_ + path).c_str(), &status), 0) << path;
    EXPECT_EQ(status.st_uid, kContainerRoot) << path;
    EXPECT_EQ(status.st_gid, kContainerRoot) << path;
  }
  struct stat file;
  ASSERT_EQ(::stat((tree_ + "/root/.ssh/authorized_keys").c_str(), &file), 0);
  EXPECT_EQ(file.st_mode & 07777, 0600u);
}

// A root owned by a user (a directory an administrator made as UID 1000)
// is no container's root user: what is made below stays root's.
TEST_F(FilesBeneathTest, AnyOtherOwnerOfTheRootLeavesWhatIsMadeToRoot) {
  ASSERT_EQ(::chown(tree_.c_str(), 1000, 1000), 0);
  std::string err;
  ASSERT_TRUE(open_tree_root(tree_, &root_, &err)) << err;
  Rollback rollback;
  DirectoryHandle directory = open_or_create("/etc", &rollback);
  rollback.commit();
  ASSERT_TRUE(replace_file(directory, "shadow", "root:*:1::::::\n", 0600, &err)) << err;
  for (const std::string path : {"/etc", "/etc/shadow"}) {
    struct stat status;
    ASSERT_EQ(::lstat((tree_ + path).c_str(), &status), 0) << path;
    EXPECT_EQ(status.st_uid, 0u) << path;
    EXPECT_EQ(status.st_gid, 0u) << path;
  }
  EXPECT_TRUE(is_shifted_root_owner(0x00A00000, 0x00A00000));
  EXPECT_FALSE(is_shifted_root_owner(0, 0));
  EXPECT_FALSE(is_shifted_root_owner(0x00A00000, 0x00A00001));
  EXPECT_FALSE(is_shifted_root_owner(1000, 1000));
}

TEST_F(FilesBeneathTest, RollbackRemovesTheDirectoriesItCreatedOnly) {
  std::filesystem::create_directories(tree_ + "/etc");
  ::chmod((tree_ + "/etc").c_str(), 0700);
  {
    Rollback rollback;
    open_or_create("/etc/systemd/system", &rollback);
  }
  EXPECT_EQ(directory_entries(tree_), std::vector<std::string>{"etc"});
  EXPECT_EQ(directory_entries(tree_ + "/etc"), std::vector<std::string>{});
  // An existing directory keeps its mode.
  EXPECT_EQ(permission_bits(tree_ + "/etc"), 0700u);
}

TEST_F(FilesBeneathTest, RefusesSymlinkOnThePathAndWritesNothingBehindIt) {
  std::string elsewhere = scratch_->path() + "/elsewhere";
  std::filesystem::create_directories(elsewhere + "/systemd");
  std::filesystem::create_directory_symlink(elsewhere, tree_ + "/etc");
  EXPECT_EQ(open_or_create_error("/etc/systemd/system"),
            tree_ +
                "/etc is a symlink, and sdme does not follow symlinks made by a container; replace "
                "it with a directory inside the container");
  // A relative link inside the tree is refused just the same.
  std::filesystem::remove(tree_ + "/etc");
  std::filesystem::create_directories(tree_ + "/usr/etc");
  std::filesystem::create_directory_symlink("usr/etc", tree_ + "/etc");
  EXPECT_EQ(open_or_create_error("/etc/systemd"),
            tree_ +
                "/etc is a symlink, and sdme does not follow symlinks made by a container; replace "
                "it with a directory inside the container");
  EXPECT_EQ(directory_entries(elsewhere), std::vector<std::string>{"systemd"});
  EXPECT_EQ(directory_entries(elsewhere + "/systemd"), std::vector<std::string>{});
  EXPECT_EQ(directory_entries(tree_ + "/usr/etc"), std::vector<std::string>{});
}

TEST_F(FilesBeneathTest, RefusesFileOnThePath) {
  write_test_file(tree_ + "/etc/systemd", "");
  EXPECT_EQ(open_or_create_error("/etc/systemd/system"),
            tree_ + "/etc/systemd is not a directory; remove it inside the container");
}

TEST_F(FilesBeneathTest, OpensExistingDirectoriesOnlyWithoutSymlinks) {
  std::filesystem::create_directories(tree_ + "/etc/systemd");
  std::filesystem::create_directory_symlink(tree_ + "/etc", tree_ + "/link");
  write_test_file(tree_ + "/file", "");
  EXPECT_TRUE(opens_existing("/etc/systemd"));
  EXPECT_FALSE(opens_existing("/etc/systemd/system"));
  EXPECT_FALSE(opens_existing("/link/systemd"));
  EXPECT_FALSE(opens_existing("/file/systemd"));
  EXPECT_EQ(directory_entries(tree_ + "/etc/systemd"), std::vector<std::string>{});
}

TEST_F(FilesBeneathTest, InspectsEntriesWithoutFollowingSymlinks) {
  write_test_file(tree_ + "/file", "x");
  std::filesystem::create_directory(tree_ + "/directory");
  std::filesystem::create_symlink("/dev/null", tree_ + "/link");
  ASSERT_EQ(::mkfifo((tree_ + "/fifo").c_str(), 0600), 0);
  std::string err;
  Entry entry;
  ASSERT_TRUE(inspect_entry(root_, "file", &entry, &err)) << err;
  EXPECT_EQ(entry.kind, EntryKind::kRegularFile);
  ASSERT_TRUE(inspect_entry(root_, "directory", &entry, &err)) << err;
  EXPECT_EQ(entry.kind, EntryKind::kDirectory);
  ASSERT_TRUE(inspect_entry(root_, "link", &entry, &err)) << err;
  EXPECT_EQ(entry.kind, EntryKind::kSymlink);
  EXPECT_EQ(entry.link_target, "/dev/null");
  ASSERT_TRUE(inspect_entry(root_, "fifo", &entry, &err)) << err;
  EXPECT_EQ(entry.kind, EntryKind::kOther);
  ASSERT_TRUE(inspect_entry(root_, "missing", &entry, &err)) << err;
  EXPECT_EQ(entry.kind, EntryKind::kMissing);
}

TEST_F(FilesBeneathTest, ComparesOnlyARegularFileByItsWholeContent) {
  write_test_file(tree_ + "/hostname", "web\n");
  std::filesystem::create_symlink("hostname", tree_ + "/link");
  ASSERT_EQ(::mkfifo((tree_ + "/fifo").c_str(), 0600), 0);
  EXPECT_TRUE(has_content(root_, "hostname", "web\n"));
  EXPECT_FALSE(has_content(root_, "hostname", "web"));
  EXPECT_FALSE(has_content(root_, "hostname", "web\nx"));
  EXPECT_FALSE(has_content(root_, "hostname", "db\n"));
  EXPECT_FALSE(has_content(root_, "hostname", "db1\n"));
  EXPECT_FALSE(has_content(root_, "link", "web\n"));
  EXPECT_FALSE(has_content(root_, "fifo", ""));
  EXPECT_FALSE(has_content(root_, "missing", ""));
}

TEST_F(FilesBeneathTest, ReplacesSymlinkItselfNotItsTarget) {
  std::string outside = scratch_->path() + "/outside";
  write_test_file(outside, "host\n");
  std::filesystem::create_symlink(outside, tree_ + "/hostname");
  std::string err;
  ASSERT_TRUE(replace_file(root_, "hostname", "web\n", 0644, &err)) << err;
  EXPECT_EQ(entry_kind(tree_ + "/hostname"), "file");
  EXPECT_EQ(read_test_file(tree_ + "/hostname"), "web\n");
  EXPECT_EQ(permission_bits(tree_ + "/hostname"), 0644u);
  EXPECT_EQ(read_test_file(outside), "host\n");
  EXPECT_EQ(directory_entries(tree_), std::vector<std::string>{"hostname"});
}

TEST_F(FilesBeneathTest, ReplacesFileWithSymlinkAndSymlinkWithSymlink) {
  write_test_file(tree_ + "/resolv.conf", "nameserver 192.0.2.1\n");
  std::string err;
  ASSERT_TRUE(replace_symlink(root_, "resolv.conf", "../run/stub", &err)) << err;
  EXPECT_EQ(link_target(tree_ + "/resolv.conf"), "../run/stub");
  ASSERT_TRUE(replace_symlink(root_, "resolv.conf", "/dev/null", &err)) << err;
  EXPECT_EQ(link_target(tree_ + "/resolv.conf"), "/dev/null");
  EXPECT_EQ(directory_entries(tree_), std::vector<std::string>{"resolv.conf"});
}

TEST_F(FilesBeneathTest, FailedReplacementKeepsTheOldFileAndLeavesNoTemporaryFile) {
  std::string small = scratch_->path() + "/small";
  std::filesystem::create_directory(small);
  ASSERT_EQ(::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=16k"), 0);
  write_test_file(small + "/hostname", "old\n");
  DirectoryHandle directory;
  std::string err;
  ASSERT_TRUE(open_tree_root(small, &directory, &err)) << err;
  EXPECT_FALSE(replace_file(directory, "hostname", std::string(1 << 20, 'x'), 0644, &err));
  EXPECT_EQ(err, "cannot write " + small + "/hostname: No space left on device");
  EXPECT_EQ(read_test_file(small + "/hostname"), "old\n");
  EXPECT_EQ(directory_entries(small), std::vector<std::string>{"hostname"});
}

TEST_F(FilesBeneathTest, RemovesEntriesAndAcceptsMissingOnes) {
  std::filesystem::create_symlink("/dev/null", tree_ + "/mask");
  std::string err;
  ASSERT_TRUE(remove_entry(root_, "mask", &err)) << err;
  EXPECT_EQ(entry_kind(tree_ + "/mask"), "missing");
  ASSERT_TRUE(remove_entry(root_, "mask", &err)) << err;
}

TEST_F(FilesBeneathTest, RefusesDotDotWhichWouldClimbOutWithoutASymlink) {
  std::filesystem::create_directory(tree_ + "/etc");
  EXPECT_EQ(open_or_create_error("/etc/../../escaped"),
            "internal error: the path /etc/../../escaped has a '..' component");
  DirectoryHandle directory;
  std::string err;
  EXPECT_FALSE(open_existing_directory_beneath(root_, "/..", &directory, &err));
  EXPECT_EQ(err, "internal error: the path /.. has a '..' component");
  EXPECT_EQ(entry_kind(scratch_->path() + "/escaped"), "missing");
}

TEST_F(FilesBeneathTest, ReportsARootThatCannotBeOpened) {
  DirectoryHandle directory;
  std::string err;
  EXPECT_FALSE(open_tree_root(tree_ + "/missing", &directory, &err));
  EXPECT_EQ(err, "cannot open " + tree_ + "/missing: No such file or directory");
}

}  // namespace
}  // namespace sdme
