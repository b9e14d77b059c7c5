// Whether the kernel's inotify limit leaves room for one more booted
// container; see inotify_headroom.h.
#include "helpers/overlay/inotify_headroom.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace sdme::overlay {
namespace {

// The file under PROC that holds the limit every user's instances count against.
constexpr std::string_view kLimitFile = "/sys/fs/inotify/max_user_instances";
constexpr std::string_view kMountTable = "/self/mountinfo";

bool read_whole_file(const std::string& path, std::string* content, std::string* err) {
  std::ifstream stream(path);
  if (!stream) {
    *err = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  *content = buffer.str();
  return true;
}

bool parse_limit(const std::string& path, const std::string& text, long* limit, std::string* err) {
  std::string digits = text;
  while (!digits.empty() && (digits.back() == '\n' || digits.back() == ' ')) digits.pop_back();
  bool is_number = !digits.empty() && digits.size() <= 10 &&
                   digits.find_first_not_of("0123456789") == std::string::npos;
  if (!is_number) {
    *err = path + " holds '" + digits + "', not a number";
    return false;
  }
  *limit = std::stol(digits);
  return true;
}

// mountinfo(5) writes space, tab, newline and backslash in paths as \ooo.
std::string unescape_mount_path(std::string_view escaped) {
  std::string path;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\\' && i + 3 < escaped.size()) {
      std::string_view digits = escaped.substr(i + 1, 3);
      if (digits.find_first_not_of("01234567") == std::string_view::npos) {
        path +=
            static_cast<char>((digits[0] - '0') * 64 + (digits[1] - '0') * 8 + (digits[2] - '0'));
        i += 3;
        continue;
      }
    }
    path += escaped[i];
  }
  return path;
}

std::vector<std::string_view> split_on_spaces(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (start < line.size()) {
    size_t end = line.find(' ', start);
    if (end == std::string_view::npos) end = line.size();
    if (end > start) fields.push_back(line.substr(start, end - start));
    start = end + 1;
  }
  return fields;
}

// The container whose overlay a mountinfo line describes, or "" if it is
// not an overlay at CONTAINERS/NAME/merged.
std::string overlay_container_name(std::string_view line, const std::string& containers_dir) {
  std::vector<std::string_view> fields = split_on_spaces(line);
  // ID PARENT MAJOR:MINOR ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER-OPTIONS
  if (fields.size() < 10) return "";
  size_t separator = 6;
  while (separator < fields.size() && fields[separator] != "-") ++separator;
  if (separator + 1 >= fields.size() || fields[separator + 1] != "overlay") return "";
  std::string mount_point = unescape_mount_path(fields[4]);
  std::string prefix = containers_dir + "/";
  constexpr std::string_view kSuffix = "/merged";
  if (!mount_point.starts_with(prefix) || !mount_point.ends_with(kSuffix)) return "";
  std::string name =
      mount_point.substr(prefix.size(), mount_point.size() - prefix.size() - kSuffix.size());
  if (name.empty() || name.find('/') != std::string::npos) return "";
  return name;
}

}  // namespace

bool read_inotify_headroom(const std::string& proc_dir, const std::string& containers_dir,
                           std::string_view starting_container, InotifyHeadroom* headroom,
                           std::string* err) {
  std::string limit_path = proc_dir + std::string(kLimitFile);
  std::string text;
  if (!read_whole_file(limit_path, &text, err)) return false;
  long limit = 0;
  if (!parse_limit(limit_path, text, &limit, err)) return false;

  std::string mount_table;
  if (!read_whole_file(proc_dir + std::string(kMountTable), &mount_table, err)) return false;
  // A name counts once even if something is stacked on its overlay.
  std::set<std::string> running;
  std::istringstream lines(mount_table);
  for (std::string line; std::getline(lines, line);) {
    std::string name = overlay_container_name(line, containers_dir);
    if (!name.empty() && name != starting_container) running.insert(std::move(name));
  }
  headroom->limit = limit;
  headroom->running_containers = static_cast<long>(running.size());
  return true;
}

long containers_the_limit_holds(long limit) {
  if (limit <= kInotifyInstancesForHost) return 0;
  return (limit - kInotifyInstancesForHost) / kInotifyInstancesPerContainer;
}

HeadroomVerdict judge_inotify_headroom(const InotifyHeadroom& headroom) {
  long holds = containers_the_limit_holds(headroom.limit);
  long with_this_one = headroom.running_containers + 1;
  if (with_this_one > holds) return HeadroomVerdict::kOverLimit;
  if (4 * with_this_one >= 3 * holds) return HeadroomVerdict::kApproachingLimit;
  return HeadroomVerdict::kEnough;
}

std::string inotify_headroom_message(const InotifyHeadroom& headroom) {
  long running = headroom.running_containers;
  long holds = containers_the_limit_holds(headroom.limit);
  std::string situation =
      std::to_string(running) + (running == 1 ? " other container is" : " other containers are") +
      " running and fs.inotify.max_user_instances=" + std::to_string(headroom.limit) +
      " holds about " + std::to_string(holds) +
      (holds == 1 ? " booted container" : " booted containers") + " next to the host";
  std::string symptom = "\"Failed to create inotify object: Too many open files\"";
  std::string remedy = "raise the limit as \"LIMITS\" in sdme.sdme(5) explains";
  if (judge_inotify_headroom(headroom) == HeadroomVerdict::kOverLimit)
    return situation + ": this container may fail to boot with " + symptom + "; " + remedy;
  return situation + "; past that, containers fail to boot with " + symptom + "; " + remedy;
}

}  // namespace sdme::overlay
