// The app's user and group in the container's /etc/passwd and /etc/group.
#include "helpers/app/container_user_database.h"

#include <vector>

#include "common/strings.h"

namespace sdme::app {
namespace {

constexpr std::string_view kEntryNamePrefix = "sdme-app-";
constexpr size_t kIdField = 2;

// `database` with `line` added as its last line; a last line without its
// newline gets one first, so the line before stays whole.
std::string append_line(std::string_view database, const std::string& line) {
  std::string result(database);
  if (!result.empty() && result.back() != '\n') result += '\n';
  result += line;
  result += '\n';
  return result;
}

}  // namespace

bool user_database_lists_id(std::string_view database, uint32_t id) {
  const std::string wanted = std::to_string(id);
  for (const std::string& line : split(database, '\n')) {
    std::vector<std::string> fields = split(line, ':');
    if (fields.size() > kIdField && fields[kIdField] == wanted) return true;
  }
  return false;
}

std::string with_app_user(std::string_view passwd, uint32_t uid, uint32_t gid) {
  if (uid == 0 || user_database_lists_id(passwd, uid)) return std::string(passwd);
  const std::string id = std::to_string(uid);
  return append_line(passwd, std::string(kEntryNamePrefix) + id + ":x:" + id + ":" +
                                 std::to_string(gid) + "::/nonexistent:/usr/sbin/nologin");
}

std::string with_app_group(std::string_view group, uint32_t gid) {
  if (gid == 0 || user_database_lists_id(group, gid)) return std::string(group);
  const std::string id = std::to_string(gid);
  return append_line(group, std::string(kEntryNamePrefix) + id + ":x:" + id + ":");
}

}  // namespace sdme::app
