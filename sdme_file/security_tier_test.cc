// Tests for the contents of the security tiers, and that sdme.sdme(5) lists
// exactly those contents.
#include "sdme_file/security_tier.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "sdme_file/capabilities.h"
#include "sdme_file/syscall_filter.h"

namespace sdme::file {
namespace {

using Names = std::vector<std::string>;

TEST(SecurityTierTest, ParsesTheTierNames) {
  SecurityTier tier = SecurityTier::kNone;
  EXPECT_TRUE(parse_security_tier("hardened", &tier));
  EXPECT_EQ(tier, SecurityTier::kHardened);
  EXPECT_TRUE(parse_security_tier("strict", &tier));
  EXPECT_EQ(tier, SecurityTier::kStrict);
  EXPECT_FALSE(parse_security_tier("Strict", &tier));
  EXPECT_FALSE(parse_security_tier("paranoid", &tier));
  EXPECT_EQ(security_tier_name(SecurityTier::kHardened), "hardened");
  EXPECT_EQ(security_tier_name(SecurityTier::kStrict), "strict");
}

TEST(SecurityTierTest, NspawnDefaultIsSystemd252s) {
  EXPECT_EQ(nspawn_default_capabilities().size(), 26u);
  for (const std::string& name : nspawn_default_capabilities()) {
    std::string canonical, err;
    EXPECT_TRUE(canonical_capability(name, &canonical, &err)) << name;
  }
}

TEST(SecurityTierTest, HardenedDrops) {
  EXPECT_EQ(tier_dropped_capabilities(SecurityTier::kHardened, true),
            (Names{"CAP_NET_RAW", "CAP_SYS_RAWIO", "CAP_SYS_PTRACE", "CAP_SYS_BOOT"}));
  EXPECT_EQ(tier_dropped_capabilities(SecurityTier::kNone, true), Names{});
}

TEST(SecurityTierTest, ExecContainersKeepSysBoot) {
  EXPECT_EQ(tier_dropped_capabilities(SecurityTier::kHardened, false),
            (Names{"CAP_NET_RAW", "CAP_SYS_RAWIO", "CAP_SYS_PTRACE"}));
  for (const std::string& name : tier_dropped_capabilities(SecurityTier::kStrict, false))
    EXPECT_NE(name, "CAP_SYS_BOOT");
}

TEST(SecurityTierTest, StrictKeepsDockersSetAndSysAdmin) {
  EXPECT_EQ(
      strict_kept_capabilities(),
      (Names{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
             "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_SYS_ADMIN",
             "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"}));
}

TEST(SecurityTierTest, StrictDropsEverythingNspawnKeepsButItsOwnSet) {
  Names dropped = tier_dropped_capabilities(SecurityTier::kStrict, true);
  EXPECT_EQ(dropped, (Names{"CAP_DAC_READ_SEARCH", "CAP_LINUX_IMMUTABLE", "CAP_NET_BROADCAST",
                            "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_OWNER", "CAP_SYS_RAWIO",
                            "CAP_SYS_PTRACE", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
                            "CAP_SYS_TTY_CONFIG", "CAP_LEASE", "CAP_AUDIT_CONTROL"}));
  // What remains of nspawn's set is exactly what strict keeps.
  Names remaining;
  for (const std::string& name : nspawn_default_capabilities())
    if (std::find(dropped.begin(), dropped.end(), name) == dropped.end()) remaining.push_back(name);
  EXPECT_EQ(remaining, strict_kept_capabilities());
}

TEST(SecurityTierTest, StrictFilterIsValid) {
  EXPECT_EQ(tier_system_call_filter(SecurityTier::kHardened), "");
  std::string normalized, err;
  ASSERT_TRUE(validate_system_call_filter(tier_system_call_filter(SecurityTier::kStrict),
                                          &normalized, &err))
      << err;
  EXPECT_EQ(normalized, tier_system_call_filter(SecurityTier::kStrict));
  EXPECT_EQ(tier_apparmor_profile(SecurityTier::kStrict), "sdme-default");
  EXPECT_EQ(tier_apparmor_profile(SecurityTier::kHardened), "");
}

// The man page marks each list with roff comments, invisible to readers:
//   .\" tier-list NAME
//   ...text naming CAP_ capabilities...
//   .\" end tier-list
Names man_page_list(const std::string& page, const std::string& name) {
  const std::string begin = ".\\\" tier-list " + name + "\n";
  size_t start = page.find(begin);
  if (start == std::string::npos) return {"(no list " + name + ")"};
  start += begin.size();
  size_t end = page.find(".\\\" end tier-list", start);
  if (end == std::string::npos) return {"(list " + name + " not ended)"};
  const std::string text = page.substr(start, end - start);
  Names names;
  std::regex capability("CAP_[A-Z_]+");
  for (auto match = std::sregex_iterator(text.begin(), text.end(), capability);
       match != std::sregex_iterator(); ++match)
    names.push_back(match->str());
  return names;
}

TEST(SecurityTierTest, ManPageListsTheSameContents) {
  std::ifstream stream(SDME_MAN_PAGE_PATH);
  ASSERT_TRUE(stream) << SDME_MAN_PAGE_PATH;
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  const std::string page = buffer.str();
  EXPECT_EQ(man_page_list(page, "nspawn-default"), nspawn_default_capabilities());
  EXPECT_EQ(man_page_list(page, "hardened-drop"),
            tier_dropped_capabilities(SecurityTier::kHardened, true));
  EXPECT_EQ(man_page_list(page, "strict-keep"), strict_kept_capabilities());
  EXPECT_EQ(man_page_list(page, "strict-drop"),
            tier_dropped_capabilities(SecurityTier::kStrict, true));
  std::string filter =
      "--system-call-filter=" + std::string(tier_system_call_filter(SecurityTier::kStrict));
  EXPECT_NE(page.find(std::regex_replace(filter, std::regex("-"), "\\-")), std::string::npos)
      << "the man page should show " << filter;
}

}  // namespace
}  // namespace sdme::file
