// Tests for the inotify headroom check sdme-overlay runs before a start: a
// fake /proc with the limit and a mount table, the count, the verdict and
// the journal line word for word.
#include "helpers/overlay/inotify_headroom.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace sdme::overlay {
namespace {

using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

// A line of /proc/self/mountinfo for an overlay at MOUNT_POINT.
std::string overlay_line(int id, const std::string& mount_point) {
  return std::to_string(id) + " 25 0:" + std::to_string(id) + " / " + mount_point +
         " rw,relatime shared:1 - overlay overlay rw,lowerdir=/,upperdir=/u,workdir=/w\n";
}

class InotifyHeadroomTest : public ::testing::Test {
 protected:
  void write_proc(const std::string& limit, const std::string& mount_table) {
    write_test_file(proc_ + "/sys/fs/inotify/max_user_instances", limit);
    write_test_file(proc_ + "/self/mountinfo", mount_table);
  }
  ScratchDirectory scratch_;
  std::string proc_ = scratch_.path() + "/proc";
};

TEST_F(InotifyHeadroomTest, CountsOverlaysAtMergedDirectoriesOfOtherContainers) {
  write_proc("128\n", "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n" +
                          overlay_line(30, "/var/lib/sdme/containers/s1/merged") +
                          overlay_line(31, "/var/lib/sdme/containers/s2/merged") +
                          // The one starting: mounted already when a start is retried.
                          overlay_line(32, "/var/lib/sdme/containers/s3/merged") +
                          // Counted once though something is stacked on it.
                          overlay_line(33, "/var/lib/sdme/containers/s1/merged") +
                          // Not an overlay, not at merged/, or not directly below containers/.
                          "34 25 0:34 / /var/lib/sdme/containers/s4/merged rw - tmpfs tmpfs rw\n" +
                          overlay_line(35, "/var/lib/sdme/containers/s5/ephemeral") +
                          overlay_line(36, "/var/lib/sdme/containers/a/b/merged") +
                          overlay_line(37, "/var/lib/sdme/containers//merged") +
                          overlay_line(38, "/srv/other/containers/s6/merged"));
  InotifyHeadroom headroom;
  std::string err;
  ASSERT_TRUE(read_inotify_headroom(proc_, "/var/lib/sdme/containers", "s3", &headroom, &err))
      << err;
  EXPECT_EQ(headroom.limit, 128);
  EXPECT_EQ(headroom.running_containers, 2);
}

TEST_F(InotifyHeadroomTest, ReadsEscapedMountPoints) {
  write_proc("1024", overlay_line(30, "/srv/my\\040state/containers/web/merged"));
  InotifyHeadroom headroom;
  std::string err;
  ASSERT_TRUE(read_inotify_headroom(proc_, "/srv/my state/containers", "db", &headroom, &err))
      << err;
  EXPECT_EQ(headroom.limit, 1024);
  EXPECT_EQ(headroom.running_containers, 1);
}

TEST_F(InotifyHeadroomTest, MissingOrGarbledLimitIsAnError) {
  InotifyHeadroom headroom;
  std::string err;
  EXPECT_FALSE(read_inotify_headroom(proc_, "/var/lib/sdme/containers", "s1", &headroom, &err));
  EXPECT_EQ(err, "cannot read " + proc_ +
                     "/sys/fs/inotify/max_user_instances: No such file or directory");
  write_proc("lots\n", "");
  EXPECT_FALSE(read_inotify_headroom(proc_, "/var/lib/sdme/containers", "s1", &headroom, &err));
  EXPECT_EQ(err, proc_ + "/sys/fs/inotify/max_user_instances holds 'lots', not a number");
}

TEST_F(InotifyHeadroomTest, ReadsTheRealKernel) {
  InotifyHeadroom headroom;
  std::string err;
  ASSERT_TRUE(read_inotify_headroom("/proc", "/nonexistent/containers", "s1", &headroom, &err))
      << err;
  EXPECT_GT(headroom.limit, 0);
  EXPECT_EQ(headroom.running_containers, 0);
}

TEST(InotifyHeadroomVerdictTest, LimitHoldsContainersNextToTheHost) {
  // Debian's default; on a minimal test host 16 to 19 of 50 reached READY (issue 12).
  EXPECT_EQ(containers_the_limit_holds(128), 14);
  // sysctl/10-sdme.conf.
  EXPECT_EQ(containers_the_limit_holds(8192), 1166);
  EXPECT_EQ(containers_the_limit_holds(kInotifyInstancesForHost), 0);
  EXPECT_EQ(containers_the_limit_holds(0), 0);
}

TEST(InotifyHeadroomVerdictTest, NoticeFromThreeQuartersWarningPastTheLimit) {
  // 128 holds 14: the 11th is the first at three quarters, the 15th the first past it.
  EXPECT_EQ(judge_inotify_headroom({.limit = 128, .running_containers = 0}),
            HeadroomVerdict::kEnough);
  EXPECT_EQ(judge_inotify_headroom({.limit = 128, .running_containers = 9}),
            HeadroomVerdict::kEnough);
  EXPECT_EQ(judge_inotify_headroom({.limit = 128, .running_containers = 10}),
            HeadroomVerdict::kApproachingLimit);
  EXPECT_EQ(judge_inotify_headroom({.limit = 128, .running_containers = 13}),
            HeadroomVerdict::kApproachingLimit);
  EXPECT_EQ(judge_inotify_headroom({.limit = 128, .running_containers = 14}),
            HeadroomVerdict::kOverLimit);
  EXPECT_EQ(judge_inotify_headroom({.limit = 8192, .running_containers = 49}),
            HeadroomVerdict::kEnough);
  EXPECT_EQ(judge_inotify_headroom({.limit = 16, .running_containers = 0}),
            HeadroomVerdict::kOverLimit);
}

TEST(InotifyHeadroomVerdictTest, MessagesSayTheNumbersTheSymptomAndTheFix) {
  EXPECT_EQ(inotify_headroom_message({.limit = 128, .running_containers = 12}),
            "12 other containers are running and fs.inotify.max_user_instances=128 holds about "
            "14 booted containers next to the host; past that, containers fail to boot with "
            "\"Failed to create inotify object: Too many open files\"; raise the limit as "
            "\"LIMITS\" in sdme.sdme(5) explains");
  EXPECT_EQ(inotify_headroom_message({.limit = 31, .running_containers = 1}),
            "1 other container is running and fs.inotify.max_user_instances=31 holds about 1 "
            "booted container next to the host: this container may fail to boot with "
            "\"Failed to create inotify object: Too many open files\"; raise the limit as "
            "\"LIMITS\" in sdme.sdme(5) explains");
}

}  // namespace
}  // namespace sdme::overlay
