// The import request and how its .sdme files are named to sdme-import.
#include "common/import_request.h"

#include <algorithm>
#include <cctype>

#include "common/strings.h"

namespace sdme {
namespace {

constexpr std::string_view kSha256Prefix = "sha256:";
constexpr size_t kSha256HexDigits = 64;

bool check_import_file(std::string_view path, std::string* err) {
  if (path.empty() || path[0] != '/') {
    *err = std::string(kImportFilesVariable) + ": '" + printable(path) + "' is not an absolute path";
    return false;
  }
  // A newline would end the Environment= line that carries the list.
  if (std::any_of(path.begin(), path.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    *err = std::string(kImportFilesVariable) + ": '" + printable(path) +
           "' contains a control character; rename the file or directory";
    return false;
  }
  if (path.find(':') != std::string_view::npos) {
    *err = std::string(kImportFilesVariable) + ": '" + printable(path) +
           "' contains ':', which separates the paths; rename the directory";
    return false;
  }
  return true;
}

}  // namespace

std::string_view install_packages_name(InstallPackages value) {
  switch (value) {
    case InstallPackages::kYes:
      return "yes";
    case InstallPackages::kNo:
      return "no";
    case InstallPackages::kAuto:
      break;
  }
  return "auto";
}

bool parse_install_packages(std::string_view text, InstallPackages* value) {
  if (equals_ignore_case(text, "auto")) {
    *value = InstallPackages::kAuto;
    return true;
  }
  bool enabled;
  if (!parse_boolean(text, &enabled)) return false;
  *value = enabled ? InstallPackages::kYes : InstallPackages::kNo;
  return true;
}

bool normalize_sha256_checksum(std::string_view text, std::string* normalized) {
  if (text.size() != kSha256Prefix.size() + kSha256HexDigits ||
      !equals_ignore_case(text.substr(0, kSha256Prefix.size()), kSha256Prefix))
    return false;
  std::string hex(text.substr(kSha256Prefix.size()));
  if (!std::all_of(hex.begin(), hex.end(),
                   [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
    return false;
  std::transform(hex.begin(), hex.end(), hex.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  *normalized = std::string(kSha256Prefix) + hex;
  return true;
}

bool format_import_files(const std::vector<std::string>& paths, std::string* value,
                         std::string* err) {
  if (paths.empty()) {
    *err = std::string(kImportFilesVariable) + " names no file";
    return false;
  }
  std::string text;
  for (const std::string& path : paths) {
    if (!check_import_file(path, err)) return false;
    text += (text.empty() ? "" : ":") + path;
  }
  *value = std::move(text);
  return true;
}

bool parse_import_files(std::string_view value, std::vector<std::string>* paths,
                        std::string* err) {
  if (value.empty()) {
    *err = std::string(kImportFilesVariable) + " names no file";
    return false;
  }
  std::vector<std::string> parsed;
  for (std::string& path : split(value, ':')) {
    if (!check_import_file(path, err)) return false;
    parsed.push_back(std::move(path));
  }
  *paths = std::move(parsed);
  return true;
}

}  // namespace sdme
