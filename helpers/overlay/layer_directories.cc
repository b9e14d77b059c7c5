// Creating directories inside an overlay layer without following symlinks.
#include "helpers/overlay/layer_directories.h"

#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/path_text.h"
#include "common/strings.h"

namespace sdme::overlay {
namespace {

// What a directory created at `container_path` should look like, from the
// lower layer's directory of the same name.
bool model_attributes(const std::string& model_root, const std::string& container_path,
                      std::string_view requested_path, DirectoryAttributes* attributes,
                      std::string* err) {
  std::string model_path = path_under(model_root, container_path);
  struct stat status;
  if (::lstat(model_path.c_str(), &status) != 0) {
    if (errno == ENOENT) return true;
    *err = "cannot access " + model_path + ": " + std::strerror(errno);
    return false;
  }
  // A directory in the upper layer would replace the lower layer's symlink
  // (think /lib -> usr/lib) instead of following it.
  if (S_ISLNK(status.st_mode)) {
    *err = "cannot create " + std::string(requested_path) +
           " in the upper layer: " + container_path +
           " is a symlink in the lower layer; name the directory it points to";
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
                            std::vector<std::string>* created, std::string* err) {
  *state = LayerDirectoryState::kReady;
  std::string layer_path = layer_root;
  std::string container_path;
  for (const std::string& component : split(path, '/')) {
    if (component.empty()) continue;
    container_path += "/" + component;
    layer_path += "/" + component;
    struct stat status;
    if (::lstat(layer_path.c_str(), &status) == 0) {
      if (S_ISDIR(status.st_mode)) continue;
      if (is_whiteout(status)) {
        *state = LayerDirectoryState::kHiddenByWhiteout;
        return true;
      }
      if (S_ISLNK(status.st_mode)) {
        *err = "cannot create " + std::string(path) + " in the upper layer: " + layer_path +
               " is a symlink, and sdme does not follow symlinks made by a container; replace "
               "it with a directory inside the container";
        return false;
      }
      *err = "cannot create " + std::string(path) + " in the upper layer: " + layer_path +
             " is not a directory; remove it inside the container";
      return false;
    }
    if (errno != ENOENT) {
      *err = "cannot access " + layer_path + ": " + std::strerror(errno);
      return false;
    }
    DirectoryAttributes attributes;
    if (!model_root.empty() &&
        !model_attributes(model_root, container_path, path, &attributes, err))
      return false;
    if (!create_directory(layer_path, attributes, err)) return false;
    created->push_back(layer_path);
  }
  return true;
}

}  // namespace sdme::overlay
