// root's authorized_keys from SSHAuthorizedKeys=.
#include "helpers/provision/authorized_keys.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "common/atomic_file.h"
#include "helpers/provision/markers.h"
#include "helpers/provision/tree_files.h"

namespace sdme::provision {
namespace {

constexpr std::string_view kSshDirectory = "/root/.ssh";
constexpr std::string_view kAuthorizedKeysPath = "/root/.ssh/authorized_keys";
constexpr std::string_view kAuthorizedKeysName = "authorized_keys";
constexpr mode_t kPrivateDirectoryMode = 0700;
// sshd's StrictModes refuses keys others could change.
constexpr FileAttributes kAuthorizedKeysAttributes = {0600, 0, 0};
constexpr size_t kMaxKeysFileSize = 1 << 20;

// sshd ignores a key in a directory others can write to, and /root/.ssh
// of a tree made by hand may be anything: it gets the container's root's
// (tree_files.h) and 0700.
bool make_private(const DirectoryHandle& directory, std::string* err) {
  struct stat status;
  if (::fstat(directory.descriptor.get(), &status) != 0) {
    *err = "cannot access " + directory.path + ": " + std::strerror(errno);
    return false;
  }
  if ((status.st_uid != directory.owner || status.st_gid != directory.group) &&
      ::fchown(directory.descriptor.get(), directory.owner, directory.group) != 0) {
    *err = "cannot change the owner of " + directory.path + ": " + std::strerror(errno);
    return false;
  }
  if ((status.st_mode & 07777) != kPrivateDirectoryMode &&
      ::fchmod(directory.descriptor.get(), kPrivateDirectoryMode) != 0) {
    *err = "cannot change the mode of " + directory.path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

bool read_authorized_keys(const std::vector<std::string>& values, std::string* content,
                          std::string* err) {
  content->clear();
  if (values.empty()) return true;
  std::string text(kAuthorizedKeysMarker);
  text += '\n';
  for (const std::string& value : values) {
    if (value.starts_with("/")) {
      std::string keys;
      if (!read_file(value, kMaxKeysFileSize, &keys, err)) {
        *err = "cannot read the SSH authorized keys file: " + *err;
        return false;
      }
      text += keys;
      if (!keys.empty() && keys.back() != '\n') text += '\n';
    } else {
      if (value.find_first_of("\r\n") != std::string::npos) {
        *err = "an SSH authorized key must be one line, not several";
        return false;
      }
      text += value;
      text += '\n';
    }
  }
  *content = std::move(text);
  return true;
}

bool set_up_authorized_keys(const ContainerTree& tree, std::string_view content, std::string* err) {
  if (content.empty())
    return remove_tree_file_if_ours(tree, kAuthorizedKeysPath, kAuthorizedKeysMarker, err);
  DirectoryHandle directory;
  if (!open_or_create_directory_beneath(tree.root, kSshDirectory, kPrivateDirectoryMode, nullptr,
                                        &directory, err) ||
      !make_private(directory, err))
    return false;
  return write_tree_file(directory, kAuthorizedKeysName, content, kAuthorizedKeysAttributes, err);
}

}  // namespace sdme::provision
