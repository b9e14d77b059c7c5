// Tests for resolving an image's User against the app tree's own files,
// every form and every error word for word.
#include "helpers/app/app_user.h"

#include <gtest/gtest.h>

namespace sdme::app {
namespace {

constexpr std::string_view kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "# a comment\n"
    "\n"
    "+nis\n"
    "broken:x:notanumber:5::/:/bin/sh\n"
    "short:x:7\n"
    "nginx:x:101:101:nginx user:/nonexistent:/bin/false\n"
    "app:x:1000:1001::/home/app:/bin/sh\n"
    "app:x:2000:2001::/home/app2:/bin/sh\n"
    "second:x:1000:3000::/:/bin/sh\n";

constexpr std::string_view kGroup =
    "root:x:0:\n"
    "daemon:x:1:\n"
    "nginx:x:101:\n"
    "staff:x:50:app,nginx\n"
    "app:x:1001:\n";

AppIdentity resolve(std::string_view user) {
  AppIdentity identity{12345, 12345};
  std::string err;
  EXPECT_TRUE(resolve_app_user(user, kPasswd, kGroup, &identity, &err)) << user << ": " << err;
  return identity;
}

std::string resolve_error(std::string_view user, std::string_view passwd = kPasswd,
                          std::string_view group = kGroup) {
  AppIdentity identity{12345, 12345};
  std::string err;
  EXPECT_FALSE(resolve_app_user(user, passwd, group, &identity, &err)) << user;
  EXPECT_EQ(identity.uid, 12345u);  // untouched on error
  return err;
}

void expect_identity(std::string_view user, uint32_t uid, uint32_t gid) {
  AppIdentity identity = resolve(user);
  EXPECT_EQ(identity.uid, uid) << user;
  EXPECT_EQ(identity.gid, gid) << user;
}

TEST(AppUserTest, EmptyIsRoot) {
  AppIdentity identity{1, 1, "/x"};
  std::string err;
  ASSERT_TRUE(resolve_app_user("", "", "", &identity, &err)) << err;
  EXPECT_EQ(identity.uid, 0u);
  EXPECT_EQ(identity.gid, 0u);
  EXPECT_EQ(identity.home, "/");
  // With passwd, UID 0's entry gives the group and the home, as in runc.
  ASSERT_TRUE(resolve_app_user("", "root:x:0:7::/root:/bin/sh\n", "", &identity, &err)) << err;
  EXPECT_EQ(identity.uid, 0u);
  EXPECT_EQ(identity.gid, 7u);
  EXPECT_EQ(identity.home, "/root");
}

TEST(AppUserTest, Home) {
  EXPECT_EQ(resolve("nginx").home, "/nonexistent");
  EXPECT_EQ(resolve("1000").home, "/home/app");
  EXPECT_EQ(resolve("1000:staff").home, "/home/app");
  EXPECT_EQ(resolve("4242").home, "/");  // no entry
  EXPECT_EQ(resolve(":staff").home, "/root");
  AppIdentity identity;
  std::string err;
  // An empty home field, or none at all, is "/".
  ASSERT_TRUE(resolve_app_user("a", "a:x:5:5::\n", "", &identity, &err)) << err;
  EXPECT_EQ(identity.home, "/");
  ASSERT_TRUE(resolve_app_user("a", "a:x:5:5\n", "", &identity, &err)) << err;
  EXPECT_EQ(identity.home, "/");
}

TEST(AppUserTest, Name) {
  expect_identity("root", 0, 0);
  expect_identity("nginx", 101, 101);
  expect_identity("app", 1000, 1001);  // the first entry wins, as in runc
}

TEST(AppUserTest, NumberWithAnEntryTakesItsPrimaryGroup) {
  expect_identity("101", 101, 101);
  expect_identity("1000", 1000, 1001);  // first entry with the UID
  expect_identity("0", 0, 0);
  expect_identity("0101", 101, 101);  // decimal, leading zeros allowed as by runc's Atoi
}

TEST(AppUserTest, NumberWithoutAnEntryGetsGroupZero) {
  expect_identity("4242", 4242, 0);
  expect_identity("4294967294", 4294967294u, 0);
  AppIdentity identity;
  std::string err;
  ASSERT_TRUE(resolve_app_user("65532", "", "", &identity, &err)) << err;
  EXPECT_EQ(identity.uid, 65532u);
  EXPECT_EQ(identity.gid, 0u);
}

TEST(AppUserTest, UserAndGroupNumbers) {
  expect_identity("101:50", 101, 50);
  expect_identity("4242:4343", 4242, 4343);  // neither needs an entry
  expect_identity("nginx:50", 101, 50);
}

TEST(AppUserTest, GroupNames) {
  expect_identity("nginx:staff", 101, 50);
  expect_identity("1000:staff", 1000, 50);
  expect_identity("4242:staff", 4242, 50);
  expect_identity("root:nginx", 0, 101);
}

TEST(AppUserTest, GroupOnly) {
  expect_identity(":50", 0, 50);
  expect_identity(":staff", 0, 50);
}

TEST(AppUserTest, UnknownNamesAreErrors) {
  EXPECT_EQ(resolve_error("www"), "user 'www' is not in the app's /etc/passwd");
  EXPECT_EQ(resolve_error("root", "", ""), "user 'root' is not in the app's /etc/passwd");
  EXPECT_EQ(resolve_error("nginx:www"), "group 'www' is not in the app's /etc/group");
  EXPECT_EQ(resolve_error("101:www", kPasswd, ""), "group 'www' is not in the app's /etc/group");
  // A comment, a NIS line and a broken line are not entries.
  EXPECT_EQ(resolve_error("# a comment"), "user '# a comment' is not in the app's /etc/passwd");
  EXPECT_EQ(resolve_error("+nis"), "user '+nis' is not in the app's /etc/passwd");
  EXPECT_EQ(resolve_error("broken"), "user 'broken' is not in the app's /etc/passwd");
  EXPECT_EQ(resolve_error("short"), "user 'short' is not in the app's /etc/passwd");
  // A user named "-1" would be a name; there is none.
  EXPECT_EQ(resolve_error("-1"), "user '-1' is not in the app's /etc/passwd");
}

TEST(AppUserTest, NumbersOutOfRangeAreErrors) {
  EXPECT_EQ(resolve_error("4294967295"),
            "user ID 4294967295 is not one systemd accepts: IDs are 0 to 4294967294, except 65535");
  EXPECT_EQ(resolve_error("99999999999999999999"),
            "user ID 99999999999999999999 is not one systemd accepts: IDs are 0 to 4294967294, "
            "except 65535");
  EXPECT_EQ(resolve_error("65535"),
            "user ID 65535 is not one systemd accepts: IDs are 0 to 4294967294, except 65535");
  EXPECT_EQ(resolve_error("101:4294967295"),
            "group ID 4294967295 is not one systemd accepts: IDs are 0 to 4294967294, except "
            "65535");
  EXPECT_EQ(resolve_error(":65535"),
            "group ID 65535 is not one systemd accepts: IDs are 0 to 4294967294, except 65535");
}

TEST(AppUserTest, MalformedSpecsAreErrors) {
  EXPECT_EQ(resolve_error("a:b:c"), "user 'a:b:c' has more than one ':': expected USER[:GROUP]");
  EXPECT_EQ(resolve_error("nginx:"), "user 'nginx:' has an empty group after ':'");
}

TEST(AppUserTest, EntriesWithBadIdsAreSkipped) {
  // An entry whose UID systemd would refuse is no entry: the number
  // resolves by itself, with group 0.
  constexpr std::string_view passwd =
      "big:x:4294967295:0::/:/bin/sh\n"
      "ok:x:5:6::/:/bin/sh\n";
  AppIdentity identity;
  std::string err;
  ASSERT_TRUE(resolve_app_user("ok", passwd, "", &identity, &err)) << err;
  EXPECT_EQ(identity.uid, 5u);
  EXPECT_EQ(identity.gid, 6u);
  EXPECT_EQ(resolve_error("big", passwd, ""), "user 'big' is not in the app's /etc/passwd");
}

}  // namespace
}  // namespace sdme::app
