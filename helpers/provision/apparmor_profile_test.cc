// Tests for the AppArmor profile check, on a fake /sys ($SDME_SYS_DIR).
#include "helpers/provision/apparmor_profile.h"

#include <gtest/gtest.h>

#include <optional>

#include "tests/support/test_support.h"

namespace sdme::provision {
namespace {

using ::sdme::test_support::ScopedEnvironment;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

constexpr char kProfiles[] =
    "docker-default (enforce)\n"
    "sdme-default (enforce)\n"
    "/usr/bin/man (complain)\n"
    "a name with spaces (enforce)\n";

class AppArmorProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_.emplace();
    sys_environment_.emplace("SDME_SYS_DIR", scratch_->path());
  }
  void enabled(const std::string& value) {
    write_test_file(scratch_->path() + "/module/apparmor/parameters/enabled", value);
  }
  void profiles(const std::string& content) {
    write_test_file(scratch_->path() + "/kernel/security/apparmor/profiles", content);
  }

  std::optional<ScratchDirectory> scratch_;
  std::optional<ScopedEnvironment> sys_environment_;
};

TEST_F(AppArmorProfileTest, ListedProfiles) {
  EXPECT_TRUE(apparmor_profile_listed(kProfiles, "sdme-default"));
  EXPECT_TRUE(apparmor_profile_listed(kProfiles, "/usr/bin/man"));
  EXPECT_TRUE(apparmor_profile_listed(kProfiles, "a name with spaces"));
  EXPECT_FALSE(apparmor_profile_listed(kProfiles, "sdme"));
  EXPECT_FALSE(apparmor_profile_listed(kProfiles, "enforce"));
  EXPECT_FALSE(apparmor_profile_listed("", "sdme-default"));
}

TEST_F(AppArmorProfileTest, OffIsANoticeNotAnError) {
  std::string notice;
  std::string err;
  EXPECT_TRUE(check_apparmor_profile("sdme-default", &notice, &err)) << err;
  EXPECT_EQ(notice, "AppArmor is off on this host, profile sdme-default is not applied");
  notice.clear();
  enabled("N\n");
  EXPECT_TRUE(check_apparmor_profile("sdme-default", &notice, &err)) << err;
  EXPECT_EQ(notice, "AppArmor is off on this host, profile sdme-default is not applied");
}

TEST_F(AppArmorProfileTest, OnWithTheProfileLoaded) {
  enabled("Y\n");
  profiles(kProfiles);
  std::string notice;
  std::string err;
  EXPECT_TRUE(check_apparmor_profile("sdme-default", &notice, &err)) << err;
  EXPECT_EQ(notice, "");
}

TEST_F(AppArmorProfileTest, OnWithoutTheProfile) {
  enabled("Y\n");
  profiles("docker-default (enforce)\n");
  std::string notice;
  std::string err;
  EXPECT_FALSE(check_apparmor_profile("sdme-default", &notice, &err));
  EXPECT_EQ(err,
            "AppArmor profile sdme-default is not loaded; load it with apparmor_parser -r "
            "/etc/apparmor.d/sdme-default");
}

TEST_F(AppArmorProfileTest, OnWithoutSecurityfs) {
  enabled("Y\n");
  std::string notice;
  std::string err;
  EXPECT_FALSE(check_apparmor_profile("sdme-default", &notice, &err));
  EXPECT_EQ(err, "cannot check that AppArmor profile sdme-default is loaded: cannot open " +
                     scratch_->path() +
                     "/kernel/security/apparmor/profiles: No such file or directory");
}

}  // namespace
}  // namespace sdme::provision
