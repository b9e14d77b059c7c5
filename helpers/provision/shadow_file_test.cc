// Tests for editing root's entries in the text of /etc/shadow and /etc/passwd.
#include "helpers/provision/shadow_file.h"

#include <gtest/gtest.h>

namespace sdme::provision {
namespace {

constexpr char kShadow[] =
    "root:!:19000:0:99999:7:::\n"
    "daemon:*:19000:0:99999:7:::\n"
    "alice:$y$j9T$abc$def:19001:0:99999:7:::\n";

TEST(ShadowFileTest, FindsRootsHash) {
  std::string hash;
  EXPECT_TRUE(find_root_hash(kShadow, &hash));
  EXPECT_EQ(hash, "!");
  EXPECT_FALSE(find_root_hash("daemon:*:1::::::\n", &hash));
  // A user whose name only starts with "root" is not root.
  EXPECT_FALSE(find_root_hash("rootless:x:1::::::\n", &hash));
}

TEST(ShadowFileTest, SetsRootsHashAndLastChangeKeepingEveryOtherLine) {
  EXPECT_EQ(set_root_hash(kShadow, "$6$salt$hash", 20000),
            "root:$6$salt$hash:20000:0:99999:7:::\n"
            "daemon:*:19000:0:99999:7:::\n"
            "alice:$y$j9T$abc$def:19001:0:99999:7:::\n");
}

TEST(ShadowFileTest, SameHashChangesNothingNotEvenTheDay) {
  std::string once = set_root_hash(kShadow, "$6$salt$hash", 20000);
  EXPECT_EQ(set_root_hash(once, "$6$salt$hash", 20001), once);
}

TEST(ShadowFileTest, RootInTheMiddleStaysInPlace) {
  EXPECT_EQ(set_root_hash("a:x:1::::::\nroot:*:2:0:99999:7:::\nb:x:3::::::", "H", 5),
            "a:x:1::::::\nroot:H:5:0:99999:7:::\nb:x:3::::::");
}

TEST(ShadowFileTest, MissingRootLineIsAddedAtTheTop) {
  EXPECT_EQ(set_root_hash("daemon:*:19000:0:99999:7:::\n", "H", 20000),
            "root:H:20000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
  EXPECT_EQ(set_root_hash("", "H", 20000), "root:H:20000:0:99999:7:::\n");
}

TEST(ShadowFileTest, ShortRootLineIsCompleted) {
  EXPECT_EQ(set_root_hash("root:x\n", "H", 7), "root:H:7::::::\n");
}

TEST(ShadowFileTest, PointsRootAtShadow) {
  bool found = false;
  EXPECT_EQ(
      point_root_at_shadow("root:$6$a$b:0:0:root:/root:/bin/sh\nbin:x:1:1::/:/bin/false\n", &found),
      "root:x:0:0:root:/root:/bin/sh\nbin:x:1:1::/:/bin/false\n");
  EXPECT_TRUE(found);
  std::string passwd = "root:x:0:0:root:/root:/bin/bash\n";
  EXPECT_EQ(point_root_at_shadow(passwd, &found), passwd);
  EXPECT_TRUE(found);
  EXPECT_EQ(point_root_at_shadow("bin:x:1:1::/:/bin/false\n", &found), "bin:x:1:1::/:/bin/false\n");
  EXPECT_FALSE(found);
}

}  // namespace
}  // namespace sdme::provision
