// Root's entries in /etc/shadow and /etc/passwd.
#include "helpers/provision/shadow_file.h"

#include <vector>

#include "common/strings.h"

namespace sdme::provision {
namespace {

constexpr std::string_view kRootPrefix = "root:";
constexpr std::string_view kShadowPassword = "x";

struct Line {
  size_t start = 0;
  size_t length = 0;  // without the newline
};

// The first line that is root's, when there is one.
bool find_root_line(std::string_view text, Line* line) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (text.substr(start, end - start).starts_with(kRootPrefix)) {
      *line = {start, end - start};
      return true;
    }
    start = end + 1;
  }
  return false;
}

// `text` with `line` replaced by `fields` joined with ':'.
std::string replace_line(std::string_view text, const Line& line,
                         const std::vector<std::string>& fields) {
  std::string result(text.substr(0, line.start));
  result += join(fields, ":");
  result += text.substr(line.start + line.length);
  return result;
}

}  // namespace

bool find_root_hash(std::string_view shadow, std::string* hash) {
  Line line;
  if (!find_root_line(shadow, &line)) return false;
  std::vector<std::string> fields = split(shadow.substr(line.start, line.length), ':');
  *hash = fields.size() > 1 ? fields[1] : "";
  return true;
}

std::string set_root_hash(std::string_view shadow, std::string_view hash, long days) {
  Line line;
  if (!find_root_line(shadow, &line))
    return "root:" + std::string(hash) + ":" + std::to_string(days) + ":0:99999:7:::\n" +
           std::string(shadow);
  std::vector<std::string> fields = split(shadow.substr(line.start, line.length), ':');
  if (fields.size() > 1 && fields[1] == hash) return std::string(shadow);
  // A line cut short is completed to shadow(5)'s nine fields.
  if (fields.size() < 9) fields.resize(9);
  fields[1] = std::string(hash);
  fields[2] = std::to_string(days);
  return replace_line(shadow, line, fields);
}

std::string point_root_at_shadow(std::string_view passwd, bool* found) {
  Line line;
  *found = find_root_line(passwd, &line);
  if (!*found) return std::string(passwd);
  std::vector<std::string> fields = split(passwd.substr(line.start, line.length), ':');
  if (fields.size() > 1 && fields[1] == kShadowPassword) return std::string(passwd);
  if (fields.size() < 2) fields.resize(2);
  fields[1] = std::string(kShadowPassword);
  return replace_line(passwd, line, fields);
}

}  // namespace sdme::provision
