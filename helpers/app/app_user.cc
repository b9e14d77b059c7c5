// Resolving an image's User against the app tree's passwd and group text.
#include "helpers/app/app_user.h"

#include <algorithm>
#include <vector>

#include "common/strings.h"

namespace sdme::app {
namespace {

bool is_all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A decimal ID systemd accepts; `what` names it in the message ("user ID").
bool parse_id(std::string_view text, std::string_view what, uint32_t* id, std::string* err) {
  uint64_t value = 0;
  for (char c : text) {
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > UINT32_MAX) break;
  }
  if (value >= UINT32_MAX || value == 65535) {
    *err = std::string(what) + " " + std::string(text) +
           " is not one systemd accepts: IDs are 0 to 4294967294, except 65535";
    return false;
  }
  *id = static_cast<uint32_t>(value);
  return true;
}

// One entry of passwd or group: name, then the fields we need.
struct Entry {
  std::string name;
  uint32_t id = 0;             // UID, or GID for a group
  uint32_t primary_group = 0;  // passwd only
  std::string home;            // passwd only
};

// Reads name:password:ID[:GID:...] lines; `with_group` reads the GID field
// too (passwd). Lines that are not entries (blank, comments, NIS "+"/"-"
// lines, too few fields, IDs that are not numbers) are skipped, as libc's
// and runc's parsers skip them.
std::vector<Entry> parse_entries(std::string_view text, bool with_group) {
  std::vector<Entry> entries;
  for (const std::string& line : split(text, '\n')) {
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
    std::vector<std::string> fields = split(line, ':');
    if (fields.size() < (with_group ? 4u : 3u) || fields[0].empty()) continue;
    Entry entry;
    std::string ignored;
    if (!is_all_digits(fields[2]) || !parse_id(fields[2], "ID", &entry.id, &ignored)) continue;
    if (with_group &&
        (!is_all_digits(fields[3]) || !parse_id(fields[3], "ID", &entry.primary_group, &ignored)))
      continue;
    entry.name = fields[0];
    if (with_group && fields.size() > 5) entry.home = fields[5];
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace

bool resolve_app_user(std::string_view user, std::string_view passwd_text,
                      std::string_view group_text, AppIdentity* identity, std::string* err) {
  std::string_view user_part = user;
  std::string_view group_part;
  bool has_group = false;
  if (size_t colon = user.find(':'); colon != std::string_view::npos) {
    user_part = user.substr(0, colon);
    group_part = user.substr(colon + 1);
    has_group = true;
    if (group_part.find(':') != std::string_view::npos) {
      *err = "user '" + printable(user) + "' has more than one ':': expected USER[:GROUP]";
      return false;
    }
    if (group_part.empty()) {
      *err = "user '" + printable(user) + "' has an empty group after ':'";
      return false;
    }
  }

  // No user is UID 0, looked up like any number, as runc does.
  AppIdentity result;
  bool numeric = user_part.empty() || is_all_digits(user_part);
  if (!user_part.empty() && numeric && !parse_id(user_part, "user ID", &result.uid, err))
    return false;
  // First match wins, as in runc, for a number as for a name.
  std::vector<Entry> users = parse_entries(passwd_text, /*with_group=*/true);
  auto found_user = std::find_if(users.begin(), users.end(), [&](const Entry& entry) {
    return numeric ? entry.id == result.uid : entry.name == user_part;
  });
  if (found_user != users.end()) {
    result.uid = found_user->id;
    result.gid = found_user->primary_group;
    if (!found_user->home.empty()) result.home = found_user->home;
  } else if (!numeric) {
    *err = "user '" + printable(user_part) + "' is not in the app's /etc/passwd";
    return false;
  }

  if (has_group) {
    if (is_all_digits(group_part)) {
      if (!parse_id(group_part, "group ID", &result.gid, err)) return false;
    } else {
      std::vector<Entry> groups = parse_entries(group_text, /*with_group=*/false);
      auto found_group = std::find_if(groups.begin(), groups.end(),
                                      [&](const Entry& entry) { return entry.name == group_part; });
      if (found_group == groups.end()) {
        *err = "group '" + printable(group_part) + "' is not in the app's /etc/group";
        return false;
      }
      result.gid = found_group->id;
    }
  }
  *identity = result;
  return true;
}

}  // namespace sdme::app
