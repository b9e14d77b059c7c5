// sshd's systemd unit in a container's tree.
#include "helpers/provision/sshd_unit.h"

#include "helpers/provision/tree_files.h"

namespace sdme::provision {
namespace {

constexpr std::string_view kSshdBinaries[] = {"/usr/sbin/sshd", "/usr/bin/sshd"};
constexpr mode_t kDirectoryMode = 0755;

// Whether PATH names anything in the tree, reached without a symlink on
// the way (the last component may be one).
bool tree_has(const DirectoryHandle& root, std::string_view path, bool* has, std::string* err) {
  *has = false;
  std::string_view directory_path;
  std::string_view name;
  split_container_path(path, &directory_path, &name);
  DirectoryHandle directory;
  if (!open_existing_directory_beneath(root, directory_path, &directory, err)) return false;
  if (!directory.descriptor.valid()) return true;
  Entry entry;
  if (!inspect_entry(directory, name, &entry, err)) return false;
  *has = entry.kind != EntryKind::kMissing;
  return true;
}

}  // namespace

bool find_sshd_unit(const DirectoryHandle& root, SshdUnit* unit, std::string* err) {
  // The first name with a unit file: Debian's sshd.service is an alias
  // link, and find_vendor_unit() takes regular files only.
  UnitPresence presence = UnitPresence::kMissing;
  for (std::string_view name : kSshdUnitNames) {
    if (!find_vendor_unit(root, name, &presence, &unit->path, err)) return false;
    unit->name = std::string(name);
    if (presence != UnitPresence::kMissing) break;
  }
  bool found_binary = false;
  for (std::string_view binary : kSshdBinaries) {
    if (!tree_has(root, binary, &found_binary, err)) return false;
    if (found_binary) break;
  }
  if (presence == UnitPresence::kMissing || !found_binary) {
    *err =
        "SSH=yes, but the container's root file system has no sshd (no ssh.service or "
        "sshd.service in /usr/lib/systemd/system, or no /usr/sbin/sshd); install openssh-server "
        "in it";
    return false;
  }
  if (presence == UnitPresence::kMasked) {
    *err = "SSH=yes, but " + unit->name + " is masked in the container (" +
           std::string(kAdminUnitDirectory) + "/" + unit->name +
           " links to /dev/null); remove that link from the container, or set SSH=no";
    return false;
  }
  return true;
}

bool enable_sshd_unit(const DirectoryHandle& root, const SshdUnit& unit, std::string* err) {
  DirectoryHandle wants;
  if (!open_or_create_directory_beneath(root, kWantsDirectory, kDirectoryMode, nullptr, &wants,
                                        err))
    return false;
  Entry entry;
  if (!inspect_entry(wants, unit.name, &entry, err)) return false;
  if (entry.kind != EntryKind::kMissing) return true;
  return write_tree_symlink(wants, unit.name, unit.path, err);
}

bool disable_sshd_unit(const ContainerTree& tree, std::string* err) {
  for (std::string_view name : kSshdUnitNames) {
    std::string link = std::string(kWantsDirectory) + "/" + std::string(name);
    for (std::string_view directory : kVendorUnitDirectories) {
      std::string target = std::string(directory) + "/" + std::string(name);
      if (!remove_tree_symlink_if_ours(tree, link, target, err)) return false;
    }
  }
  return true;
}

}  // namespace sdme::provision
