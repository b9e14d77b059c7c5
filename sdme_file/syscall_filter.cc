// Validation of SystemCallFilter= values with libseccomp.
//
// systemd-nspawn 252 takes --system-call-filter= as: an optional '~' as the
// very first character (the whole list is a deny list), then words split at
// whitespace, each a system call name or an @group. It has no "name:errno"
// form: a word is looked up as it is, and one it does not know is only
// logged inside the container's start-up, so we reject it here, where the
// admin sees it.
#include "sdme_file/syscall_filter.h"

#include <seccomp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <vector>

#include "common/closest_match.h"
#include "common/strings.h"

namespace sdme::file {
namespace {

// The groups of `systemd-analyze syscall-filter` in systemd 252, in its
// order (@default first, @known last). Groups of later versions, such as
// @sandbox, are unknown to nspawn 252 and so rejected here.
constexpr std::array<std::string_view, 29> kGroups = {
    "@default", "@aio",         "@basic-io",       "@chown",     "@clock",   "@cpu-emulation",
    "@debug",   "@file-system", "@io-event",       "@ipc",       "@keyring", "@memlock",
    "@module",  "@mount",       "@network-io",     "@obsolete",  "@pkey",    "@privileged",
    "@process", "@raw-io",      "@reboot",         "@resources", "@setuid",  "@signal",
    "@swap",    "@sync",        "@system-service", "@timer",     "@known",
};

bool is_known_group(std::string_view word) {
  return std::find(kGroups.begin(), kGroups.end(), word) != kGroups.end();
}

bool is_known_system_call(const std::string& name) {
  // Names libseccomp knows only for other architectures resolve to negative
  // pseudo numbers, not to the error value; nspawn accepts them too, since it
  // builds filters for every architecture the host can run.
  return seccomp_syscall_resolve_name(name.c_str()) != __NR_SCMP_ERROR;
}

// Every system call name of the native architecture, sorted, for
// suggestions. libseccomp has no list call, so numbers are probed. Linux
// numbers its calls from 0 on most architectures and from an offset on
// some (MIPS o32/n64/n32, ARM's private calls, x32); probing every offset
// everywhere is cheap and keeps this free of per-architecture cases.
const std::vector<std::string>& native_system_call_names() {
  static const std::vector<std::string> kNames = [] {
    constexpr std::array<int, 6> kFirstNumbers = {0, 4000, 5000, 6000, 0x0f0000, 0x40000000};
    constexpr int kNumbersPerRange = 1024;
    std::vector<std::string> names;
    for (int first : kFirstNumbers) {
      for (int number = first; number < first + kNumbersPerRange; ++number) {
        std::unique_ptr<char, decltype(&std::free)> name(
            seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, number), &std::free);
        if (name != nullptr) names.emplace_back(name.get());
      }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }();
  return kNames;
}

// Offers every group, compared without its '@' so that a group written
// without one ("clock" for "@clock") is found too. Admins often write only a
// group's first word ("@network" for "@network-io"), so a group is also
// compared by that word.
void offer_groups(ClosestMatch* closest) {
  for (std::string_view group : kGroups) {
    std::string_view bare = group.substr(1);
    closest->offer(group, bare);
    if (size_t dash = bare.find('-'); dash != std::string_view::npos)
      closest->offer(group, bare.substr(0, dash));
  }
}

// `typed` starts with '@'.
std::string closest_group(std::string_view typed) {
  ClosestMatch closest(typed.substr(1));
  offer_groups(&closest);
  return closest.did_you_mean();
}

std::string closest_system_call(std::string_view typed) {
  ClosestMatch closest(typed);
  for (const std::string& name : native_system_call_names()) closest.offer(name);
  offer_groups(&closest);
  return closest.did_you_mean();
}

bool validate_word(const std::string& word, std::string* err) {
  if (word.starts_with('~')) {
    *err = "'~' may only start the whole list, found '" + word +
           "'; to allow some calls and deny others, write one SystemCallFilter= line for each";
    return false;
  }
  size_t colon = word.find(':');
  if (colon != std::string::npos) {
    *err = "'" + word +
           "': systemd-nspawn takes no ':errno' after a system call (denied calls fail with "
           "EPERM); remove '" +
           word.substr(colon) + "'";
    return false;
  }
  if (word.starts_with('@')) {
    if (is_known_group(word)) return true;
    *err = "unknown system call group '" + word + "'" + closest_group(word);
    return false;
  }
  if (is_known_system_call(word)) return true;
  *err = "unknown system call '" + word + "'" + closest_system_call(word);
  return false;
}

}  // namespace

bool validate_system_call_filter(std::string_view value, std::string* normalized,
                                 std::string* err) {
  std::string_view list = strip(value);
  bool deny = list.starts_with('~');
  if (deny) list.remove_prefix(1);

  std::vector<std::string> words;
  constexpr std::string_view kWhitespace = " \t\n\r";
  for (size_t start = list.find_first_not_of(kWhitespace); start != std::string_view::npos;) {
    size_t end = list.find_first_of(kWhitespace, start);
    words.emplace_back(list.substr(start, end == std::string_view::npos ? end : end - start));
    start = list.find_first_not_of(kWhitespace, end);
  }

  if (words.empty()) {
    *err = deny ? "'~' alone denies nothing; list what to deny after it, e.g. '~@mount @swap'"
                : "empty system call filter; list the system calls or @groups to allow, e.g. "
                  "'@system-service', or '~' and those to deny, e.g. '~@mount @swap'";
    return false;
  }
  for (const std::string& word : words) {
    if (!validate_word(word, err)) return false;
  }
  *normalized = (deny ? "~" : "") + join(words, " ");
  return true;
}

}  // namespace sdme::file
