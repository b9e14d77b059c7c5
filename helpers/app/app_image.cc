// Reading an application's image config and user database from disk.
#include "helpers/app/app_image.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "common/atomic_file.h"
#include "common/file_descriptor.h"
#include "common/files_beneath.h"
#include "common/paths.h"
#include "import/formats/oci_manifest.h"

namespace sdme::app {
namespace {

constexpr std::string_view kEtc = "/etc";
constexpr std::string_view kPasswd = "passwd";
constexpr std::string_view kGroup = "group";

std::string errno_text(int error) { return std::strerror(error); }

std::string too_large(const std::string& path, size_t max_size) {
  return path + " is larger than " + std::to_string(max_size) + " bytes";
}

// NAME in the app tree's etc directory, "" when it is missing or a
// symlink (see read_app_identity()).
bool read_user_database(const DirectoryHandle& etc, std::string_view name, std::string* content,
                        std::string* err) {
  content->clear();
  std::string path = etc.path + "/" + std::string(name);
  FileBeneath state;
  FileDescriptor file;
  struct stat status;
  if (!open_file_beneath(etc, name, &state, &file, &status, err)) return false;
  if (state == FileBeneath::kMissing || state == FileBeneath::kSymlink) return true;
  if (state == FileBeneath::kNotRegular) {
    *err = path + " is " + std::string(file_kind(status.st_mode)) +
           ", not a regular file; replace it with the app's user database or remove it";
    return false;
  }
  if (static_cast<uint64_t>(status.st_size) > kMaxUserDatabaseSize) {
    *err = too_large(path, kMaxUserDatabaseSize) + "; an app's user database is never that big";
    return false;
  }
  if (!read_to_end(file.get(), kMaxUserDatabaseSize, content)) {
    *err = errno == EFBIG ? too_large(path, kMaxUserDatabaseSize) +
                                "; an app's user database is never that big"
                          : "cannot read " + path + ": " + errno_text(errno);
    return false;
  }
  return true;
}

}  // namespace

bool read_app_image(const std::string& rootfs_dir, std::string_view rootfs_name, AppSpec* spec,
                    std::string* err) {
  const std::string path = image_config_path(rootfs_dir, rootfs_name);
  const std::string name(rootfs_name);
  // What sdme-import wrote has been replaced since: only a new import makes
  // it right, and sdme-import imports only a NAME that is not there.
  const std::string reimport =
      "; remove " + rootfs_dir + "/" + name + " and import it again from its image";
  // O_NOFOLLOW: sdme-import writes a regular file; a symlink is not its.
  // O_NONBLOCK: a FIFO must not hang the helper.
  FileDescriptor file(
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW));
  if (!file.valid()) {
    const int error = errno;
    if (error == ENOENT) {
      *err = "rootfs " + name + " was not imported from an OCI or Docker image (there is no " +
             path +
             "); name the application's image in AppImage= (a registry reference, an OCI layout "
             "or archive, or a docker save archive), which imports it with its config";
    } else if (error == ELOOP) {
      *err = path + " is a symlink, not the file sdme-import writes" + reimport;
    } else {
      *err = "cannot open " + path + ": " + errno_text(error);
    }
    return false;
  }
  struct stat status;
  if (::fstat(file.get(), &status) != 0) {
    *err = "cannot access " + path + ": " + errno_text(errno);
    return false;
  }
  if (!S_ISREG(status.st_mode)) {
    *err =
        path + " is " + std::string(file_kind(status.st_mode)) + ", not a regular file" + reimport;
    return false;
  }
  if (static_cast<uint64_t>(status.st_size) > import::kMaxConfigSize) {
    *err = too_large(path, import::kMaxConfigSize) + reimport;
    return false;
  }
  std::string text;
  if (!read_to_end(file.get(), import::kMaxConfigSize, &text)) {
    *err = errno == EFBIG ? too_large(path, import::kMaxConfigSize) + reimport
                          : "cannot read " + path + ": " + errno_text(errno);
    return false;
  }

  import::ImageConfig config;
  if (!import::parse_image_config(text, path, &config, err)) return false;
  if (!config.runtime_error.empty()) {
    *err = config.runtime_error + "; the image cannot run as an application";
    return false;
  }
  AppSpec result;
  result.entrypoint = std::move(config.entrypoint);
  result.cmd = std::move(config.cmd);
  result.environment = std::move(config.env);
  result.user = std::move(config.user);
  result.working_directory = std::move(config.working_dir);
  result.stop_signal = std::move(config.stop_signal);
  *spec = std::move(result);
  return true;
}

bool read_app_identity(const std::string& app_tree, std::string_view user, AppIdentity* identity,
                       std::string* err) {
  DirectoryHandle root;
  if (!open_tree_root(app_tree, &root, err)) return false;
  DirectoryHandle etc;
  if (!open_existing_directory_beneath(root, kEtc, &etc, err)) return false;
  std::string passwd, group;
  if (etc.descriptor.valid() && (!read_user_database(etc, kPasswd, &passwd, err) ||
                                 !read_user_database(etc, kGroup, &group, err)))
    return false;
  return resolve_app_user(user, passwd, group, identity, err);
}

}  // namespace sdme::app
