// A container's own SSH host keys.
#include "helpers/provision/ssh_host_keys.h"

#include "helpers/provision/markers.h"
#include "helpers/provision/tree_files.h"

namespace sdme::provision {
namespace {

constexpr std::string_view kSshDirectory = "/etc/ssh";
constexpr std::string_view kUnitDirectory = "/etc/systemd/system";
// DSA too, though sshd is not told to use it: in a host clone it would
// still be the host's private key, readable in the container.
constexpr std::string_view kHostKeyNames[] = {"ssh_host_rsa_key",     "ssh_host_rsa_key.pub",
                                              "ssh_host_ecdsa_key",   "ssh_host_ecdsa_key.pub",
                                              "ssh_host_ed25519_key", "ssh_host_ed25519_key.pub",
                                              "ssh_host_dsa_key",     "ssh_host_dsa_key.pub"};
constexpr FileAttributes kUnitAttributes = {0644, 0, 0};

std::string drop_in_directory(std::string_view unit_name) {
  return std::string(kUnitDirectory) + "/" + std::string(unit_name) + ".d";
}

bool hide_lower_host_keys(const ContainerTree& tree, std::string* err) {
  DirectoryHandle ssh;
  if (!open_existing_directory_beneath(tree.root, kSshDirectory, &ssh, err)) return false;
  if (!ssh.descriptor.valid()) return true;
  for (std::string_view name : kHostKeyNames) {
    bool lower = false;
    if (!host_key_comes_from_lower_layer(tree, name, &lower, err)) return false;
    if (lower && !remove_entry(ssh, name, err)) return false;
  }
  return true;
}

}  // namespace

std::string host_key_unit(std::string_view sshd_unit_name) {
  std::string text(kSshMarker);
  text +=
      "\n# Makes this container's own SSH host keys at its first boot, with its own\n"
      "# ssh-keygen; sdme removed those its root file system came with.\n"
      "[Unit]\n"
      "Description=SSH host keys of this container\n"
      "Before=";
  text += sshd_unit_name;
  text +=
      "\n"
      "\n"
      "[Service]\n"
      "Type=oneshot\n"
      "RemainAfterExit=yes\n"
      "ExecStart=/usr/bin/ssh-keygen -A\n";
  return text;
}

std::string sshd_unit_drop_in() {
  std::string text(kSshMarker);
  text += "\n[Unit]\nWants=";
  text += kHostKeyUnitName;
  text += "\nAfter=";
  text += kHostKeyUnitName;
  text += "\n";
  return text;
}

bool host_key_comes_from_lower_layer(const ContainerTree& tree, std::string_view name, bool* lower,
                                     std::string* err) {
  *lower = false;
  std::string path = std::string(kSshDirectory) + "/" + std::string(name);
  DirectoryHandle ssh;
  if (!open_existing_directory_beneath(tree.root, kSshDirectory, &ssh, err)) return false;
  if (!ssh.descriptor.valid()) return true;
  Entry entry;
  if (!inspect_entry(ssh, name, &entry, err)) return false;
  if (entry.kind == EntryKind::kMissing) return true;
  Entry upper_entry;
  if (!inspect_upper_entry(tree, path, &upper_entry, err)) return false;
  *lower = upper_entry.kind == EntryKind::kMissing;
  return true;
}

bool set_up_host_keys(const ContainerTree& tree, const SshdUnit& unit, std::string* err) {
  DirectoryHandle units;
  DirectoryHandle drop_ins;
  return hide_lower_host_keys(tree, err) &&
         open_or_create_directory_beneath(tree.root, kUnitDirectory, 0755, nullptr, &units, err) &&
         write_tree_file(units, kHostKeyUnitName, host_key_unit(unit.name), kUnitAttributes, err) &&
         open_or_create_directory_beneath(tree.root, drop_in_directory(unit.name), 0755, nullptr,
                                          &drop_ins, err) &&
         write_tree_file(drop_ins, kSshdUnitDropInName, sshd_unit_drop_in(), kUnitAttributes, err);
}

bool remove_host_key_units(const ContainerTree& tree, std::string* err) {
  if (!remove_tree_file_if_ours(tree, kHostKeyUnitPath, kSshMarker, err)) return false;
  for (std::string_view name : kSshdUnitNames) {
    std::string drop_in = drop_in_directory(name) + "/" + std::string(kSshdUnitDropInName);
    if (!remove_tree_file_if_ours(tree, drop_in, kSshMarker, err)) return false;
  }
  return true;
}

}  // namespace sdme::provision
