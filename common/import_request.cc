// The import request file: written by sdme-generator, read by sdme-import.
#include "common/import_request.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "common/name.h"
#include "common/strings.h"

namespace sdme {
namespace {

constexpr std::string_view kHeader =
    "# Written by sdme-generator for sdme-import@.service; replaced at every daemon-reload.\n"
    "# Edit Import= and its keys in the .sdme file instead, see sdme.sdme(5).\n";

constexpr std::string_view kSha256Prefix = "sha256:";
constexpr size_t kSha256HexDigits = 64;

void append_line(std::string_view key, std::string_view value, std::string* text) {
  *text += key;
  *text += '=';
  *text += printable(value);
  *text += '\n';
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

std::string format_import_request(const ImportRequest& request) {
  std::string text(kHeader);
  append_line("Rootfs", request.rootfs, &text);
  append_line("Source", request.source, &text);
  append_line("Checksum", request.checksum, &text);
  append_line("InstallPackages", install_packages_name(request.install_packages), &text);
  append_line("Boot", request.boot ? "yes" : "no", &text);
  append_line("MaxSize", std::to_string(request.max_size), &text);
  append_line("Origin", request.origin, &text);
  return text;
}

bool parse_import_request(std::string_view text, const std::string& path, ImportRequest* request,
                          std::string* err) {
  ImportRequest parsed;
  std::set<std::string> seen;
  size_t line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    const std::string where = path + ":" + std::to_string(line_number) + ": ";
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      *err = where + "'" + printable(line) + "' is not a Key=value line";
      return false;
    }
    std::string key(line.substr(0, equals));
    std::string_view value = line.substr(equals + 1);
    if (!seen.insert(key).second) {
      *err = where + key + "= is set twice";
      return false;
    }
    auto bad_value = [&](std::string_view expected) {
      *err =
          where + key + "=" + printable(value) + " is not valid, expected " + std::string(expected);
      return false;
    };
    if (key == "Rootfs") {
      std::string message;
      if (!validate_rootfs_name(value, &message)) {
        *err = where + "Rootfs=: " + message;
        return false;
      }
      parsed.rootfs = std::string(value);
    } else if (key == "Source") {
      if (value.empty()) return bad_value("a path, URL or registry reference");
      parsed.source = std::string(value);
    } else if (key == "Checksum") {
      if (!value.empty() && !normalize_sha256_checksum(value, &parsed.checksum))
        return bad_value("sha256: and 64 hexadecimal digits, or nothing");
    } else if (key == "InstallPackages") {
      if (value != "auto" && value != "yes" && value != "no") return bad_value("auto, yes or no");
      parse_install_packages(value, &parsed.install_packages);
    } else if (key == "Boot") {
      if (value != "yes" && value != "no") return bad_value("yes or no");
      parsed.boot = value == "yes";
    } else if (key == "MaxSize") {
      auto [rest, error] =
          std::from_chars(value.data(), value.data() + value.size(), parsed.max_size);
      if (value.empty() || error != std::errc() || rest != value.data() + value.size())
        return bad_value("a number of bytes");
    } else if (key == "Origin") {
      parsed.origin = std::string(value);
    } else {
      *err = where + "unknown key '" + printable(key) + "'";
      return false;
    }
  }
  for (const char* key : {"Rootfs", "Source"}) {
    if (seen.count(key) == 0) {
      *err = path + ": " + key + "= is missing";
      return false;
    }
  }
  *request = std::move(parsed);
  return true;
}

}  // namespace sdme
