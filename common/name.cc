// Validation of the names that become unit names, machine names and paths.
#include "common/name.h"

#include <cctype>

#include "common/strings.h"

namespace sdme {
namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

bool validate_name(std::string_view name, std::string_view what, std::string* err) {
  if (name.empty()) {
    *err = std::string(what) + " name is empty";
    return false;
  }
  if (name.size() > kMaxNameLength) {
    *err = std::string(what) + " name '" + cescape(name) + "' is longer than 64 characters";
    return false;
  }
  if (!std::isalnum(static_cast<unsigned char>(name[0]))) {
    *err = std::string(what) + " name '" + cescape(name) +
           "' must start with a letter or digit";
    return false;
  }
  for (char c : name) {
    if (!is_name_char(c)) {
      *err = std::string(what) + " name '" + cescape(name) +
             "' may contain only letters, digits, '-' and '.'";
      return false;
    }
  }
  if (name.find("..") != std::string_view::npos) {
    *err = std::string(what) + " name '" + cescape(name) + "' must not contain '..'";
    return false;
  }
  // The name is also a machine name, that is a host name, whose labels
  // start and end with a letter or digit.
  if (!std::isalnum(static_cast<unsigned char>(name.back()))) {
    *err = std::string(what) + " name '" + cescape(name) + "' must end with a letter or digit";
    return false;
  }
  if (name.find("-.") != std::string_view::npos || name.find(".-") != std::string_view::npos) {
    *err = std::string(what) + " name '" + cescape(name) +
           "' must not have '-' next to '.'";
    return false;
  }
  return true;
}

}  // namespace

bool validate_container_name(std::string_view name, std::string* err) {
  return validate_name(name, "container", err);
}

bool validate_pod_name(std::string_view name, std::string* err) {
  return validate_name(name, "pod", err);
}

bool validate_rootfs_name(std::string_view name, std::string* err) {
  return validate_name(name, "rootfs", err);
}

bool validate_hostname(std::string_view name, std::string* err) {
  auto fail = [&](const char* why) {
    *err = "invalid host name '" + cescape(name) + "': " + why;
    return false;
  };
  if (name.empty()) return fail("it is empty");
  if (name.size() > 64) return fail("longer than 64 characters");
  size_t label_length = 0;
  char previous = '.';
  for (char c : name) {
    if (c == '.') {
      if (label_length == 0) return fail("empty label");
      if (previous == '-') return fail("a label must start and end with a letter or digit");
      label_length = 0;
      previous = c;
      continue;
    }
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
      return fail("only letters, digits, '-' and '.' are allowed");
    if (c == '-' && label_length == 0)
      return fail("a label must start and end with a letter or digit");
    if (++label_length > 63) return fail("a label is longer than 63 characters");
    previous = c;
  }
  if (label_length == 0) return fail("empty label");
  if (previous == '-') return fail("a label must start and end with a letter or digit");
  return true;
}

bool validate_absolute_path(std::string_view path, std::string_view what, std::string* err) {
  if (path.empty() || path[0] != '/') {
    *err = std::string(what) + " path '" + cescape(path) + "' is not absolute";
    return false;
  }
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view component = path.substr(start, end - start);
    if (component == "." || component == "..") {
      *err = std::string(what) + " path '" + cescape(path) + "' must not contain '" +
             std::string(component) + "' components";
      return false;
    }
    start = end + 1;
  }
  for (char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      *err = std::string(what) + " path contains a control character";
      return false;
    }
  }
  return true;
}

}  // namespace sdme
