#include "import/import_transaction.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "common/paths.h"
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

TEST(ImportLeftoverTest, MatchesTheTemporaryFileOfThisNamesImageConfig) {
  EXPECT_TRUE(is_import_leftover("..debian.image-config.json.a1B2c3", "debian"));
  // The config itself is not a leftover: it belongs to the tree.
  EXPECT_FALSE(is_import_leftover(".debian.image-config.json", "debian"));
  EXPECT_FALSE(is_import_leftover("..debian.image-config.json.a1B2c", "debian"));
  EXPECT_FALSE(is_import_leftover("..fedora.image-config.json.a1B2c3", "debian"));
  EXPECT_FALSE(
      is_import_leftover("..debian.image-config.json.x.image-config.json.a1B2c3", "debian"));
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

TEST(ImportTransactionTest, BeginRemovesAnImageConfigWithoutItsTree) {
  ScratchDirectory scratch;
  std::string rootfs_dir = scratch.path() + "/rootfs";
  // debian's tree was removed by hand; an import killed before its commit
  // left the temporary file of fedora's config, and ubuntu is whole.
  write_test_file(image_config_path(rootfs_dir, "debian"), "{\"old\":1}");
  write_test_file(rootfs_dir + "/..debian.image-config.json.Xy12Zq", "{");
  write_test_file(image_config_path(rootfs_dir, "ubuntu"), "{}");
  write_test_file(rootfs_dir + "/ubuntu/etc/os-release", "ID=ubuntu\n");
  std::string err;
  auto debian = ImportTransaction::begin(rootfs_dir, "debian", nullptr, &err);
  ASSERT_NE(debian, nullptr) << err;
  auto ubuntu = ImportTransaction::begin(rootfs_dir, "ubuntu", nullptr, &err);
  ASSERT_NE(ubuntu, nullptr) << err;
  EXPECT_TRUE(ubuntu->target_exists());
  EXPECT_EQ(directory_entries(rootfs_dir),
            (std::vector<std::string>{".debian.lock", ".ubuntu.image-config.json", ".ubuntu.lock",
                                      "ubuntu"}));
  EXPECT_EQ(test_support::read_test_file(image_config_path(rootfs_dir, "ubuntu")), "{}");
}

TEST(ImportTransactionTest, StagedImageConfigIsWrittenBeforeTheCommitAndKept) {
  ScratchDirectory scratch;
  std::string rootfs_dir = scratch.path() + "/rootfs";
  std::string config_path = image_config_path(rootfs_dir, "nginx");
  // Left from an earlier tree of this name, and replaced.
  write_test_file(config_path, "{\"old\":1}");
  std::string err;
  auto transaction = ImportTransaction::begin(rootfs_dir, "nginx", nullptr, &err);
  ASSERT_NE(transaction, nullptr) << err;
  std::string staging;
  ASSERT_TRUE(transaction->make_directory(&staging, &err)) << err;
  // Byte for byte, white space and all; 0644 whatever the umask.
  std::string config = "{\"architecture\":\"amd64\",\n  \"os\":\"linux\"}\n";
  mode_t umask = ::umask(0077);
  bool staged = transaction->stage_image_config(config, &err);
  ::umask(umask);
  ASSERT_TRUE(staged) << err;
  EXPECT_EQ(test_support::read_test_file(config_path), config);
  EXPECT_EQ(test_support::permission_bits(config_path), 0644u);
  ASSERT_TRUE(transaction->commit(staging, &err)) << err;
  transaction.reset();
  EXPECT_EQ(directory_entries(rootfs_dir),
            (std::vector<std::string>{".nginx.image-config.json", ".nginx.lock", "nginx"}));
  EXPECT_EQ(test_support::read_test_file(config_path), config);
}

TEST(ImportTransactionTest, AbandonedTransactionRemovesItsImageConfig) {
  ScratchDirectory scratch;
  std::string rootfs_dir = scratch.path() + "/rootfs";
  std::string err;
  {
    auto transaction = ImportTransaction::begin(rootfs_dir, "nginx", nullptr, &err);
    ASSERT_NE(transaction, nullptr) << err;
    std::string staging;
    ASSERT_TRUE(transaction->make_directory(&staging, &err)) << err;
    ASSERT_TRUE(transaction->stage_image_config("{}", &err)) << err;
    EXPECT_EQ(entry_kind(image_config_path(rootfs_dir, "nginx")), "file");
  }
  EXPECT_EQ(directory_entries(rootfs_dir), (std::vector<std::string>{".nginx.lock"}));
}

TEST(ImportTransactionTest, FailedCommitRemovesTheImageConfig) {
  ScratchDirectory scratch;
  std::string rootfs_dir = scratch.path() + "/rootfs";
  std::string err;
  auto transaction = ImportTransaction::begin(rootfs_dir, "nginx", nullptr, &err);
  ASSERT_NE(transaction, nullptr) << err;
  std::string staging;
  ASSERT_TRUE(transaction->make_directory(&staging, &err)) << err;
  ASSERT_TRUE(transaction->stage_image_config("{}", &err)) << err;
  write_test_file(rootfs_dir + "/nginx/keep", "old");
  EXPECT_FALSE(transaction->commit(staging, &err));
  EXPECT_EQ(err, rootfs_dir + "/nginx appeared while this import ran; remove it to import again");
  transaction.reset();
  EXPECT_EQ(directory_entries(rootfs_dir), (std::vector<std::string>{".nginx.lock", "nginx"}));
  EXPECT_EQ(test_support::read_test_file(rootfs_dir + "/nginx/keep"), "old");
}

TEST(ImportTransactionTest, StagingNeverTouchesTheConfigOfATreeThatIsThere) {
  ScratchDirectory scratch;
  std::string rootfs_dir = scratch.path() + "/rootfs";
  std::string config_path = image_config_path(rootfs_dir, "nginx");
  std::string err;
  auto transaction = ImportTransaction::begin(rootfs_dir, "nginx", nullptr, &err);
  ASSERT_NE(transaction, nullptr) << err;
  // Made by hand while this import ran, with its config.
  write_test_file(rootfs_dir + "/nginx/keep", "old");
  write_test_file(config_path, "{\"theirs\":1}");
  EXPECT_FALSE(transaction->stage_image_config("{\"ours\":1}", &err));
  EXPECT_EQ(err, rootfs_dir + "/nginx appeared while this import ran; remove it to import again");
  transaction.reset();
  EXPECT_EQ(test_support::read_test_file(config_path), "{\"theirs\":1}");
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
