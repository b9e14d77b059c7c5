// Name resolution for a container, prepared in its upper layer.
#include "helpers/container_dns.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "common/atomic_file.h"
#include "helpers/container_layout.h"
#include "helpers/layer_directories.h"
#include "helpers/rollback.h"

namespace sdme {
namespace {

constexpr std::string_view kResolvConfPath = "/etc/resolv.conf";
constexpr char kMaskTarget[] = "/dev/null";

enum class EntryKind { kMissing, kRegularFile, kSymlink, kDirectory, kOther };

// What stands at `path`, without following a symlink. A whiteout (the
// container deleted the file) counts as missing: overlayfs itself replaces
// one when a file is created in its place.
bool inspect_entry(const std::string& path, EntryKind* kind, std::string* link_target,
                   std::string* err) {
  struct stat status;
  if (::lstat(path.c_str(), &status) != 0) {
    if (errno != ENOENT) {
      *err = "cannot access " + path + ": " + std::strerror(errno);
      return false;
    }
    *kind = EntryKind::kMissing;
    return true;
  }
  if (is_whiteout(status))
    *kind = EntryKind::kMissing;
  else if (S_ISREG(status.st_mode))
    *kind = EntryKind::kRegularFile;
  else if (S_ISDIR(status.st_mode))
    *kind = EntryKind::kDirectory;
  else if (S_ISLNK(status.st_mode))
    *kind = EntryKind::kSymlink;
  else
    *kind = EntryKind::kOther;
  if (*kind != EntryKind::kSymlink) return true;
  char target[PATH_MAX];
  ssize_t length = ::readlink(path.c_str(), target, sizeof target - 1);
  if (length < 0) {
    *err = "cannot read the symlink " + path + ": " + std::strerror(errno);
    return false;
  }
  link_target->assign(target, static_cast<size_t>(length));
  return true;
}

// Creates the directory holding `container_path` in the upper layer.
bool prepare_parent_directory(const std::string& upper, std::string_view container_path,
                              Rollback* rollback, std::string* err) {
  std::string_view parent = container_path.substr(0, container_path.rfind('/'));
  LayerDirectoryState state;
  std::vector<std::string> created;
  bool made = make_layer_directories(upper, parent, /*model_root=*/"", &state, &created, err);
  for (std::string& path : created) rollback->created_directory(std::move(path));
  if (!made) return false;
  if (state == LayerDirectoryState::kHiddenByWhiteout) {
    *err = "cannot write " + std::string(container_path) + ": " + std::string(parent) +
           " or a directory above it was deleted inside the container; recreate it there";
    return false;
  }
  return true;
}

bool write_resolv_conf_placeholder(const std::string& upper, Rollback* rollback, std::string* err) {
  if (!prepare_parent_directory(upper, kResolvConfPath, rollback, err)) return false;
  std::string path = upper + std::string(kResolvConfPath);
  EntryKind kind;
  std::string link_target;
  if (!inspect_entry(path, &kind, &link_target, err)) return false;
  if (kind == EntryKind::kDirectory || kind == EntryKind::kOther) {
    *err = path + " is not a file; remove it inside the container";
    return false;
  }
  if (kind == EntryKind::kRegularFile) {
    std::string content;
    if (read_file(path, kResolvConfPlaceholder.size() + 1, &content, err) &&
        content == kResolvConfPlaceholder)
      return true;
    err->clear();
  }
  // A rename replaces a symlink itself, never the file it points to.
  return write_file_atomically(path, kResolvConfPlaceholder, 0644, err);
}

bool link_resolv_conf_to_stub(const std::string& upper, Rollback* rollback, std::string* err) {
  if (!prepare_parent_directory(upper, kResolvConfPath, rollback, err)) return false;
  std::string path = upper + std::string(kResolvConfPath);
  EntryKind kind;
  std::string link_target;
  if (!inspect_entry(path, &kind, &link_target, err)) return false;
  if (kind == EntryKind::kSymlink && link_target == kResolvedStubLink) return true;
  if (kind == EntryKind::kDirectory || kind == EntryKind::kOther) {
    *err = path + " is not a file; remove it inside the container";
    return false;
  }
  return symlink_atomically(std::string(kResolvedStubLink), path, err);
}

// The container uses the host's resolver through the shared network; its
// own resolved would fight over /etc/resolv.conf and port 53 of the host.
bool mask_resolved(const std::string& upper, Rollback* rollback, std::string* err) {
  if (!prepare_parent_directory(upper, kResolvedMaskPath, rollback, err)) return false;
  std::string path = upper + std::string(kResolvedMaskPath);
  EntryKind kind;
  std::string link_target;
  if (!inspect_entry(path, &kind, &link_target, err)) return false;
  if (kind == EntryKind::kSymlink && link_target == kMaskTarget) return true;
  if (kind != EntryKind::kMissing && kind != EntryKind::kSymlink) {
    *err = "cannot mask systemd-resolved: " + path +
           " is a unit file of the container's own; remove it inside the container, or give "
           "the container a private network";
    return false;
  }
  return symlink_atomically(kMaskTarget, path, err);
}

// Only a mask exactly as mask_resolved() writes it is taken back; anything
// else there is the container's own.
bool unmask_resolved(const std::string& upper, std::string* err) {
  std::string path = upper + std::string(kResolvedMaskPath);
  EntryKind kind;
  std::string link_target;
  if (!inspect_entry(path, &kind, &link_target, err)) return false;
  if (kind != EntryKind::kSymlink || link_target != kMaskTarget) return true;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    *err = "cannot remove " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

bool set_up_dns_in_layer(const std::string& upper, NetworkMode mode, std::string* err) {
  // Directories this run created go again if a later step fails; files are
  // each replaced atomically, so none is ever half-written.
  Rollback rollback;
  bool done = mode == NetworkMode::kHost
                  ? write_resolv_conf_placeholder(upper, &rollback, err) &&
                        mask_resolved(upper, &rollback, err)
                  : link_resolv_conf_to_stub(upper, &rollback, err) && unmask_resolved(upper, err);
  if (done) rollback.commit();
  return done;
}

bool set_up_container_dns(std::string_view container_name, NetworkMode mode, std::string* err) {
  ContainerLayout layout;
  if (!make_container_layout(container_name, &layout, err)) return false;
  std::string upper;
  if (!find_upper_layer_in_use(layout, &upper, err)) return false;
  struct stat status;
  if (::stat(upper.c_str(), &status) != 0 || !S_ISDIR(status.st_mode)) {
    *err = "the upper layer " + upper + " does not exist; run 'sdme-overlay mount " +
           std::string(container_name) + "' first";
    return false;
  }
  return set_up_dns_in_layer(upper, mode, err);
}

}  // namespace sdme
