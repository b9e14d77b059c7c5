// Tests for reading the root password from a root-only file or a systemd
// credential: what is refused, and that no message ever holds a password.
#include "helpers/provision/password_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "tests/support/test_support.h"

namespace sdme::provision {
namespace {

using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

constexpr char kSha512Hash[] =
    "$6$saltsalt$pauPrmdmG4BTE9h2HPmywiw152IFch6BJCEsaY6D.PLTfpV8sqvXwWdyfsgVgozkYH9B80bAip/"
    "08R2BPH2xk/";

class PasswordSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_.emplace();
    credentials_ = scratch_->path() + "/credentials";
    std::filesystem::create_directories(credentials_);
  }
  std::string file(const std::string& content, mode_t mode = 0600) {
    std::string path = scratch_->path() + "/password";
    write_test_file(path, content);
    ::chmod(path.c_str(), mode);
    return path;
  }
  void credential(std::string_view name, const std::string& content) {
    write_test_file(credentials_ + "/" + std::string(name), content);
  }
  std::string error(const std::string& path, const std::string& credentials) {
    RootPassword password;
    std::string err;
    EXPECT_FALSE(read_root_password(path, credentials, &password, &err));
    return err;
  }

  std::optional<ScratchDirectory> scratch_;
  std::string credentials_;
};

TEST_F(PasswordSourceTest, NoSourceIsNoPassword) {
  RootPassword password;
  std::string err;
  ASSERT_TRUE(read_root_password("", credentials_, &password, &err)) << err;
  EXPECT_FALSE(password.given);
  ASSERT_TRUE(read_root_password("", "", &password, &err)) << err;
  EXPECT_FALSE(password.given);
}

TEST_F(PasswordSourceTest, FileWithAHashGivesTheHash) {
  std::string path = file(std::string(kSha512Hash) + "\n");
  RootPassword password;
  std::string err;
  ASSERT_TRUE(read_root_password(path, credentials_, &password, &err)) << err;
  EXPECT_TRUE(password.given);
  EXPECT_EQ(password.hash, kSha512Hash);
  EXPECT_TRUE(password.plaintext.empty());
  EXPECT_EQ(password.source, "root password file " + path);
}

TEST_F(PasswordSourceTest, FileWithAPasswordGivesThePasswordWithoutTheNewline) {
  std::string path = file("correct horse\n", 0400);
  RootPassword password;
  std::string err;
  ASSERT_TRUE(read_root_password(path, "", &password, &err)) << err;
  EXPECT_EQ(password.hash, "");
  EXPECT_EQ(password.plaintext.view(), "correct horse");
  // Only the last newline goes; no other white space is touched.
  ASSERT_TRUE(read_root_password(file(" pw \n"), "", &password, &err)) << err;
  EXPECT_EQ(password.plaintext.view(), " pw ");
}

TEST_F(PasswordSourceTest, FileOthersCanReadOrWriteIsRefused) {
  for (mode_t mode : {0640, 0604, 0620, 0602, 0644, 0666}) {
    std::string path = file("hunter2\n", mode);
    EXPECT_EQ(error(path, ""), "root password file " + path +
                                   " can be read or written by others than root; run chmod 0600 " +
                                   path)
        << std::oct << mode;
  }
}

TEST_F(PasswordSourceTest, FileNotOwnedByRootIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  std::string path = file("hunter2\n");
  ASSERT_EQ(::chown(path.c_str(), 1000, 1000), 0);
  EXPECT_EQ(error(path, ""), "root password file " + path +
                                 " is owned by UID 1000, not root; run chown root:root " + path);
}

TEST_F(PasswordSourceTest, MissingFileIsNamed) {
  std::string path = scratch_->path() + "/missing";
  EXPECT_EQ(error(path, ""),
            "cannot read root password file " + path + ": No such file or directory");
}

TEST_F(PasswordSourceTest, MessagesNeverHoldThePassword) {
  std::string path = file("hunter2\nsecond line\n");
  std::string err = error(path, "");
  EXPECT_EQ(err, "root password file " + path +
                     " holds more than one line; it must hold one line: a crypt(3) hash or a "
                     "password");
  EXPECT_EQ(err.find("hunter2"), std::string::npos);
  EXPECT_EQ(error(file("\n"), ""), "root password file " + path +
                                       " is empty; it must hold one line: a crypt(3) hash or a "
                                       "password");
  credential(kHashedPasswordCredential, "hunter2\n");
  err = error("", credentials_);
  EXPECT_EQ(err,
            "credential passwd.hashed-password.root does not hold a crypt(3) hash; make one with "
            "mkpasswd -m yescrypt, or give the password as credential "
            "passwd.plaintext-password.root");
  EXPECT_EQ(err.find("hunter2"), std::string::npos);
}

TEST_F(PasswordSourceTest, OutdatedHashIsRefusedNotTakenForAPassword) {
  std::string path = file("$1$abc$Kb85XxsXB.VXinPhbS4431\n");
  EXPECT_EQ(error(path, ""), "root password file " + path +
                                 " holds a hash of an outdated method (DES or MD5), which sdme "
                                 "does not install; make a yescrypt hash with mkpasswd -m "
                                 "yescrypt, or give the password itself");
}

TEST_F(PasswordSourceTest, HashedCredential) {
  credential(kHashedPasswordCredential, kSha512Hash);
  RootPassword password;
  std::string err;
  ASSERT_TRUE(read_root_password("", credentials_, &password, &err)) << err;
  EXPECT_EQ(password.hash, kSha512Hash);
  EXPECT_EQ(password.source, "credential passwd.hashed-password.root");
}

TEST_F(PasswordSourceTest, PlaintextCredentialIsAPasswordEvenWhenItLooksLikeAHash) {
  credential(kPlaintextPasswordCredential, kSha512Hash);
  RootPassword password;
  std::string err;
  ASSERT_TRUE(read_root_password("", credentials_, &password, &err)) << err;
  EXPECT_EQ(password.hash, "");
  EXPECT_EQ(password.plaintext.view(), kSha512Hash);
  EXPECT_EQ(password.source, "credential passwd.plaintext-password.root");
}

TEST_F(PasswordSourceTest, MoreThanOneSourceIsRefusedNamingThemAll) {
  std::string path = file("hunter2\n");
  credential(kPlaintextPasswordCredential, "hunter3\n");
  EXPECT_EQ(error(path, credentials_),
            "the root password is given more than once, by root password file " + path +
                " and by credential passwd.plaintext-password.root; give it once");
  credential(kHashedPasswordCredential, kSha512Hash);
  std::string err = error("", credentials_);
  EXPECT_EQ(err,
            "the root password is given more than once, by credential "
            "passwd.hashed-password.root and by credential passwd.plaintext-password.root; give "
            "it once");
  EXPECT_EQ(err.find("hunter"), std::string::npos);
}

TEST_F(PasswordSourceTest, OverlongFileIsRefused) {
  std::string path = file(std::string(5000, 'a'));
  EXPECT_EQ(error(path, ""), "root password file " + path +
                                 " holds more than 4096 bytes; it must hold one line: a crypt(3) "
                                 "hash or a password");
}

}  // namespace
}  // namespace sdme::provision
