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

// sdme-app-ID is the name sdme-app gives ID; a line of another ID that
// has it (only an administrator could have made one) stops the edit.
bool check_name_free(std::string_view database, std::string_view file, std::string_view what,
                     const std::string& id, std::string* err) {
  const std::string name = std::string(kEntryNamePrefix) + id;
  for (const std::string& line : split(database, '\n')) {
    std::vector<std::string> fields = split(line, ':');
    if (fields.empty() || fields[0] != name) continue;
    *err = "the container's " + std::string(file) + " has a " + std::string(what) + " " + name +
           " whose ID is not " + id + ", and sdme-app names the app's ID " + id +
           " so; rename or remove that " + std::string(what) + " in the container";
    return false;
  }
  return true;
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

bool with_app_user(std::string_view passwd, uint32_t uid, uint32_t gid, std::string* result,
                   std::string* err) {
  *result = std::string(passwd);
  if (uid == 0 || user_database_lists_id(passwd, uid)) return true;
  const std::string id = std::to_string(uid);
  if (!check_name_free(passwd, "/etc/passwd", "user", id, err)) return false;
  *result = append_line(passwd, std::string(kEntryNamePrefix) + id + ":x:" + id + ":" +
                                    std::to_string(gid) + "::/nonexistent:/usr/sbin/nologin");
  return true;
}

bool with_app_group(std::string_view group, uint32_t gid, std::string* result, std::string* err) {
  *result = std::string(group);
  if (gid == 0 || user_database_lists_id(group, gid)) return true;
  const std::string id = std::to_string(gid);
  if (!check_name_free(group, "/etc/group", "group", id, err)) return false;
  *result = append_line(group, std::string(kEntryNamePrefix) + id + ":x:" + id + ":");
  return true;
}

}  // namespace sdme::app
