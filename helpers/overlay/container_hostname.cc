// The container's /etc/hostname.
#include "helpers/overlay/container_hostname.h"

#include "common/name.h"

namespace sdme::overlay {
namespace {

constexpr std::string_view kHostnameDirectory = "/etc";
constexpr std::string_view kHostnameFile = "hostname";

}  // namespace

bool check_container_hostname(std::string_view hostname, std::string* err) {
  if (validate_hostname(hostname, err)) return true;
  *err = "--hostname: " + *err;
  return false;
}

bool write_container_hostname(const DirectoryHandle& root, std::string_view hostname,
                              Rollback* rollback, std::string* err) {
  const std::string what = "cannot write /etc/hostname: ";
  DirectoryHandle etc;
  if (!open_or_create_directory_beneath(root, kHostnameDirectory, rollback, &etc, err)) {
    *err = what + *err;
    return false;
  }
  Entry entry;
  if (!inspect_entry(etc, kHostnameFile, &entry, err)) return false;
  if (entry.kind == EntryKind::kDirectory || entry.kind == EntryKind::kOther) {
    *err = what + etc.path + "/hostname is not a file; remove it inside the container";
    return false;
  }
  std::string content = std::string(hostname) + "\n";
  if (entry.kind == EntryKind::kRegularFile) {
    bool same = false;
    if (!file_has_content(etc, kHostnameFile, content, &same, err)) return false;
    if (same) return true;
  }
  return replace_file(etc, kHostnameFile, content, 0644, err);
}

}  // namespace sdme::overlay
