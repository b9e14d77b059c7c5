// Tests for setting root's password in a tree's /etc/shadow and /etc/passwd.
#include "helpers/provision/root_password.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "helpers/provision/password_hash.h"
#include "helpers/provision/shadow_file.h"
#include "helpers/provision/test_tree.h"

namespace sdme::provision {
namespace {

using ::sdme::test_support::entry_kind;
using ::sdme::test_support::permission_bits;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::write_test_file;

constexpr char kSha512Hash[] =
    "$6$saltsalt$pauPrmdmG4BTE9h2HPmywiw152IFch6BJCEsaY6D.PLTfpV8sqvXwWdyfsgVgozkYH9B80bAip/"
    "08R2BPH2xk/";  // "pw"
constexpr char kPasswd[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
constexpr char kShadow[] =
    "root:*:19000:0:99999:7:::\n"
    "daemon:*:19000:0:99999:7:::\n"
    "alice:$y$j9T$abc$def:19001:0:99999:7:::";  // no newline at the end

RootPassword hashed(const std::string& hash) {
  RootPassword password;
  password.given = true;
  password.hash = hash;
  password.source = "test";
  return password;
}

RootPassword plaintext(const char* text) {
  RootPassword password;
  password.given = true;
  password.plaintext = SecretText(std::strlen(text));
  std::memcpy(password.plaintext.data(), text, std::strlen(text));
  password.plaintext.resize(std::strlen(text));
  password.source = "test";
  return password;
}

class RootPasswordTest : public ProvisionTreeTest {
 protected:
  void set(const RootPassword& password, long today = 20000) {
    std::string err;
    EXPECT_TRUE(set_up_root_password(tree_, password, today, &err)) << err;
  }
  std::string root_hash() const {
    std::string hash;
    find_root_hash(read_test_file(merged("/etc/shadow")), &hash);
    return hash;
  }
};

TEST_F(RootPasswordTest, HashReplacesRootsFieldsAndKeepsEveryOtherLine) {
  lower_file("/etc/passwd", kPasswd);
  lower_file("/etc/shadow", kShadow);
  ::chmod(merged("/etc/shadow").c_str(), 0640);
  set(hashed(kSha512Hash));
  EXPECT_EQ(read_test_file(merged("/etc/shadow")), std::string("root:") + kSha512Hash +
                                                       ":20000:0:99999:7:::\n"
                                                       "daemon:*:19000:0:99999:7:::\n"
                                                       "alice:$y$j9T$abc$def:19001:0:99999:7:::");
  EXPECT_EQ(permission_bits(merged("/etc/shadow")), 0640u);
  EXPECT_EQ(read_test_file(merged("/etc/passwd")), kPasswd);
}

TEST_F(RootPasswordTest, KeepsOwnerAndGroup) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  lower_file("/etc/passwd", kPasswd);
  lower_file("/etc/shadow", kShadow);
  ASSERT_EQ(::chown(merged("/etc/shadow").c_str(), 0, 42), 0);
  ::chmod(merged("/etc/shadow").c_str(), 0640);
  set(hashed(kSha512Hash));
  struct stat status;
  ASSERT_EQ(::stat(merged("/etc/shadow").c_str(), &status), 0);
  EXPECT_EQ(status.st_uid, 0u);
  EXPECT_EQ(status.st_gid, 42u);
  EXPECT_EQ(status.st_mode & 07777, 0640u);
  EXPECT_EQ(root_hash(), kSha512Hash);
}

// A user-namespaced container: its tree's root belongs to the first ID of
// its range, and so does everything its root owns.
TEST_F(RootPasswordTest, KeepsShiftedOwnerAndGroupInAUserNamespacedTree) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  constexpr uint32_t kBase = 0x00A00000;
  lower_file("/etc/passwd", kPasswd);
  lower_file("/etc/shadow", kShadow);
  ASSERT_EQ(::chown(merged_.c_str(), kBase, kBase), 0);
  ASSERT_EQ(::chown(merged("/etc/shadow").c_str(), kBase, kBase + 42), 0);
  ::chmod(merged("/etc/shadow").c_str(), 0640);
  std::string err;
  ASSERT_TRUE(open_container_tree_at(merged_, upper_, &tree_, &err)) << err;
  set(hashed(kSha512Hash));
  struct stat status;
  ASSERT_EQ(::stat(merged("/etc/shadow").c_str(), &status), 0);
  EXPECT_EQ(status.st_uid, kBase);
  EXPECT_EQ(status.st_gid, kBase + 42);
  EXPECT_EQ(root_hash(), kSha512Hash);
}

TEST_F(RootPasswordTest, PlaintextIsHashedWithYescrypt) {
  lower_file("/etc/passwd", kPasswd);
  lower_file("/etc/shadow", kShadow);
  set(plaintext("hunter2"));
  std::string hash = root_hash();
  EXPECT_EQ(hash.substr(0, 3), "$y$");
  EXPECT_TRUE(password_matches(plaintext("hunter2").plaintext, hash));
  EXPECT_EQ(read_test_file(merged("/etc/shadow")).find("hunter2"), std::string::npos);
}

TEST_F(RootPasswordTest, SamePlaintextAgainKeepsTheHashAndTheFile) {
  lower_file("/etc/passwd", kPasswd);
  lower_file("/etc/shadow", kShadow);
  set(plaintext("hunter2"), 20000);
  std::string first = read_test_file(merged("/etc/shadow"));
  age(merged("/etc/shadow"));
  age(merged("/etc/passwd"));
  struct timespec shadow_time = mtime(merged("/etc/shadow"));
  struct timespec passwd_time = mtime(merged("/etc/passwd"));
  set(plaintext("hunter2"), 20001);
  EXPECT_EQ(read_test_file(merged("/etc/shadow")), first);
  EXPECT_TRUE(same_time(mtime(merged("/etc/shadow")), shadow_time));
  EXPECT_TRUE(same_time(mtime(merged("/etc/passwd")), passwd_time));
  // Another password does change it, and the day with it.
  set(plaintext("hunter3"), 20002);
  EXPECT_TRUE(password_matches(plaintext("hunter3").plaintext, root_hash()));
  EXPECT_NE(read_test_file(merged("/etc/shadow")).find(":20002:"), std::string::npos);
}

TEST_F(RootPasswordTest, SameHashAgainChangesNothing) {
  lower_file("/etc/passwd", kPasswd);
  lower_file("/etc/shadow", kShadow);
  set(hashed(kSha512Hash), 20000);
  std::string first = read_test_file(merged("/etc/shadow"));
  age(merged("/etc/shadow"));
  struct timespec before = mtime(merged("/etc/shadow"));
  set(hashed(kSha512Hash), 20001);
  EXPECT_EQ(read_test_file(merged("/etc/shadow")), first);
  EXPECT_TRUE(same_time(mtime(merged("/etc/shadow")), before));
}

TEST_F(RootPasswordTest, MissingShadowIsCreatedRootOnly) {
  lower_file("/etc/passwd", kPasswd);
  set(hashed(kSha512Hash));
  EXPECT_EQ(read_test_file(merged("/etc/shadow")),
            std::string("root:") + kSha512Hash + ":20000:0:99999:7:::\n");
  EXPECT_EQ(permission_bits(merged("/etc/shadow")), 0600u);
}

TEST_F(RootPasswordTest, MissingRootLineIsAdded) {
  lower_file("/etc/passwd", kPasswd);
  lower_file("/etc/shadow", "daemon:*:19000:0:99999:7:::\n");
  set(hashed(kSha512Hash));
  EXPECT_EQ(
      read_test_file(merged("/etc/shadow")),
      std::string("root:") + kSha512Hash + ":20000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
}

TEST_F(RootPasswordTest, PasswdRootIsPointedAtShadow) {
  lower_file("/etc/passwd", "root::0:0:root:/root:/bin/sh\n");
  ::chmod(merged("/etc/passwd").c_str(), 0644);
  set(hashed(kSha512Hash));
  EXPECT_EQ(read_test_file(merged("/etc/passwd")), "root:x:0:0:root:/root:/bin/sh\n");
  EXPECT_EQ(permission_bits(merged("/etc/passwd")), 0644u);
}

TEST_F(RootPasswordTest, PasswdWithoutRootIsAnError) {
  lower_file("/etc/passwd", "daemon:x:1:1::/:/bin/false\n");
  std::string err;
  EXPECT_FALSE(set_up_root_password(tree_, hashed(kSha512Hash), 20000, &err));
  EXPECT_EQ(err, "cannot set the root password from test: " + merged("/etc") +
                     "/passwd has no root entry; add one to the container's root file system");
  EXPECT_EQ(entry_kind(merged("/etc/shadow")), "missing");
}

TEST_F(RootPasswordTest, ShadowSymlinkIsRefusedNotFollowed) {
  lower_file("/etc/passwd", kPasswd);
  std::string host_shadow = scratch_->path() + "/host-shadow";
  write_test_file(host_shadow, "root:HOST:1::::::\n");
  std::filesystem::create_symlink(host_shadow, merged("/etc/shadow"));
  std::string err;
  EXPECT_FALSE(set_up_root_password(tree_, hashed(kSha512Hash), 20000, &err));
  EXPECT_EQ(err, merged("/etc/shadow") +
                     " is a symlink, and sdme does not follow symlinks made by a container; "
                     "replace it with a file inside the container");
  EXPECT_EQ(read_test_file(host_shadow), "root:HOST:1::::::\n");
}

TEST_F(RootPasswordTest, EtcSymlinkIsRefusedNotFollowed) {
  std::string host_etc = scratch_->path() + "/host-etc";
  write_test_file(host_etc + "/passwd", kPasswd);
  std::filesystem::create_directory_symlink(host_etc, merged("/etc"));
  std::string err;
  EXPECT_FALSE(set_up_root_password(tree_, hashed(kSha512Hash), 20000, &err));
  EXPECT_EQ(err, merged("/etc") +
                     " is a symlink, and sdme does not follow symlinks made by a container; "
                     "replace it with a directory inside the container");
  EXPECT_EQ(entry_kind(host_etc + "/shadow"), "missing");
}

}  // namespace
}  // namespace sdme::provision
