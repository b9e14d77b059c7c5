// Creating files, links and directories beneath a directory descriptor,
// replacing nothing and following no symbolic link.
#include "common/output_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "common/atomic_file.h"
#include "common/strings.h"

namespace sdme {
namespace {

std::vector<std::string_view> components_of(std::string_view relative) {
  std::vector<std::string_view> components;
  while (!relative.empty()) {
    size_t slash = relative.find('/');
    components.push_back(relative.substr(0, slash));
    relative.remove_prefix(slash == std::string_view::npos ? relative.size() : slash + 1);
  }
  return components;
}

// RENAME_NOREPLACE where the file system has it; linkat, which never
// replaces either, where it does not. Fails with errno EEXIST if `to` exists.
bool rename_without_replacing(int directory, const char* from, const char* to) {
  if (::renameat2(directory, from, directory, to, RENAME_NOREPLACE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS) return false;
  if (::linkat(directory, from, directory, to, 0) != 0) return false;
  ::unlinkat(directory, from, 0);
  return true;
}

}  // namespace

bool OutputDirectory::open(const std::string& path, std::string* err) {
  path_ = path;
  directory_.reset(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!directory_.valid()) {
    *err = path + ": cannot open the directory: " + std::strerror(errno);
    return false;
  }
  if (::faccessat(directory_.get(), ".", W_OK, AT_EACCESS) != 0) {
    *err = path + ": cannot write into the directory: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool OutputDirectory::open_parent(std::string_view relative, FileDescriptor* parent,
                                  std::string* leaf, std::string* err) {
  std::vector<std::string_view> components = components_of(relative);
  if (components.empty()) components.push_back({});
  for (std::string_view component : components) {
    if (component.empty() || component == "." || component == "..") {
      *err = path_ + "/" + printable(relative) + ": not a plain relative path";
      return false;
    }
  }
  *leaf = std::string(components.back());
  parent->reset(::openat(directory_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!parent->valid()) {
    *err = path_ + ": cannot open the directory: " + std::strerror(errno);
    return false;
  }
  std::string path = path_;
  for (size_t index = 0; index + 1 < components.size(); ++index) {
    std::string name(components[index]);
    path += "/" + name;
    if (::mkdirat(parent->get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
      *err = path + ": cannot create the directory: " + std::strerror(errno);
      return false;
    }
    FileDescriptor child(
        ::openat(parent->get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!child.valid()) {
      int error = errno;
      struct stat status;
      if ((error == ELOOP || error == ENOTDIR) &&
          ::fstatat(parent->get(), name.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0)
        *err = S_ISLNK(status.st_mode)
                   ? path + ": is a symbolic link, not a directory; not following it"
                   : path + ": exists and is not a directory";
      else
        *err = path + ": cannot open the directory: " + std::strerror(error);
      return false;
    }
    *parent = std::move(child);
  }
  return true;
}

CreateOutcome OutputDirectory::create_file(std::string_view relative, std::string_view content,
                                           mode_t mode, std::string* err) {
  FileDescriptor parent;
  std::string leaf;
  if (!open_parent(relative, &parent, &leaf, err)) return CreateOutcome::kFailed;
  const std::string path = path_ + "/" + std::string(relative);
  // A hidden temporary name: units are read only after every generator has
  // finished, but a name systemd could take for a unit must never appear.
  std::string temporary;
  FileDescriptor file;
  for (unsigned attempt = 0; attempt < 100 && !file.valid(); ++attempt) {
    temporary = "." + leaf + "." + std::to_string(::getpid()) + "-" + std::to_string(attempt);
    file.reset(::openat(parent.get(), temporary.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!file.valid() && errno != EEXIST) break;
  }
  if (!file.valid()) {
    *err = path + ": cannot create a temporary file next to it: " + std::strerror(errno);
    return CreateOutcome::kFailed;
  }
  bool written = ::fchmod(file.get(), mode) == 0 && write_all(file.get(), content);
  int saved_errno = errno;
  if (::close(file.release()) != 0 && written) {
    written = false;
    saved_errno = errno;
  }
  if (written && rename_without_replacing(parent.get(), temporary.c_str(), leaf.c_str()))
    return CreateOutcome::kCreated;
  if (written) saved_errno = errno;
  ::unlinkat(parent.get(), temporary.c_str(), 0);
  if (saved_errno == EEXIST) return CreateOutcome::kExists;
  *err = path + ": cannot write: " + std::strerror(saved_errno);
  return CreateOutcome::kFailed;
}

CreateOutcome OutputDirectory::create_symlink(std::string_view relative, const std::string& target,
                                              std::string* err) {
  FileDescriptor parent;
  std::string leaf;
  if (!open_parent(relative, &parent, &leaf, err)) return CreateOutcome::kFailed;
  if (::symlinkat(target.c_str(), parent.get(), leaf.c_str()) == 0) return CreateOutcome::kCreated;
  if (errno == EEXIST) return CreateOutcome::kExists;
  *err = path_ + "/" + std::string(relative) + ": cannot create the symbolic link: " +
         std::strerror(errno);
  return CreateOutcome::kFailed;
}

}  // namespace sdme
