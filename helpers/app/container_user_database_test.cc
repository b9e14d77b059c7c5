// Tests for adding the app's user and group to the container's /etc/passwd
// and /etc/group text.
#include "helpers/app/container_user_database.h"

#include <gtest/gtest.h>

namespace sdme::app {
namespace {

constexpr char kPasswd[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
constexpr char kGroup[] =
    "root:x:0:\n"
    "daemon:x:1:\n";

TEST(ContainerUserDatabaseTest, FindsAnIdInTheThirdField) {
  EXPECT_TRUE(user_database_lists_id(kPasswd, 1));
  EXPECT_FALSE(user_database_lists_id(kPasswd, 101));
  // A name or home that looks like the number is not the ID.
  EXPECT_FALSE(user_database_lists_id("101:x:5:5::/101:/bin/sh\n", 101));
  EXPECT_FALSE(user_database_lists_id("", 0));
}

TEST(ContainerUserDatabaseTest, AppendsTheUserAndKeepsEveryOtherLine) {
  EXPECT_EQ(with_app_user(kPasswd, 101, 102),
            std::string(kPasswd) + "sdme-app-101:x:101:102::/nonexistent:/usr/sbin/nologin\n");
  EXPECT_EQ(with_app_group(kGroup, 102), std::string(kGroup) + "sdme-app-102:x:102:\n");
}

TEST(ContainerUserDatabaseTest, CompletesALastLineWithoutItsNewline) {
  EXPECT_EQ(with_app_group("root:x:0:", 7), "root:x:0:\nsdme-app-7:x:7:\n");
  EXPECT_EQ(with_app_group("", 7), "sdme-app-7:x:7:\n");
}

TEST(ContainerUserDatabaseTest, LeavesRootAndListedIdsAlone) {
  EXPECT_EQ(with_app_user(kPasswd, 0, 0), kPasswd);
  EXPECT_EQ(with_app_user(kPasswd, 1, 1), kPasswd);
  EXPECT_EQ(with_app_group(kGroup, 0), kGroup);
  EXPECT_EQ(with_app_group(kGroup, 1), kGroup);
  std::string once = with_app_user(kPasswd, 101, 101);
  EXPECT_EQ(with_app_user(once, 101, 101), once);
}

}  // namespace
}  // namespace sdme::app
