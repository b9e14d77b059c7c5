// Tests for choosing a user-namespaced container's UID range, and (as root)
// for an overlay made of an ID-mapped lower layer.
#include "helpers/overlay/uid_shift.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "helpers/overlay/overlay_mount.h"
#include "tests/support/test_support.h"

namespace sdme::overlay {
namespace {

using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScopedEnvironment;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

TEST(UidShiftTest, ParsesWhatNspawnAccepts) {
  UidShift shift;
  std::string err;
  for (const char* none : {"", "no", "identity"}) {
    ASSERT_TRUE(parse_uid_shift(none, &shift, &err)) << none;
    EXPECT_FALSE(shift.enabled) << none;
  }
  for (const char* pick : {"pick", "yes"}) {
    ASSERT_TRUE(parse_uid_shift(pick, &shift, &err)) << pick;
    EXPECT_TRUE(shift.enabled && shift.pick) << pick;
  }
  ASSERT_TRUE(parse_uid_shift("1048576:70000", &shift, &err)) << err;
  EXPECT_FALSE(shift.pick);
  EXPECT_EQ(shift.base, 1048576u);
  EXPECT_EQ(shift.range, 70000u);
  // The helpers know a container's root by a base that is a multiple of
  // 65536 (common/files_beneath.h).
  EXPECT_FALSE(parse_uid_shift("1000000:65536", &shift, &err));
  EXPECT_EQ(err, "--private-users=1000000:65536: the first UID must be a multiple of 65536 above "
                 "0, as systemd-nspawn picks them");
  ASSERT_TRUE(parse_uid_shift("655360", &shift, &err)) << err;
  EXPECT_EQ(shift.range, kUidRangeSize);
  for (const char* bad : {"maybe", "12:", ":5", "1:0", "4294967295", "4294900000:100000"}) {
    EXPECT_FALSE(parse_uid_shift(bad, &shift, &err)) << bad;
    EXPECT_EQ(err, "--private-users must be pick, yes, no, identity, UID or UID:RANGE, not '" +
                       std::string(bad) + "'");
  }
}

TEST(UidShiftTest, PickedBasesAreNspawnsMultiplesOf65536) {
  EXPECT_TRUE(is_picked_base(kFirstPickedBase));
  EXPECT_TRUE(is_picked_base(kLastPickedBase));
  EXPECT_FALSE(is_picked_base(0));
  EXPECT_FALSE(is_picked_base(65536));
  EXPECT_FALSE(is_picked_base(kFirstPickedBase + 1));
  EXPECT_FALSE(is_picked_base(kLastPickedBase + kUidRangeSize));
}

TEST(UidShiftTest, ChoiceIsStablePerNameAndSkipsTakenRanges) {
  uint32_t web = 0, again = 0, db = 0, next = 0;
  std::string err;
  ASSERT_TRUE(choose_uid_base("web", {}, &web, &err));
  ASSERT_TRUE(choose_uid_base("web", {}, &again, &err));
  ASSERT_TRUE(choose_uid_base("db", {}, &db, &err));
  EXPECT_EQ(web, again);
  EXPECT_NE(web, db);
  EXPECT_TRUE(is_picked_base(web));
  ASSERT_TRUE(choose_uid_base("web", {web}, &next, &err));
  EXPECT_NE(next, web);
  EXPECT_TRUE(is_picked_base(next));
}

class UidBaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "owning directories by other UIDs needs root";
    scratch_.emplace();
    state_.emplace("SDME_STATE_DIR", scratch_->path());
    ASSERT_TRUE(container::make_container_layout("web", &layout_, &err_)) << err_;
    std::filesystem::create_directories(layout_.upper);
  }
  void own(const std::string& path, uint32_t uid) {
    ASSERT_EQ(::lchown(path.c_str(), uid, uid), 0);
  }

  std::optional<ScratchDirectory> scratch_;
  std::optional<ScopedEnvironment> state_;
  container::ContainerLayout layout_;
  std::string err_;
};

TEST_F(UidBaseTest, AnUpperLayerOwnedByARangeKeepsIt) {
  own(layout_.upper, 0x00A00000);
  write_test_file(layout_.upper + "/etc/data", "x");
  UidShift shift;
  ASSERT_TRUE(parse_uid_shift("pick", &shift, &err_));
  uint32_t base = 0;
  ASSERT_TRUE(resolve_uid_base(shift, layout_, layout_.upper, &base, &err_)) << err_;
  EXPECT_EQ(base, 0x00A00000u);
}

TEST_F(UidBaseTest, AnEmptyUpperLayerGetsAFreeRangeNotAnotherContainers) {
  UidShift shift;
  ASSERT_TRUE(parse_uid_shift("pick", &shift, &err_));
  uint32_t alone = 0;
  ASSERT_TRUE(resolve_uid_base(shift, layout_, layout_.upper, &alone, &err_)) << err_;
  // Another container already owns that range.
  const std::string other = layout_.containers_dir + "/db/upper";
  std::filesystem::create_directories(other);
  own(other, alone);
  uint32_t base = 0;
  ASSERT_TRUE(resolve_uid_base(shift, layout_, layout_.upper, &base, &err_)) << err_;
  EXPECT_NE(base, alone);
  EXPECT_TRUE(is_picked_base(base));
}

TEST_F(UidBaseTest, RefusesFilesMadeWithoutTheShift) {
  write_test_file(layout_.upper + "/etc/data", "x");
  UidShift shift;
  ASSERT_TRUE(parse_uid_shift("pick", &shift, &err_));
  uint32_t base = 0;
  EXPECT_FALSE(resolve_uid_base(shift, layout_, layout_.upper, &base, &err_));
  EXPECT_EQ(err_, "the upper layer " + layout_.upper +
                      " belongs to UID 0, its files made without a user namespace; in the "
                      "container they would belong to nobody. Go back to the earlier "
                      "PrivateUsers=/Security= setting, or remove " +
                      layout_.upper + " to start the container afresh");
}

TEST_F(UidBaseTest, AnUpperLayerMadeForAUserNamespaceNeedsOne) {
  std::string err;
  EXPECT_TRUE(check_upper_without_shift(layout_.upper, &err)) << err;
  own(layout_.upper, 0x00A00000);
  EXPECT_FALSE(check_upper_without_shift(layout_.upper, &err));
  EXPECT_EQ(err, "the upper layer " + layout_.upper +
                     " belongs to UID 10485760, its files made for a user namespace; without "
                     "one (PrivateUsers=, Security=) the container's root would not own them. Go "
                     "back to the earlier setting, or remove " + layout_.upper +
                     " to start the container afresh");
}

TEST_F(UidBaseTest, AGivenBaseMustMatchTheUpperLayer) {
  own(layout_.upper, 0x00A00000);
  write_test_file(layout_.upper + "/etc/data", "x");
  UidShift shift;
  ASSERT_TRUE(parse_uid_shift("11534336", &shift, &err_));  // 0x00B00000
  uint32_t base = 0;
  EXPECT_FALSE(resolve_uid_base(shift, layout_, layout_.upper, &base, &err_));
  EXPECT_NE(err_.find("its files made for another UID range"), std::string::npos) << err_;
  ASSERT_TRUE(parse_uid_shift("10485760", &shift, &err_));  // 0x00A00000
  ASSERT_TRUE(resolve_uid_base(shift, layout_, layout_.upper, &base, &err_)) << err_;
  EXPECT_EQ(base, 0x00A00000u);
}

// The whole point: nothing is chowned on disk, yet the container's root
// sees its files as its own, and a second start finds the same range.
class IdmappedOverlayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting overlayfs needs root";
    scratch_.emplace();
    lower_ = scratch_->path() + "/lower";
    write_test_file(lower_ + "/etc/shadow", "root:*:1::::::\n");
    ::chmod(lower_.c_str(), 0755);
    ::chmod((lower_ + "/etc").c_str(), 0755);
    state_.emplace("SDME_STATE_DIR", scratch_->path() + "/state");
  }
  std::optional<ScratchDirectory> scratch_;
  std::optional<ScopedEnvironment> state_;
  std::string lower_;
};

TEST_F(IdmappedOverlayTest, LowerIsShownShiftedAndStaysOwnedByRootOnDisk) {
  OverlayMountRequest request;
  request.container_name = "web";
  request.lower = lower_;
  request.private_users = "pick";
  request.opaque_directories = {"/var/log"};
  request.hostname = "web";
  OverlayMountResult result;
  std::string err;
  ASSERT_TRUE(mount_overlay(request, &result, &err)) << err;
  const std::string container = scratch_->path() + "/state/containers/web";
  struct stat merged_root, shadow, upper, lower_shadow, opaque;
  ASSERT_EQ(::stat((container + "/merged").c_str(), &merged_root), 0);
  ASSERT_EQ(::stat((container + "/merged/etc/shadow").c_str(), &shadow), 0);
  ASSERT_EQ(::stat((container + "/upper").c_str(), &upper), 0);
  ASSERT_EQ(::stat((lower_ + "/etc/shadow").c_str(), &lower_shadow), 0);
  ASSERT_EQ(::stat((container + "/upper/var/log").c_str(), &opaque), 0);
  EXPECT_TRUE(is_picked_base(merged_root.st_uid));
  EXPECT_EQ(shadow.st_uid, merged_root.st_uid);
  EXPECT_EQ(upper.st_uid, merged_root.st_uid);
  EXPECT_EQ(opaque.st_uid, merged_root.st_uid);
  EXPECT_EQ(lower_shadow.st_uid, 0u);
  struct stat hostname;
  ASSERT_EQ(::stat((container + "/merged/etc/hostname").c_str(), &hostname), 0);
  EXPECT_EQ(hostname.st_uid, merged_root.st_uid);
  EXPECT_FALSE(std::filesystem::exists(container + "/idmapped-lower"));
  EXPECT_EQ(read_test_file(container + "/merged/etc/shadow"), "root:*:1::::::\n");

  std::vector<std::string> warnings;
  // Still mounted, it cannot serve a start without the user namespace.
  OverlayMountRequest plain = request;
  plain.private_users.clear();
  EXPECT_FALSE(mount_overlay(plain, &result, &err));
  EXPECT_NE(err.find("is still mounted from an earlier start with a user namespace"),
            std::string::npos)
      << err;
  ASSERT_TRUE(unmount_overlay("web", &warnings, &err)) << err;
  // Unmounted, its upper layer cannot either.
  EXPECT_FALSE(mount_overlay(plain, &result, &err));
  EXPECT_NE(err.find("its files made for a user namespace"), std::string::npos) << err;
  ASSERT_TRUE(mount_overlay(request, &result, &err)) << err;
  struct stat again;
  ASSERT_EQ(::stat((container + "/merged").c_str(), &again), 0);
  EXPECT_EQ(again.st_uid, merged_root.st_uid);
  ASSERT_TRUE(unmount_overlay("web", &warnings, &err)) << err;
}

}  // namespace
}  // namespace sdme::overlay
