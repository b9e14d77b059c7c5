// Mounting, unmounting and mount-table look-ups through libmount.
#include "helpers/container/mounts.h"

#include <libmount.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

namespace sdme::container {
namespace {

struct ContextDeleter {
  void operator()(libmnt_context* context) const { mnt_free_context(context); }
};
using Context = std::unique_ptr<libmnt_context, ContextDeleter>;

struct TableDeleter {
  void operator()(libmnt_table* table) const { mnt_unref_table(table); }
};
using Table = std::unique_ptr<libmnt_table, TableDeleter>;

// A context that never runs /sbin/mount.TYPE or /sbin/umount.TYPE: the
// helpers run as root from a unit, and what they mount is fully known.
Context new_context() {
  Context context(mnt_new_context());
  if (context) mnt_context_disable_helpers(context.get(), 1);
  return context;
}

// When the system call ran, its errno is the precise reason (libmount's
// summary for ENOENT, "special device ... does not exist", would blame the
// wrong path). Otherwise libmount failed before the call and says why.
std::string failure_text(libmnt_context* context, int result) {
  if (mnt_context_syscall_called(context) && mnt_context_get_syscall_errno(context) != 0)
    return std::strerror(mnt_context_get_syscall_errno(context));
  char buffer[BUFSIZ] = "";
  mnt_context_get_excode(context, result, buffer, sizeof buffer);
  if (buffer[0] != '\0') return buffer;
  return result < 0 ? std::strerror(-result) : "unknown libmount error";
}

struct IteratorDeleter {
  void operator()(libmnt_iter* iterator) const { mnt_free_iter(iterator); }
};
using Iterator = std::unique_ptr<libmnt_iter, IteratorDeleter>;

bool read_mount_table(Table* table, std::string* err) {
  table->reset(mnt_new_table());
  if (!*table) {
    *err = "cannot read the mount table: out of memory";
    return false;
  }
  int result = mnt_table_parse_mtab(table->get(), nullptr);
  if (result != 0) {
    *err = std::string("cannot read the mount table: ") + std::strerror(-result);
    return false;
  }
  return true;
}

// `path` made canonical; false with an empty result when it does not exist.
bool canonical_path(const std::string& path, std::string* canonical, std::string* err) {
  canonical->clear();
  char buffer[PATH_MAX];
  if (::realpath(path.c_str(), buffer) != nullptr) {
    *canonical = buffer;
    return true;
  }
  if (errno == ENOENT || errno == ENOTDIR) return true;
  *err = "cannot resolve " + path + ": " + std::strerror(errno);
  return false;
}

size_t path_depth(std::string_view path) { return std::count(path.begin(), path.end(), '/'); }

bool unmount_once(const std::string& target, bool lazy, bool* busy, std::string* err) {
  Context context = new_context();
  if (!context || mnt_context_set_target(context.get(), target.c_str()) != 0 ||
      mnt_context_enable_lazy(context.get(), lazy) != 0) {
    *err = "cannot prepare to unmount " + target + ": out of memory";
    return false;
  }
  int result = mnt_context_umount(context.get());
  if (result == 0) return true;
  *busy = mnt_context_syscall_called(context.get()) &&
          mnt_context_get_syscall_errno(context.get()) == EBUSY;
  *err = "cannot unmount " + target + ": " + failure_text(context.get(), result);
  return false;
}

}  // namespace

bool find_mount_point(const std::string& path, MountPoint* mount_point, std::string* err) {
  *mount_point = MountPoint{};
  // The mount table lists canonical paths; compare like with like.
  std::string canonical;
  if (!canonical_path(path, &canonical, err)) return false;
  if (canonical.empty()) return true;
  Table table;
  if (!read_mount_table(&table, err)) return false;
  // Backward: the last entry for a target is the mount on top.
  libmnt_fs* filesystem = mnt_table_find_target(table.get(), canonical.c_str(), MNT_ITER_BACKWARD);
  if (filesystem == nullptr) return true;
  mount_point->mounted = true;
  const char* type = mnt_fs_get_fstype(filesystem);
  mount_point->filesystem_type = type ? type : "";
  const char* options = mnt_fs_get_fs_options(filesystem);
  mount_point->filesystem_options = options ? options : "";
  return true;
}

bool find_mount_points_below(const std::string& path, std::vector<std::string>* mount_points,
                             std::string* err) {
  mount_points->clear();
  std::string canonical;
  if (!canonical_path(path, &canonical, err)) return false;
  if (canonical.empty()) return true;
  const std::string prefix = canonical == "/" ? "/" : canonical + "/";
  Table table;
  if (!read_mount_table(&table, err)) return false;
  Iterator iterator(mnt_new_iter(MNT_ITER_BACKWARD));
  if (!iterator) {
    *err = "cannot read the mount table: out of memory";
    return false;
  }
  libmnt_fs* filesystem = nullptr;
  while (mnt_table_next_fs(table.get(), iterator.get(), &filesystem) == 0) {
    const char* target = mnt_fs_get_target(filesystem);
    if (target == nullptr) continue;
    std::string_view mount_point = target;
    if (mount_point.size() <= prefix.size() || !mount_point.starts_with(prefix)) continue;
    if (std::find(mount_points->begin(), mount_points->end(), mount_point) == mount_points->end())
      mount_points->emplace_back(mount_point);
  }
  std::stable_sort(
      mount_points->begin(), mount_points->end(),
      [](const std::string& a, const std::string& b) { return path_depth(a) > path_depth(b); });
  return true;
}

bool mount_filesystem(const std::string& filesystem_type, const std::string& source,
                      const std::string& target, const std::string& options, std::string* err) {
  Context context = new_context();
  if (!context || mnt_context_set_fstype(context.get(), filesystem_type.c_str()) != 0 ||
      mnt_context_set_source(context.get(), source.c_str()) != 0 ||
      mnt_context_set_target(context.get(), target.c_str()) != 0 ||
      mnt_context_set_options(context.get(), options.c_str()) != 0) {
    *err = "cannot prepare to mount " + filesystem_type + " at " + target + ": out of memory";
    return false;
  }
  int result = mnt_context_mount(context.get());
  if (result != 0) {
    *err = "cannot mount " + filesystem_type + " at " + target + ": " +
           failure_text(context.get(), result);
    return false;
  }
  return true;
}

bool unmount_filesystem(const std::string& target, UnmountOutcome* outcome, std::string* err) {
  bool busy = false;
  if (unmount_once(target, /*lazy=*/false, &busy, err)) {
    *outcome = UnmountOutcome::kUnmounted;
    return true;
  }
  if (!busy || !unmount_once(target, /*lazy=*/true, &busy, err)) return false;
  *outcome = UnmountOutcome::kDetached;
  return true;
}

// Far more stacked mounts than any run leaves; only a mount that keeps
// coming back reaches it.
constexpr int kMaxStackedMounts = 16;

bool unmount_all(const std::string& path, std::vector<std::string>* warnings, std::string* err) {
  for (int attempt = 0; attempt < kMaxStackedMounts; ++attempt) {
    MountPoint mount_point;
    if (!find_mount_point(path, &mount_point, err)) return false;
    if (!mount_point.mounted) return true;
    UnmountOutcome outcome;
    if (!unmount_filesystem(path, &outcome, err)) return false;
    if (outcome == UnmountOutcome::kDetached && warnings)
      warnings->push_back(path +
                          " was busy and has been detached; the kernel frees it once the last "
                          "process using it exits");
  }
  *err = path + " is still mounted after " + std::to_string(kMaxStackedMounts) +
         " unmounts; find what mounts it again (findmnt " + path + ")";
  return false;
}

}  // namespace sdme::container
