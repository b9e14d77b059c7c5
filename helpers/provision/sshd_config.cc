// sshd's drop-in for SSH=.
#include "helpers/provision/sshd_config.h"

#include <algorithm>

#include "common/strings.h"
#include "helpers/provision/markers.h"
#include "helpers/provision/tree_files.h"

namespace sdme::provision {
namespace {

// sshd reads /etc/ssh/sshd_config; openSUSE's reads its vendor file in
// /usr/etc when the administrator has none.
constexpr std::string_view kSshdConfigDirectories[] = {"/etc/ssh", "/usr/etc/ssh"};
constexpr std::string_view kSshdConfigName = "sshd_config";
// An Include argument that reads the drop-in directory: absolute, or
// relative to /etc/ssh as sshd takes it.
constexpr std::string_view kDropInPatterns[] = {"/etc/ssh/sshd_config.d/", "sshd_config.d/"};
constexpr std::string_view kDropInDirectory = "/etc/ssh/sshd_config.d";
constexpr std::string_view kDropInName = "00-sdme.conf";
constexpr std::string_view kHostKeyTypes[] = {"rsa", "ecdsa", "ed25519"};
constexpr FileAttributes kDropInAttributes = {0644, 0, 0};

}  // namespace

std::string sshd_drop_in(uint16_t port, bool password_login) {
  std::string text(kSshMarker);
  text +=
      "\n# sshd uses the first value it reads for a keyword; 00- sorts this file first.\n"
      "Port " +
      std::to_string(port) + "\n";
  text += password_login ? "PermitRootLogin yes\nPasswordAuthentication yes\n"
                         : "PermitRootLogin prohibit-password\nPasswordAuthentication no\n";
  text += "KbdInteractiveAuthentication no\n";
  for (std::string_view type : kHostKeyTypes)
    text += "HostKey /etc/ssh/ssh_host_" + std::string(type) + "_key\n";
  return text;
}

bool sshd_config_includes_drop_ins(std::string_view sshd_config) {
  for (const std::string& raw : split(sshd_config, '\n')) {
    std::string_view line = strip(raw);
    if (line.empty() || line.front() == '#') continue;
    size_t end = line.find_first_of(" \t=");
    if (end == std::string_view::npos || !equals_ignore_case(line.substr(0, end), "Include"))
      continue;
    std::string arguments(line.substr(end + 1));
    std::replace(arguments.begin(), arguments.end(), '\t', ' ');
    for (const std::string& argument : split(arguments, ' ')) {
      std::string_view pattern = strip(argument);
      for (std::string_view drop_ins : kDropInPatterns)
        if (pattern.starts_with(drop_ins)) return true;
    }
  }
  return false;
}

// The sshd_config sshd reads; *found false when there is none.
bool read_sshd_config(const DirectoryHandle& root, bool* found, std::string* config,
                      std::string* err) {
  *found = false;
  for (std::string_view directory_path : kSshdConfigDirectories) {
    DirectoryHandle directory;
    if (!open_existing_directory_beneath(root, directory_path, &directory, err)) return false;
    FileAttributes attributes;
    if (directory.descriptor.valid() &&
        !read_tree_file(directory, kSshdConfigName, found, config, &attributes, err))
      return false;
    if (*found) return true;
  }
  return true;
}

bool write_sshd_drop_in(const DirectoryHandle& root, uint16_t port, bool password_login,
                        std::string* err) {
  std::string missing_include =
      "SSH=yes, but the container's /etc/ssh/sshd_config does not read "
      "/etc/ssh/sshd_config.d (OpenSSH before 8.2, or an edited file); add the line "
      "'Include /etc/ssh/sshd_config.d/*.conf' at its top";
  bool found = false;
  std::string config;
  if (!read_sshd_config(root, &found, &config, err)) return false;
  if (!found) {
    *err =
        "SSH=yes, but the container has no /etc/ssh/sshd_config; install openssh-server in its "
        "root file system";
    return false;
  }
  if (!sshd_config_includes_drop_ins(config)) {
    *err = missing_include;
    return false;
  }
  DirectoryHandle drop_ins;
  return open_or_create_directory_beneath(root, kDropInDirectory, 0755, nullptr, &drop_ins, err) &&
         write_tree_file(drop_ins, kDropInName, sshd_drop_in(port, password_login),
                         kDropInAttributes, err);
}

}  // namespace sdme::provision
