// Tests for SystemCallFilter= validation: nspawn 252's list syntax, name
// resolution through libseccomp, systemd 252's groups and the suggestions.
#include "sdme_file/syscall_filter.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace sdme::file {
namespace {

// Returns *err, or "accepted as '<normalized>'" so a failure shows both.
std::string error_of(std::string_view value) {
  std::string normalized, err;
  if (validate_system_call_filter(value, &normalized, &err))
    return "accepted as '" + normalized + "'";
  return err;
}

std::string normalized_of(std::string_view value) {
  std::string normalized, err;
  if (!validate_system_call_filter(value, &normalized, &err)) return "error: " + err;
  return normalized;
}

TEST(SystemCallFilterTest, AcceptsNamesAndGroups) {
  EXPECT_EQ(normalized_of("open"), "open");
  EXPECT_EQ(normalized_of("@system-service"), "@system-service");
  EXPECT_EQ(normalized_of("@system-service open close"), "@system-service open close");
  EXPECT_EQ(normalized_of("landlock_create_ruleset"), "landlock_create_ruleset");
}

TEST(SystemCallFilterTest, NormalizesWhitespaceAndKeepsOrder) {
  EXPECT_EQ(normalized_of("  write\t\tread \n open  "), "write read open");
  EXPECT_EQ(normalized_of("~ @mount   @swap"), "~@mount @swap");
  EXPECT_EQ(normalized_of("  ~@mount"), "~@mount");
}

TEST(SystemCallFilterTest, KeepsDuplicatesAsNspawnDoes) {
  EXPECT_EQ(normalized_of("open open"), "open open");
}

// Like nspawn, which builds its filter for every architecture the host runs
// (x86 next to x86-64), names of other architectures are known.
TEST(SystemCallFilterTest, AcceptsNamesOfOtherArchitectures) {
  EXPECT_EQ(normalized_of("chown32 _llseek"), "chown32 _llseek");
}

TEST(SystemCallFilterTest, AcceptsEverySystemd252Group) {
  const std::vector<std::string> groups = {
      "@default", "@aio",         "@basic-io",       "@chown",     "@clock",   "@cpu-emulation",
      "@debug",   "@file-system", "@io-event",       "@ipc",       "@keyring", "@memlock",
      "@module",  "@mount",       "@network-io",     "@obsolete",  "@pkey",    "@privileged",
      "@process", "@raw-io",      "@reboot",         "@resources", "@setuid",  "@signal",
      "@swap",    "@sync",        "@system-service", "@timer",     "@known"};
  for (const std::string& group : groups) EXPECT_EQ(normalized_of(group), group);
  for (const std::string& group : groups) EXPECT_EQ(normalized_of("~" + group), "~" + group);
}

// Groups that later systemd versions or other tools have; nspawn 252 does
// not know them.
TEST(SystemCallFilterTest, RejectsGroupsSystemd252DoesNotHave) {
  EXPECT_EQ(error_of("@sandbox"), "unknown system call group '@sandbox'");
  EXPECT_EQ(error_of("@memfd"), "unknown system call group '@memfd'");
}

// The real systemd-analyze of systemd 252 is the reference for the group
// list, where it is installed.
TEST(SystemCallFilterTest, AgreesWithSystemdAnalyzeGroups) {
  FILE* version = popen("systemctl --version 2>/dev/null", "r");
  char line[256] = {};
  bool is_252 = version != nullptr && std::fgets(line, sizeof(line), version) != nullptr &&
                std::string(line).starts_with("systemd 252 ");
  if (version != nullptr) pclose(version);
  if (!is_252) GTEST_SKIP() << "systemd 252 is not installed here";

  FILE* analyze = popen("systemd-analyze syscall-filter --no-pager 2>/dev/null", "r");
  ASSERT_NE(analyze, nullptr);
  std::vector<std::string> groups;
  while (std::fgets(line, sizeof(line), analyze) != nullptr) {
    std::string text(line);
    if (text.starts_with('@')) groups.push_back(text.substr(0, text.find_first_of(" \n")));
  }
  pclose(analyze);
  ASSERT_EQ(groups.size(), 29u);
  for (const std::string& group : groups) EXPECT_EQ(normalized_of(group), group);
}

TEST(SystemCallFilterTest, SuggestsCloseSystemCall) {
  EXPECT_EQ(error_of("opne"), "unknown system call 'opne', did you mean 'open'?");
  EXPECT_EQ(error_of("@system-service reed"), "unknown system call 'reed', did you mean 'read'?");
  EXPECT_EQ(error_of("landlock_create_rulese"),
            "unknown system call 'landlock_create_rulese', did you mean "
            "'landlock_create_ruleset'?");
  // System call names are lower case; the suggestion says how to write it.
  EXPECT_EQ(error_of("OPEN"), "unknown system call 'OPEN', did you mean 'open'?");
}

TEST(SystemCallFilterTest, NoSuggestionWhenNothingIsClose) {
  EXPECT_EQ(error_of("teleport"), "unknown system call 'teleport'");
  EXPECT_EQ(error_of("@teleport"), "unknown system call group '@teleport'");
  // Two edits from "tee" and "time", but that is the whole word; one edit
  // from "dup" is a slip.
  EXPECT_EQ(error_of("ti"), "unknown system call 'ti'");
  EXPECT_EQ(error_of("up"), "unknown system call 'up', did you mean 'dup'?");
}

TEST(SystemCallFilterTest, SuggestsCloseGroup) {
  EXPECT_EQ(error_of("@netwrok"),
            "unknown system call group '@netwrok', did you mean '@network-io'?");
  EXPECT_EQ(error_of("@network"),
            "unknown system call group '@network', did you mean '@network-io'?");
  EXPECT_EQ(error_of("@system"),
            "unknown system call group '@system', did you mean '@system-service'?");
  EXPECT_EQ(error_of("@Mount"), "unknown system call group '@Mount', did you mean '@mount'?");
  EXPECT_EQ(error_of("~@swap @rebot"),
            "unknown system call group '@rebot', did you mean '@reboot'?");
}

TEST(SystemCallFilterTest, SuggestsGroupForNameWithoutAt) {
  EXPECT_EQ(error_of("clock"), "unknown system call 'clock', did you mean '@clock'?");
  EXPECT_EQ(error_of("system-service"),
            "unknown system call 'system-service', did you mean '@system-service'?");
}

TEST(SystemCallFilterTest, RejectsErrnoSuffix) {
  EXPECT_EQ(error_of("open:EPERM"),
            "'open:EPERM': systemd-nspawn takes no ':errno' after a system call (denied calls "
            "fail with EPERM); remove ':EPERM'");
  EXPECT_EQ(error_of("~@mount:EACCES"),
            "'@mount:EACCES': systemd-nspawn takes no ':errno' after a system call (denied calls "
            "fail with EPERM); remove ':EACCES'");
}

TEST(SystemCallFilterTest, RejectsTildeInsideTheList) {
  EXPECT_EQ(error_of("open ~close"),
            "'~' may only start the whole list, found '~close'; to allow some calls and deny "
            "others, write one SystemCallFilter= line for each");
  EXPECT_EQ(error_of("~~open"),
            "'~' may only start the whole list, found '~open'; to allow some calls and deny "
            "others, write one SystemCallFilter= line for each");
}

TEST(SystemCallFilterTest, RejectsEmptyList) {
  EXPECT_EQ(error_of(""),
            "empty system call filter; list the system calls or @groups to allow, e.g. "
            "'@system-service', or '~' and those to deny, e.g. '~@mount @swap'");
  EXPECT_EQ(error_of(" \t "), error_of(""));
  EXPECT_EQ(error_of("~"),
            "'~' alone denies nothing; list what to deny after it, e.g. '~@mount @swap'");
  EXPECT_EQ(error_of(" ~  "), error_of("~"));
}

TEST(SystemCallFilterTest, ReportsFirstBadWordAndLeavesOutputAlone) {
  std::string normalized = "untouched", err;
  EXPECT_FALSE(validate_system_call_filter("open opne @netwrok", &normalized, &err));
  EXPECT_EQ(err, "unknown system call 'opne', did you mean 'open'?");
  EXPECT_EQ(normalized, "untouched");
}

}  // namespace
}  // namespace sdme::file
