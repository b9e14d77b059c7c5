#include "common/path_text.h"

namespace sdme {

std::string parent_directory(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return "";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string join_path(std::string_view directory, std::string_view name) {
  if (directory.empty()) return std::string(name);
  std::string joined(directory);
  if (joined.back() != '/') joined += '/';
  joined += name;
  return joined;
}

std::string path_under(std::string_view root, std::string_view absolute_path) {
  if (root == "/") return std::string(absolute_path);
  return std::string(root) + std::string(absolute_path);
}

std::string normalize_path(std::string_view path) {
  std::string normalized;
  normalized.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !normalized.empty() && normalized.back() == '/') continue;
    normalized += c;
  }
  if (normalized.size() > 1 && normalized.back() == '/') normalized.pop_back();
  return normalized;
}

std::string without_dot_components(std::string_view path) {
  std::string result = path.starts_with('/') ? "/" : "";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view component = path.substr(start, end - start);
    if (!component.empty() && component != ".") {
      if (!result.empty() && result.back() != '/') result += '/';
      result += component;
    }
    start = end + 1;
  }
  return result.empty() ? "." : result;
}

}  // namespace sdme
