// Creating files, links and directories beneath a directory descriptor,
// replacing nothing and following no symbolic link, with common/
// open_beneath.h and common/atomic_file.h; this file words their errors.
#include "common/output_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "common/atomic_file.h"
#include "common/open_beneath.h"
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

}  // namespace

// O_TMPFILE makes a file without a name, and linkat() gives it one once it
// is written whole, failing if the name exists: on tmpfs that is one
// directory entry made instead of a temporary one made and renamed, and
// the file is created with its mode (no fchmod) where the umask leaves it
// whole: about 5% of a whole generator run over 10,000 files
// (bench/README.md).
bool OutputDirectory::create_unnamed_then_link(int parent, const std::string& leaf,
                                               const std::string& path, std::string_view content,
                                               mode_t mode, CreateOutcome* outcome,
                                               std::string* err) {
  const bool needs_chmod = (mode & ~umask_) != mode;
  FileDescriptor file(
      ::openat(parent, ".", O_WRONLY | O_TMPFILE | O_CLOEXEC, needs_chmod ? 0600 : mode));
  *outcome = CreateOutcome::kFailed;
  if (!file.valid()) {
    if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) return false;
    *err = path + ": cannot create a temporary file next to it: " + std::strerror(errno);
    return true;
  }
  if ((needs_chmod && ::fchmod(file.get(), mode) != 0) || !write_all(file.get(), content)) {
    *err = path + ": cannot write: " + std::strerror(errno);
    return true;
  }
  // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the /proc link does not.
  if (::linkat(file.get(), "", parent, leaf.c_str(), AT_EMPTY_PATH) != 0) {
    if (errno == EEXIST) {
      *outcome = CreateOutcome::kExists;
      return true;
    }
    const std::string proc_path = "/proc/self/fd/" + std::to_string(file.get());
    if (::linkat(AT_FDCWD, proc_path.c_str(), parent, leaf.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      if (errno != EEXIST) return false;
      *outcome = CreateOutcome::kExists;
      return true;
    }
  }
  *outcome = CreateOutcome::kCreated;
  return true;
}

bool OutputDirectory::open(const std::string& path, std::string* err) {
  path_ = path;
  parent_.reset();
  parent_relative_.clear();
  directory_.reset(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!directory_.valid()) {
    *err = path + ": cannot open the directory: " + std::strerror(errno);
    return false;
  }
  if (::faccessat(directory_.get(), ".", W_OK, AT_EACCESS) != 0) {
    *err = path + ": cannot write into the directory: " + std::strerror(errno);
    return false;
  }
  umask_ = ::umask(0);
  ::umask(umask_);
  return true;
}

bool OutputDirectory::open_parent(std::string_view relative, int* parent, std::string* leaf,
                                  std::string* err) {
  std::vector<std::string_view> components = components_of(relative);
  if (components.empty()) components.push_back({});
  for (std::string_view component : components) {
    if (component.empty() || component == "." || component == "..") {
      *err = path_ + "/" + printable(relative) + ": not a plain relative path";
      return false;
    }
  }
  *leaf = std::string(components.back());
  std::string_view directory = relative.substr(0, relative.size() - leaf->size());
  if (directory.empty()) {
    *parent = directory_.get();
    return true;
  }
  directory.remove_suffix(1);
  // Links come sorted, so most share the directory of the one before:
  // that one stays open, and is neither created nor looked up again.
  if (parent_.valid() && directory == parent_relative_) {
    *parent = parent_.get();
    return true;
  }
  parent_.reset();
  DirectoryCreation creation;
  creation.mode = 0755;
  BeneathFailure failure;
  if (make_directories_beneath(directory_.get(), directory, creation, &parent_, &failure)) {
    parent_relative_ = std::string(directory);
    *parent = parent_.get();
    return true;
  }
  std::string path = failure.component.empty() ? path_ : path_ + "/" + failure.component;
  if (failure.step == BeneathStep::kCreate)
    *err = path + ": cannot create the directory: " + std::strerror(failure.error);
  else if (failure.error == ELOOP)
    *err = path + ": is a symbolic link, not a directory; not following it";
  else if (failure.error == ENOTDIR)
    *err = path + ": exists and is not a directory";
  else
    *err = path + ": cannot open the directory: " + std::strerror(failure.error);
  return false;
}

CreateOutcome OutputDirectory::create_file(std::string_view relative, std::string_view content,
                                           mode_t mode, std::string* err) {
  int parent;
  std::string leaf;
  if (!open_parent(relative, &parent, &leaf, err)) return CreateOutcome::kFailed;
  if (unnamed_files_) {
    CreateOutcome outcome;
    if (create_unnamed_then_link(parent, leaf, path_ + "/" + std::string(relative), content, mode,
                                 &outcome, err))
      return outcome;
    unnamed_files_ = false;  // not on this file system: temporary names from now on
  }
  // No fsync: this is for tmpfs. The temporary name is hidden: units are
  // read only after every generator has finished, but a name systemd could
  // take for a unit must never appear.
  WriteFailure failure;
  switch (write_file_at(parent, leaf, content, {mode, false, false}, &failure)) {
    case WriteOutcome::kWritten:
      return CreateOutcome::kCreated;
    case WriteOutcome::kExists:
      return CreateOutcome::kExists;
    case WriteOutcome::kFailed:
      break;
  }
  const std::string path = path_ + "/" + std::string(relative);
  *err = failure.step == WriteStep::kTemporary
             ? path + ": cannot create a temporary file next to it: " + std::strerror(failure.error)
             : path + ": cannot write: " + std::strerror(failure.error);
  return CreateOutcome::kFailed;
}

CreateOutcome OutputDirectory::create_symlink(std::string_view relative, const std::string& target,
                                              std::string* err) {
  int parent;
  std::string leaf;
  if (!open_parent(relative, &parent, &leaf, err)) return CreateOutcome::kFailed;
  WriteFailure failure;
  switch (symlink_at(parent, leaf, target, false, &failure)) {
    case WriteOutcome::kWritten:
      return CreateOutcome::kCreated;
    case WriteOutcome::kExists:
      return CreateOutcome::kExists;
    case WriteOutcome::kFailed:
      break;
  }
  *err = path_ + "/" + std::string(relative) + ": cannot create the symbolic link: " +
         std::strerror(failure.error);
  return CreateOutcome::kFailed;
}

}  // namespace sdme
