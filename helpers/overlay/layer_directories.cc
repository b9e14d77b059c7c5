// Creating directories inside an overlay layer without following symlinks.
#include "helpers/overlay/layer_directories.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/files_beneath.h"
#include "common/open_beneath.h"
#include "common/path_text.h"
#include "common/strings.h"

namespace sdme::overlay {
namespace {

// What a directory created at RELATIVE should look like, from the lower
// layer's directory of the same name (`model_fd`). Nothing in the lower
// layer is followed: below one of its links or files, the upper layer's
// directory would not merge with anything, so there is no model.
bool model_attributes(int model_fd, const std::string& model_root, std::string_view relative,
                      std::string_view requested_path, DirectoryAttributes* attributes,
                      std::string* err) {
  std::string container_path = "/" + std::string(relative);
  FileDescriptor model;
  BeneathFailure failure;
  if (!open_beneath(model_fd, relative, O_PATH, &model, &failure)) {
    // A directory in the upper layer would replace the lower layer's symlink
    // (think /lib -> usr/lib) instead of following it.
    if (failure.error == ELOOP && failure.component == relative) {
      *err = "cannot create " + std::string(requested_path) +
             " in the upper layer: " + container_path +
             " is a symlink in the lower layer; name the directory it points to";
      return false;
    }
    if (failure.error == ENOENT || failure.error == ENOTDIR || failure.error == ELOOP) return true;
    *err = "cannot access " + path_under(model_root, container_path) + ": " +
           std::strerror(failure.error);
    return false;
  }
  struct stat status;
  if (::fstat(model.get(), &status) != 0) {
    *err = "cannot access " + path_under(model_root, container_path) + ": " + std::strerror(errno);
    return false;
  }
  if (!S_ISDIR(status.st_mode)) {
    *err = "cannot create " + std::string(requested_path) +
           " in the upper layer: " + container_path + " is not a directory in the lower layer";
    return false;
  }
  attributes->mode = status.st_mode & 07777;
  attributes->owner = status.st_uid;
  attributes->group = status.st_gid;
  return true;
}

// PATH, absolute as the container sees it, relative to a layer's root.
std::string relative_of(std::string_view path) {
  std::string relative;
  for (const std::string& component : split(path, '/')) {
    if (component.empty()) continue;
    if (!relative.empty()) relative += '/';
    relative += component;
  }
  return relative;
}

// Whether COMPONENT beneath `layer_fd`, which is in the way of a directory,
// is an overlayfs whiteout.
bool is_whiteout_at(int layer_fd, const std::string& component) {
  size_t slash = component.rfind('/');
  FileDescriptor parent;
  BeneathFailure failure;
  if (!open_beneath(layer_fd, slash == std::string::npos ? "" : component.substr(0, slash),
                    O_PATH | O_DIRECTORY, &parent, &failure))
    return false;
  std::string name = slash == std::string::npos ? component : component.substr(slash + 1);
  struct stat status;
  return ::fstatat(parent.get(), name.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0 &&
         is_whiteout(status);
}

}  // namespace

bool create_directory(const std::string& path, const DirectoryAttributes& attributes,
                      std::string* err) {
  if (::mkdir(path.c_str(), 0700) != 0) {
    *err = "cannot create directory " + path + ": " + std::strerror(errno);
    return false;
  }
  // chmod after chown: chown clears the set-user-ID and set-group-ID bits.
  if (::lchown(path.c_str(), attributes.owner, attributes.group) != 0 ||
      ::chmod(path.c_str(), attributes.mode) != 0) {
    int saved_errno = errno;
    ::rmdir(path.c_str());
    *err = "cannot set the owner and mode of " + path + ": " + std::strerror(saved_errno);
    return false;
  }
  return true;
}

bool is_whiteout(const struct stat& status) {
  return S_ISCHR(status.st_mode) && status.st_rdev == makedev(0, 0);
}

bool make_layer_directories(const std::string& layer_root, std::string_view path,
                            const std::string& model_root, LayerDirectoryState* state,
                            std::vector<std::string>* created, FileDescriptor* directory,
                            std::string* err) {
  *state = LayerDirectoryState::kReady;
  // The roots are the administrator's paths (the state directory, Rootfs=).
  FileDescriptor layer(::open(layer_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!layer.valid()) {
    *err = "cannot access " + layer_root + ": " + std::strerror(errno);
    return false;
  }
  FileDescriptor model;
  if (!model_root.empty()) {
    model.reset(::open(model_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!model.valid()) {
      *err = "cannot access " + model_root + ": " + std::strerror(errno);
      return false;
    }
  }
  // A directory the lower layer lacks belongs to the owner of its root: root,
  // or the first UID of a user-namespaced container's range (uid_shift.h).
  DirectoryAttributes missing_from_model;
  struct stat model_root_status;
  if (model.valid() && ::fstat(model.get(), &model_root_status) == 0 &&
      is_shifted_root_owner(model_root_status.st_uid, model_root_status.st_gid)) {
    missing_from_model.owner = model_root_status.st_uid;
    missing_from_model.group = model_root_status.st_gid;
  }
  // Created closed (0700), then given the model's owner and mode through
  // its descriptor; chmod after chown, which clears set-user-ID bits.
  DirectoryAttributes attributes;
  DirectoryCreation creation;
  creation.mode = 0700;
  creation.before = [&](std::string_view relative, std::string* hook_err) {
    attributes = missing_from_model;
    return !model.valid() ||
           model_attributes(model.get(), model_root, relative, path, &attributes, hook_err);
  };
  creation.after = [&](int parent_fd, const std::string& name, int fd, std::string_view relative,
                       std::string* hook_err) {
    std::string layer_path = layer_root + "/" + std::string(relative);
    if (::fchown(fd, attributes.owner, attributes.group) != 0 ||
        ::fchmod(fd, attributes.mode) != 0) {
      int saved_errno = errno;
      ::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR);
      *hook_err =
          "cannot set the owner and mode of " + layer_path + ": " + std::strerror(saved_errno);
      return false;
    }
    created->push_back(std::move(layer_path));
    return true;
  };
  FileDescriptor opened;
  BeneathFailure failure;
  if (make_directories_beneath(layer.get(), relative_of(path), creation, &opened, &failure)) {
    if (directory != nullptr) *directory = std::move(opened);
    return true;
  }
  std::string layer_path = layer_root + "/" + failure.component;
  std::string cannot = "cannot create " + std::string(path) + " in the upper layer: ";
  if (failure.step == BeneathStep::kRefused) {
    *err = failure.message;
  } else if (failure.step == BeneathStep::kCreate) {
    *err = "cannot create directory " + layer_path + ": " + std::strerror(failure.error);
  } else if (failure.error == ELOOP) {
    *err = cannot + layer_path +
           " is a symlink, and sdme does not follow symlinks made by a container; replace it "
           "with a directory inside the container";
  } else if (failure.error == ENOTDIR) {
    // The container deleted the directory or one above it.
    if (is_whiteout_at(layer.get(), failure.component)) {
      *state = LayerDirectoryState::kHiddenByWhiteout;
      return true;
    }
    *err = cannot + layer_path + " is not a directory; remove it inside the container";
  } else {
    *err = "cannot access " + layer_path + ": " + std::strerror(failure.error);
  }
  return false;
}

}  // namespace sdme::overlay
