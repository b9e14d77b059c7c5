// The request the generator leaves for sdme-import, one file per imported
// rootfs (RUNTIME/import/NAME.import, see common/paths.h). The source may
// carry credentials in a URL, so it travels in a root-only file rather than
// on a command line or in `systemctl show`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sdme {

// ImportInstallPackages=: whether sdme-import may install systemd into a
// rootfs that lacks it (auto: only if some container boots it).
enum class InstallPackages { kAuto, kYes, kNo };

struct ImportRequest {
  std::string rootfs;    // the rootfs name, a directory under STATE/rootfs
  std::string source;    // an absolute path, an http(s) URL or a registry reference
  std::string checksum;  // "sha256:" and 64 lower-case hex digits, or empty
  InstallPackages install_packages = InstallPackages::kAuto;
  bool boot = false;      // some container using the rootfs boots it
  uint64_t max_size = 0;  // bytes; 0: sdme-import's default
  std::string origin;     // "/etc/sdme/web.sdme:4", where Import= was set, for messages
};

// "auto", "yes" or "no".
std::string_view install_packages_name(InstallPackages value);

// "auto" or a systemd boolean spelling (yes/no/true/false/1/0/on/off...).
bool parse_install_packages(std::string_view text, InstallPackages* value);

// "sha256:HEX" with 64 hex digits in either case (and the prefix in either
// case) becomes "sha256:" and lower-case hex. Returns false otherwise.
bool normalize_sha256_checksum(std::string_view text, std::string* normalized);

// "Key=value" lines in a fixed order after a header comment, so the same
// request always gives the same bytes. Control characters in values are
// written as \xNN (the generator refuses them in the source), so every value
// stays on its line.
std::string format_import_request(const ImportRequest& request);

// Reads what format_import_request wrote. Blank lines and '#' comments are
// skipped; unknown keys, repeated keys and bad values fail with
// "PATH:LINE: ...", a missing Rootfs= or Source= with "PATH: ...".
bool parse_import_request(std::string_view text, const std::string& path, ImportRequest* request,
                          std::string* err);

}  // namespace sdme
