// Tests for telling crypt(3) hashes from passwords, and for yescrypt.
#include "helpers/provision/password_hash.h"

#include <gtest/gtest.h>

#include <cstring>

namespace sdme::provision {
namespace {

SecretText secret(const char* text) {
  SecretText secret(std::strlen(text));
  std::memcpy(secret.data(), text, std::strlen(text));
  secret.resize(std::strlen(text));
  return secret;
}

constexpr char kSha512Hash[] =
    "$6$saltsalt$pauPrmdmG4BTE9h2HPmywiw152IFch6BJCEsaY6D.PLTfpV8sqvXwWdyfsgVgozkYH9B80bAip/"
    "08R2BPH2xk/";  // "pw"

TEST(PasswordHashTest, CompleteHashesOfStrongMethodsAreHashes) {
  std::string yescrypt;
  std::string err;
  ASSERT_TRUE(hash_password(secret("pw"), &yescrypt, &err)) << err;
  EXPECT_EQ(yescrypt.substr(0, 3), "$y$");
  EXPECT_EQ(classify_password_hash(yescrypt), HashKind::kHash);
  EXPECT_EQ(classify_password_hash(kSha512Hash), HashKind::kHash);
  EXPECT_EQ(classify_password_hash("$2b$05$abcdefghijklmnopqrstuuHIrMEWpUCQe2YqFR3sXwQ75u4od..9q"),
            HashKind::kHash);
}

TEST(PasswordHashTest, OutdatedMethodsAreTold) {
  EXPECT_EQ(classify_password_hash("$1$abc$Kb85XxsXB.VXinPhbS4431"), HashKind::kLegacyHash);
}

// A DES hash is any 13 characters of its alphabet, so is a password from
// pwgen 13: without a "$" it is a password.
TEST(PasswordHashTest, ThirteenCharacterPasswordsAreNotTakenForDesHashes) {
  EXPECT_EQ(classify_password_hash("abzlUXK5ed5rs"), HashKind::kNotAHash);
}

TEST(PasswordHashTest, SettingsAndOtherTextArePasswords) {
  EXPECT_EQ(classify_password_hash("$6$saltsalt"), HashKind::kNotAHash);
  EXPECT_EQ(classify_password_hash("$6$saltsalt$"), HashKind::kNotAHash);
  EXPECT_EQ(classify_password_hash("$y$j9T$abcdefghijklmnopqrstuv$"), HashKind::kNotAHash);
  EXPECT_EQ(classify_password_hash("correct horse battery staple"), HashKind::kNotAHash);
  EXPECT_EQ(classify_password_hash("hunter2"), HashKind::kNotAHash);
  EXPECT_EQ(classify_password_hash("!"), HashKind::kNotAHash);
  EXPECT_EQ(classify_password_hash(""), HashKind::kNotAHash);
  EXPECT_EQ(classify_password_hash(std::string(kSha512Hash) + ":"), HashKind::kNotAHash);
}

TEST(PasswordHashTest, YescryptHashesAreSaltedAndVerify) {
  std::string first;
  std::string second;
  std::string err;
  ASSERT_TRUE(hash_password(secret("hunter2"), &first, &err)) << err;
  ASSERT_TRUE(hash_password(secret("hunter2"), &second, &err)) << err;
  EXPECT_NE(first, second);
  EXPECT_TRUE(password_matches(secret("hunter2"), first));
  EXPECT_TRUE(password_matches(secret("hunter2"), second));
  EXPECT_FALSE(password_matches(secret("hunter3"), first));
  EXPECT_TRUE(password_matches(secret("pw"), kSha512Hash));
}

TEST(PasswordHashTest, LockedAndEmptyHashesMatchNothing) {
  EXPECT_FALSE(password_matches(secret("pw"), "!"));
  EXPECT_FALSE(password_matches(secret("pw"), "*"));
  EXPECT_FALSE(password_matches(secret("pw"), ""));
  EXPECT_FALSE(password_matches(secret("pw"), std::string("!") + kSha512Hash));
}

TEST(PasswordHashTest, SecretTextIsZeroedWhenShortened) {
  SecretText text = secret("hunter2");
  char* data = text.data();
  text.resize(3);
  EXPECT_EQ(text.view(), "hun");
  EXPECT_EQ(std::string(data, 8), std::string("hun\0\0\0\0\0", 8));
}

}  // namespace
}  // namespace sdme::provision
