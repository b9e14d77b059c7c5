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

// The edited text, or a failure's message prefixed "error: ".
std::string user(std::string_view passwd, uint32_t uid, uint32_t gid) {
  std::string result;
  std::string err;
  return with_app_user(passwd, uid, gid, &result, &err) ? result : "error: " + err;
}
std::string group(std::string_view text, uint32_t gid) {
  std::string result;
  std::string err;
  return with_app_group(text, gid, &result, &err) ? result : "error: " + err;
}

TEST(ContainerUserDatabaseTest, AppendsTheUserAndKeepsEveryOtherLine) {
  EXPECT_EQ(user(kPasswd, 101, 102),
            std::string(kPasswd) + "sdme-app-101:x:101:102::/nonexistent:/usr/sbin/nologin\n");
  EXPECT_EQ(group(kGroup, 102), std::string(kGroup) + "sdme-app-102:x:102:\n");
}

TEST(ContainerUserDatabaseTest, CompletesALastLineWithoutItsNewline) {
  EXPECT_EQ(group("root:x:0:", 7), "root:x:0:\nsdme-app-7:x:7:\n");
  EXPECT_EQ(group("", 7), "sdme-app-7:x:7:\n");
}

TEST(ContainerUserDatabaseTest, LeavesRootAndListedIdsAlone) {
  EXPECT_EQ(user(kPasswd, 0, 0), kPasswd);
  EXPECT_EQ(user(kPasswd, 1, 1), kPasswd);
  EXPECT_EQ(group(kGroup, 0), kGroup);
  EXPECT_EQ(group(kGroup, 1), kGroup);
  std::string once = user(kPasswd, 101, 101);
  EXPECT_EQ(user(once, 101, 101), once);
}

TEST(ContainerUserDatabaseTest, RefusesANameTakenByAnotherId) {
  EXPECT_EQ(user("sdme-app-101:x:500:500::/:/bin/sh\n", 101, 101),
            "error: the container's /etc/passwd has a user sdme-app-101 whose ID is not 101, and "
            "sdme-app names the app's ID 101 so; rename or remove that user in the container");
  EXPECT_EQ(group("sdme-app-7:x:8:\n", 7),
            "error: the container's /etc/group has a group sdme-app-7 whose ID is not 7, and "
            "sdme-app names the app's ID 7 so; rename or remove that group in the container");
}

}  // namespace
}  // namespace sdme::app
