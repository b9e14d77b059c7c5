// Tests for the capability list and name canonicalization behind
// Capability= and DropCapability=.
#include "sdme_file/capabilities.h"

#include <gtest/gtest.h>
#include <linux/capability.h>

#include <set>
#include <string>

namespace sdme::file {
namespace {

// The kernel's own header numbers the capabilities; the list must agree with
// it entry by entry, so a reordered or misspelled entry fails here.
#define EXPECT_CAPABILITY_NUMBER(name) \
  EXPECT_EQ(known_capabilities().at(name), #name) << "capability number " << (name)

TEST(KnownCapabilitiesTest, MatchesKernelNumbering) {
  ASSERT_EQ(known_capabilities().size(), static_cast<size_t>(CAP_LAST_CAP) + 1);
  EXPECT_CAPABILITY_NUMBER(CAP_CHOWN);
  EXPECT_CAPABILITY_NUMBER(CAP_DAC_OVERRIDE);
  EXPECT_CAPABILITY_NUMBER(CAP_DAC_READ_SEARCH);
  EXPECT_CAPABILITY_NUMBER(CAP_FOWNER);
  EXPECT_CAPABILITY_NUMBER(CAP_FSETID);
  EXPECT_CAPABILITY_NUMBER(CAP_KILL);
  EXPECT_CAPABILITY_NUMBER(CAP_SETGID);
  EXPECT_CAPABILITY_NUMBER(CAP_SETUID);
  EXPECT_CAPABILITY_NUMBER(CAP_SETPCAP);
  EXPECT_CAPABILITY_NUMBER(CAP_LINUX_IMMUTABLE);
  EXPECT_CAPABILITY_NUMBER(CAP_NET_BIND_SERVICE);
  EXPECT_CAPABILITY_NUMBER(CAP_NET_BROADCAST);
  EXPECT_CAPABILITY_NUMBER(CAP_NET_ADMIN);
  EXPECT_CAPABILITY_NUMBER(CAP_NET_RAW);
  EXPECT_CAPABILITY_NUMBER(CAP_IPC_LOCK);
  EXPECT_CAPABILITY_NUMBER(CAP_IPC_OWNER);
  EXPECT_CAPABILITY_NUMBER(CAP_SYS_MODULE);
  EXPECT_CAPABILITY_NUMBER(CAP_SYS_RAWIO);
  EXPECT_CAPABILITY_NUMBER(CAP_SYS_CHROOT);
  EXPECT_CAPABILITY_NUMBER(CAP_SYS_PTRACE);
  EXPECT_CAPABILITY_NUMBER(CAP_SYS_PACCT);
  EXPECT_CAPABILITY_NUMBER(CAP_SYS_ADMIN);
  EXPECT_CAPABILITY_NUMBER(CAP_SYS_BOOT);
  EXPECT_CAPABILITY_NUMBER(CAP_SYS_NICE);
  EXPECT_CAPABILITY_NUMBER(CAP_SYS_RESOURCE);
  EXPECT_CAPABILITY_NUMBER(CAP_SYS_TIME);
  EXPECT_CAPABILITY_NUMBER(CAP_SYS_TTY_CONFIG);
  EXPECT_CAPABILITY_NUMBER(CAP_MKNOD);
  EXPECT_CAPABILITY_NUMBER(CAP_LEASE);
  EXPECT_CAPABILITY_NUMBER(CAP_AUDIT_WRITE);
  EXPECT_CAPABILITY_NUMBER(CAP_AUDIT_CONTROL);
  EXPECT_CAPABILITY_NUMBER(CAP_SETFCAP);
  EXPECT_CAPABILITY_NUMBER(CAP_MAC_OVERRIDE);
  EXPECT_CAPABILITY_NUMBER(CAP_MAC_ADMIN);
  EXPECT_CAPABILITY_NUMBER(CAP_SYSLOG);
  EXPECT_CAPABILITY_NUMBER(CAP_WAKE_ALARM);
  EXPECT_CAPABILITY_NUMBER(CAP_BLOCK_SUSPEND);
  EXPECT_CAPABILITY_NUMBER(CAP_AUDIT_READ);
  EXPECT_CAPABILITY_NUMBER(CAP_PERFMON);
  EXPECT_CAPABILITY_NUMBER(CAP_BPF);
  EXPECT_CAPABILITY_NUMBER(CAP_CHECKPOINT_RESTORE);
}

TEST(KnownCapabilitiesTest, NamesAreUniqueAndCanonical) {
  std::set<std::string> seen;
  for (const std::string& name : known_capabilities()) {
    EXPECT_TRUE(seen.insert(name).second) << name;
    std::string canonical, err;
    EXPECT_TRUE(canonical_capability(name, &canonical, &err)) << err;
    EXPECT_EQ(canonical, name);
  }
}

TEST(CanonicalCapabilityTest, AcceptsAnyCaseWithOrWithoutPrefix) {
  for (const char* spelling :
       {"CAP_NET_ADMIN", "cap_net_admin", "Cap_Net_Admin", "NET_ADMIN", "net_admin", "nEt_AdMiN"}) {
    std::string canonical, err;
    ASSERT_TRUE(canonical_capability(spelling, &canonical, &err)) << spelling << ": " << err;
    EXPECT_EQ(canonical, "CAP_NET_ADMIN") << spelling;
  }
  std::string canonical, err;
  ASSERT_TRUE(canonical_capability("sys_admin", &canonical, &err)) << err;
  EXPECT_EQ(canonical, "CAP_SYS_ADMIN");
  ASSERT_TRUE(canonical_capability("checkpoint_restore", &canonical, &err)) << err;
  EXPECT_EQ(canonical, "CAP_CHECKPOINT_RESTORE");
}

TEST(CanonicalCapabilityTest, SuggestsCloseName) {
  std::string canonical, err;
  EXPECT_FALSE(canonical_capability("NET_ADMN", &canonical, &err));
  EXPECT_EQ(err, "unknown capability 'NET_ADMN', did you mean 'CAP_NET_ADMIN'?");

  EXPECT_FALSE(canonical_capability("cap_sys_admn", &canonical, &err));
  EXPECT_EQ(err, "unknown capability 'cap_sys_admn', did you mean 'CAP_SYS_ADMIN'?");

  // Two edits away is still a suggestion.
  EXPECT_FALSE(canonical_capability("CAP_SYS_TIMEX", &canonical, &err));
  EXPECT_EQ(err, "unknown capability 'CAP_SYS_TIMEX', did you mean 'CAP_SYS_TIME'?");
  EXPECT_FALSE(canonical_capability("sys_chrt", &canonical, &err));
  EXPECT_EQ(err, "unknown capability 'sys_chrt', did you mean 'CAP_SYS_CHROOT'?");
}

TEST(CanonicalCapabilityTest, NoSuggestionWhenNothingIsClose) {
  std::string canonical, err;
  EXPECT_FALSE(canonical_capability("CAP_TELEPORT", &canonical, &err));
  EXPECT_EQ(err, "unknown capability 'CAP_TELEPORT'");
  // Three edits away from CAP_SYS_TIME: too far to guess.
  EXPECT_FALSE(canonical_capability("SYS_TIMEXYZ", &canonical, &err));
  EXPECT_EQ(err, "unknown capability 'SYS_TIMEXYZ'");
}

TEST(CanonicalCapabilityTest, RejectsPrefixAloneAndEmptyName) {
  std::string canonical = "untouched", err;
  EXPECT_FALSE(canonical_capability("CAP_", &canonical, &err));
  EXPECT_EQ(err, "unknown capability 'CAP_'");
  EXPECT_FALSE(canonical_capability("", &canonical, &err));
  EXPECT_EQ(err, "empty capability name; write a name such as 'CAP_NET_ADMIN'");
  EXPECT_EQ(canonical, "untouched");
}

TEST(CanonicalCapabilityTest, ShortNamesGetSuggestionsOnlyForSmallSlips) {
  std::string canonical, err;
  EXPECT_FALSE(canonical_capability("kil", &canonical, &err));
  EXPECT_EQ(err, "unknown capability 'kil', did you mean 'CAP_KILL'?");
  EXPECT_FALSE(canonical_capability("cap_bp", &canonical, &err));
  EXPECT_EQ(err, "unknown capability 'cap_bp', did you mean 'CAP_BPF'?");
  // Two edits from KILL, but that is all of the word.
  EXPECT_FALSE(canonical_capability("ki", &canonical, &err));
  EXPECT_EQ(err, "unknown capability 'ki'");
}

// "all" is a word of Capability= that the caller handles; it is no
// capability, and it is not mistaken for a typo of CAP_KILL either.
TEST(CanonicalCapabilityTest, AllIsNotACapability) {
  std::string canonical, err;
  EXPECT_FALSE(canonical_capability("all", &canonical, &err));
  EXPECT_EQ(err, "unknown capability 'all'");
}

TEST(CanonicalCapabilityTest, RejectsNumbersAndSurroundingSpace) {
  std::string canonical, err;
  EXPECT_FALSE(canonical_capability("12", &canonical, &err));
  EXPECT_EQ(err, "unknown capability '12'");
  EXPECT_FALSE(canonical_capability(" CAP_KILL", &canonical, &err));
  EXPECT_EQ(err, "unknown capability ' CAP_KILL'");
}

}  // namespace
}  // namespace sdme::file
