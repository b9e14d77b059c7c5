// What sdme-import is asked to import, and how sdme-import@NAME.service
// learns it. The source may carry credentials in a URL, so it is never
// written into a unit (units are world-readable) nor onto a command line:
// the generator's drop-in for sdme-import@NAME.service names the .sdme
// files that use rootfs NAME, in SDME_IMPORT_FILES, and sdme-import reads
// Import= from them again (generator/rootfs_imports.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
  // The rootfs is an application image (AppImage=): the image's config,
  // which says what to run, must come with it.
  bool app = false;
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

// The variable the generated drop-in sets for sdme-import@NAME.service:
// the absolute paths of the .sdme files that use rootfs NAME, separated by
// ':', in the order the generator read them.
inline constexpr const char* kImportFilesVariable = "SDME_IMPORT_FILES";

// The value for kImportFilesVariable. Fails for an empty list, a relative
// path, or a path with ':' or a control character (which the list, one
// Environment= line, could not carry).
bool format_import_files(const std::vector<std::string>& paths, std::string* value,
                         std::string* err);

// Reads what format_import_files wrote; fails on the same things.
bool parse_import_files(std::string_view value, std::vector<std::string>* paths,
                        std::string* err);

}  // namespace sdme
