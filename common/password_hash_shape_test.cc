// Tests for the RootPasswordHash= check.
#include "common/password_hash_shape.h"

#include <gtest/gtest.h>

#include <string>

namespace sdme {
namespace {

bool valid(std::string_view hash) {
  std::string err;
  return validate_password_hash(hash, &err);
}

std::string error_of(std::string_view hash) {
  std::string err;
  EXPECT_FALSE(validate_password_hash(hash, &err)) << hash;
  return err;
}

TEST(PasswordHashTest, AcceptsModernMethods) {
  EXPECT_TRUE(valid("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$GmcwIgvdUC9qLWcKCi6gklUa1dM3ziD43YxYNURLKy0"));
  EXPECT_TRUE(valid(
      "$6$P9iJp5BNAJZDok98$91m9awMhjBuamX8o/NcHTTngVPOKhVkQpKN94Sv4CQdJXy340pL6eBZlyUXbiWMn/"
      "gyu72vRZGqwNBp8FcA9S/"));
  EXPECT_TRUE(valid("$6$rounds=10000$P9iJp5BNAJZDok98$91m9awMhjBuamX8o/"
                    "NcHTTngVPOKhVkQpKN94Sv4CQdJXy340pL6eBZlyUXbiWMn/gyu72vRZGqwNBp8FcA9S/"));
  EXPECT_TRUE(valid("$2b$12$K/FUwtMARyqkEn1VofbOwOG8/zZEfKmU5fZIGFESErHzEFF9so66u"));
}

TEST(PasswordHashTest, RefusesPlaintextAndLockedMarkers) {
  EXPECT_EQ(error_of("hunter2"), "is not a crypt(3) hash");
  EXPECT_EQ(error_of("correct horse battery staple"), "is not a crypt(3) hash");
  EXPECT_EQ(error_of("!"), "is not a crypt(3) hash");
  EXPECT_EQ(error_of("*"), "is not a crypt(3) hash");
  EXPECT_EQ(error_of(""), "is not a crypt(3) hash");
  EXPECT_EQ(error_of("$x$unknown$method"), "is not a crypt(3) hash");
  EXPECT_EQ(error_of("$y$j9T$salt$hash with blank"), "is not a crypt(3) hash");
}

TEST(PasswordHashTest, RefusesLegacyMethods) {
  // Traditional DES has no '$' prefix at all.
  EXPECT_EQ(error_of("abNANd1rDfiNc"), "is not a crypt(3) hash");
  EXPECT_EQ(error_of("$5$abcdefgh$gruCpC7VkOTspMQTTSAR8mtlO9Upms.fwqE5y16JVM."),
            "uses a legacy hashing method that libxcrypt no longer accepts for new hashes");
  EXPECT_EQ(error_of("$1$0PYe3dTg$jjTjlx33lpes0JvfIvjrm0"),
            "uses a legacy hashing method that libxcrypt no longer accepts for new hashes");
}

TEST(PasswordHashTest, RefusesHashesCutShort) {
  const std::string cut_short = "is not a whole crypt(3) hash: the hashed part is missing or cut short";
  EXPECT_EQ(error_of("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$"), cut_short);
  EXPECT_EQ(error_of("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$GmcwIgvdUC9qLWcKCi6gklUa1dM3ziD43YxYN"),
            cut_short);
  EXPECT_EQ(error_of("$y$j9T$F5Jx5fExrKuPp53xLKQ..1"), cut_short);
  EXPECT_EQ(error_of("$2b$12$K/FUwtMARyqkEn1VofbOwOG8/zZEfKmU5fZIGFESE"), cut_short);
}

}  // namespace
}  // namespace sdme
