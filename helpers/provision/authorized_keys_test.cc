// Tests for root's authorized_keys from SSHAuthorizedKeys=.
#include "helpers/provision/authorized_keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "helpers/provision/markers.h"
#include "helpers/provision/test_tree.h"

namespace sdme::provision {
namespace {

using ::sdme::test_support::entry_kind;
using ::sdme::test_support::permission_bits;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::write_test_file;

constexpr char kKeyA[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA alice@example";
constexpr char kKeyB[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB bob@example";
constexpr char kKeyC[] = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ carol@example";

class AuthorizedKeysTest : public ProvisionTreeTest {
 protected:
  std::string read(const std::vector<std::string>& values) {
    std::string content;
    std::string err;
    EXPECT_TRUE(read_authorized_keys(values, &content, &err)) << err;
    return content;
  }
  void set_up(const std::string& content) {
    std::string err;
    EXPECT_TRUE(set_up_authorized_keys(tree_, content, &err)) << err;
  }
  std::string keys_path() const { return merged("/root/.ssh/authorized_keys"); }
};

TEST_F(AuthorizedKeysTest, LinesAndFilesInOrderAfterTheMarker) {
  std::string file = scratch_->path() + "/keys";
  write_test_file(file, std::string(kKeyB) + "\n# a comment\n" + kKeyC);  // no final newline
  EXPECT_EQ(read({kKeyA, file, kKeyA}), std::string(kAuthorizedKeysMarker) + "\n" + kKeyA + "\n" +
                                            kKeyB + "\n# a comment\n" + kKeyC + "\n" + kKeyA +
                                            "\n");
  EXPECT_EQ(read({}), "");
}

TEST_F(AuthorizedKeysTest, MissingFileIsNamed) {
  std::string content;
  std::string err;
  std::string missing = scratch_->path() + "/missing";
  EXPECT_FALSE(read_authorized_keys({kKeyA, missing}, &content, &err));
  EXPECT_EQ(err, "cannot read the SSH authorized keys file: cannot open " + missing +
                     ": No such file or directory");
}

TEST_F(AuthorizedKeysTest, KeyLineMustBeOneLine) {
  std::string content;
  std::string err;
  EXPECT_FALSE(read_authorized_keys({std::string(kKeyA) + "\n" + kKeyB}, &content, &err));
  EXPECT_EQ(err, "an SSH authorized key must be one line, not several");
}

TEST_F(AuthorizedKeysTest, WritesRootOnlyFileAndDirectory) {
  set_up(read({kKeyA}));
  EXPECT_EQ(read_test_file(keys_path()), std::string(kAuthorizedKeysMarker) + "\n" + kKeyA + "\n");
  EXPECT_EQ(permission_bits(keys_path()), 0600u);
  EXPECT_EQ(permission_bits(merged("/root/.ssh")), 0700u);
  EXPECT_EQ(permission_bits(merged("/root")), 0700u);
}

TEST_F(AuthorizedKeysTest, BelongToTheContainersRootInAUserNamespacedTree) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  constexpr uint32_t kBase = 0x00A00000;
  ASSERT_EQ(::chown(merged_.c_str(), kBase, kBase), 0);
  std::string err;
  ASSERT_TRUE(open_container_tree_at(merged_, upper_, &tree_, &err)) << err;
  set_up(read({kKeyA}));
  for (const std::string path : {"/root", "/root/.ssh", "/root/.ssh/authorized_keys"}) {
    struct stat status;
    ASSERT_EQ(::stat(merged(path).c_str(), &status), 0) << path;
    EXPECT_EQ(status.st_uid, kBase) << path;
    EXPECT_EQ(status.st_gid, kBase) << path;
  }
  // A second run finds everything as it should be.
  age(keys_path());
  struct timespec before = mtime(keys_path());
  set_up(read({kKeyA}));
  EXPECT_TRUE(same_time(before, mtime(keys_path())));
}

TEST_F(AuthorizedKeysTest, FixesTheModeOfAnOpenSshDirectory) {
  std::filesystem::create_directories(merged("/root/.ssh"));
  ::chmod(merged("/root/.ssh").c_str(), 0777);
  set_up(read({kKeyA}));
  EXPECT_EQ(permission_bits(merged("/root/.ssh")), 0700u);
}

TEST_F(AuthorizedKeysTest, SecondRunChangesNothing) {
  set_up(read({kKeyA, kKeyB}));
  age(keys_path());
  age(merged("/root/.ssh"));
  struct timespec file_time = mtime(keys_path());
  struct timespec directory_time = mtime(merged("/root/.ssh"));
  set_up(read({kKeyA, kKeyB}));
  EXPECT_TRUE(same_time(mtime(keys_path()), file_time));
  EXPECT_TRUE(same_time(mtime(merged("/root/.ssh")), directory_time));
}

TEST_F(AuthorizedKeysTest, ReplacesTheWholeFile) {
  own_file("/root/.ssh/authorized_keys", std::string(kKeyC) + "\n");
  set_up(read({kKeyA}));
  EXPECT_EQ(read_test_file(keys_path()), std::string(kAuthorizedKeysMarker) + "\n" + kKeyA + "\n");
}

TEST_F(AuthorizedKeysTest, NoKeysRemovesOursFromTheUpperLayer) {
  own_file("/root/.ssh/authorized_keys", read({kKeyA}));
  set_up("");
  EXPECT_EQ(entry_kind(keys_path()), "missing");
  EXPECT_EQ(entry_kind(merged("/root/.ssh")), "directory");
}

TEST_F(AuthorizedKeysTest, NoKeysKeepsTheAdministratorsFile) {
  own_file("/root/.ssh/authorized_keys", std::string(kKeyC) + "\n");
  set_up("");
  EXPECT_EQ(read_test_file(keys_path()), std::string(kKeyC) + "\n");
  // The marker on a later line is no marker.
  own_file("/root/.ssh/authorized_keys",
           std::string(kKeyC) + "\n" + std::string(kAuthorizedKeysMarker) + "\n");
  set_up("");
  EXPECT_EQ(entry_kind(keys_path()), "file");
}

TEST_F(AuthorizedKeysTest, NoKeysKeepsAFileOfTheLowerLayer) {
  // An image made from a container carries sdme's file; it is the image's.
  lower_file("/root/.ssh/authorized_keys", read({kKeyA}));
  set_up("");
  EXPECT_EQ(entry_kind(keys_path()), "file");
}

TEST_F(AuthorizedKeysTest, RefusesSymlinkedSshDirectory) {
  std::string host_ssh = scratch_->path() + "/host-ssh";
  std::filesystem::create_directories(host_ssh);
  std::filesystem::create_directories(merged("/root"));
  std::filesystem::create_directory_symlink(host_ssh, merged("/root/.ssh"));
  std::string err;
  EXPECT_FALSE(set_up_authorized_keys(tree_, read({kKeyA}), &err));
  EXPECT_EQ(err, merged("/root/.ssh") +
                     " is a symlink, and sdme does not follow symlinks made by a container; "
                     "replace it with a directory inside the container");
  EXPECT_EQ(test_support::directory_entries(host_ssh), std::vector<std::string>{});
}

}  // namespace
}  // namespace sdme::provision
