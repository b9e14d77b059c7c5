#include "import/import_transaction.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using test_support::directory_entries;
using test_support::entry_kind;
using test_support::ScratchDirectory;
using test_support::write_test_file;

TEST(ImportLeftoverTest, MatchesOnlyThisNamesStagingDirectories) {
  EXPECT_TRUE(is_import_leftover(".debian.import-a1B2c3", "debian"));
  EXPECT_FALSE(is_import_leftover(".debian.import-a1B2c", "debian"));
  EXPECT_FALSE(is_import_leftover(".debian.lock", "debian"));
  EXPECT_FALSE(is_import_leftover("debian", "debian"));
  EXPECT_FALSE(is_import_leftover(".debian.import-b.import-a1B2c3", "debian"));
  EXPECT_FALSE(is_import_leftover(".debian.import-../../", "debian"));
}

TEST(ImportTransactionTest, CommitRenamesTheStagingTreeToTheTarget) {
  ScratchDirectory scratch;
  std::string rootfs_dir = scratch.path() + "/rootfs";
  std::string err;
  auto transaction = ImportTransaction::begin(rootfs_dir, "debian", nullptr, &err);
  ASSERT_NE(transaction, nullptr) << err;
  EXPECT_FALSE(transaction->target_exists());
  std::string staging;
  ASSERT_TRUE(transaction->make_directory(&staging, &err)) << err;
  EXPECT_EQ(test_support::permission_bits(staging), 0755u);
  write_test_file(staging + "/etc/os-release", "ID=debian\n");
  ASSERT_TRUE(transaction->commit(staging, &err)) << err;
  EXPECT_TRUE(transaction->target_exists());
  transaction.reset();
  EXPECT_EQ(test_support::read_test_file(rootfs_dir + "/debian/etc/os-release"), "ID=debian\n");
  EXPECT_EQ(directory_entries(rootfs_dir), (std::vector<std::string>{".debian.lock", "debian"}));
  EXPECT_EQ(test_support::permission_bits(rootfs_dir), 0700u);
}

TEST(ImportTransactionTest, AbandonedTransactionLeavesNoTreeBehind) {
  ScratchDirectory scratch;
  std::string rootfs_dir = scratch.path() + "/rootfs";
  std::string err;
  {
    auto transaction = ImportTransaction::begin(rootfs_dir, "debian", nullptr, &err);
    ASSERT_NE(transaction, nullptr) << err;
    std::string staging, scratch_dir;
    ASSERT_TRUE(transaction->make_directory(&staging, &err)) << err;
    ASSERT_TRUE(transaction->make_directory(&scratch_dir, &err)) << err;
    write_test_file(staging + "/usr/bin/half-written", "x");
    write_test_file(scratch_dir + "/blobs/sha256/0", "x");
  }
  EXPECT_EQ(directory_entries(rootfs_dir), (std::vector<std::string>{".debian.lock"}));
}

TEST(ImportTransactionTest, CommitNeverReplacesAnExistingTarget) {
  ScratchDirectory scratch;
  std::string rootfs_dir = scratch.path() + "/rootfs";
  std::string err;
  auto transaction = ImportTransaction::begin(rootfs_dir, "debian", nullptr, &err);
  ASSERT_NE(transaction, nullptr) << err;
  std::string staging;
  ASSERT_TRUE(transaction->make_directory(&staging, &err)) << err;
  write_test_file(rootfs_dir + "/debian/keep", "old");
  EXPECT_FALSE(transaction->commit(staging, &err));
  EXPECT_EQ(err, rootfs_dir + "/debian appeared while this import ran; remove it to import again");
  EXPECT_EQ(test_support::read_test_file(rootfs_dir + "/debian/keep"), "old");
}

TEST(ImportTransactionTest, BeginRemovesWhatACrashedImportLeft) {
  ScratchDirectory scratch;
  std::string rootfs_dir = scratch.path() + "/rootfs";
  write_test_file(rootfs_dir + "/.debian.import-Xy12Zq/usr/bin/true", "x");
  write_test_file(rootfs_dir + "/.fedora.import-Xy12Zq/usr/bin/true", "x");
  write_test_file(rootfs_dir + "/ubuntu/etc/os-release", "ID=ubuntu\n");
  std::string err;
  auto transaction = ImportTransaction::begin(rootfs_dir, "debian", nullptr, &err);
  ASSERT_NE(transaction, nullptr) << err;
  EXPECT_EQ(directory_entries(rootfs_dir),
            (std::vector<std::string>{".debian.lock", ".fedora.import-Xy12Zq", "ubuntu"}));
}

TEST(ImportTransactionTest, SecondImportOfTheSameNameWaitsForTheLock) {
  ScratchDirectory scratch;
  std::string rootfs_dir = scratch.path() + "/rootfs";
  std::string err;
  auto first = ImportTransaction::begin(rootfs_dir, "debian", nullptr, &err);
  ASSERT_NE(first, nullptr) << err;
  // flock(2) locks belong to the open file description, so a second open in
  // this process contends like another process would.
  int probe = ::open((rootfs_dir + "/.debian.lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(probe, 0);
  EXPECT_NE(::flock(probe, LOCK_EX | LOCK_NB), 0);
  first.reset();
  EXPECT_EQ(::flock(probe, LOCK_EX | LOCK_NB), 0);
  ::close(probe);
  bool waited = false;
  auto other = ImportTransaction::begin(
      rootfs_dir, "fedora", [&] { waited = true; }, &err);
  ASSERT_NE(other, nullptr) << err;
  EXPECT_FALSE(waited);
}

}  // namespace
}  // namespace sdme::import
