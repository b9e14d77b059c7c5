// Opening and creating paths beneath a directory, following no symbolic link.
#include "common/open_beneath.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <vector>

namespace sdme {
namespace {

constexpr uint64_t kBeneath = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
// openat2 fails with EAGAIN when a rename elsewhere raced with a lookup
// through ".." (the kernel will not vouch for the result); a retry settles it.
constexpr int kMaxAgainAttempts = 8;

enum Openat2State : int { kUnknown, kUsable, kUnusable };
std::atomic<int> g_openat2_state{kUnknown};
std::atomic<bool> g_force_walk{false};

int call_openat2(int directory_fd, const char* path, uint64_t flags, uint64_t resolve) {
  struct open_how how = {};
  how.flags = flags;
  how.resolve = resolve;
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, directory_fd, path, &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno != EAGAIN || attempt + 1 >= kMaxAgainAttempts) return -1;
  }
}

// The non-empty components of RELATIVE other than ".".
std::vector<std::string_view> components_of(std::string_view relative) {
  std::vector<std::string_view> components;
  while (!relative.empty()) {
    size_t slash = relative.find('/');
    std::string_view component = relative.substr(0, slash);
    if (!component.empty() && component != ".") components.push_back(component);
    relative.remove_prefix(slash == std::string_view::npos ? relative.size() : slash + 1);
  }
  return components;
}

std::string joined(const std::vector<std::string_view>& components, size_t count) {
  std::string path;
  for (size_t index = 0; index < count; ++index) {
    if (index > 0) path += '/';
    path += components[index];
  }
  return path;
}

bool fail(BeneathFailure* failure, int error, std::string component,
          BeneathStep step = BeneathStep::kOpen) {
  failure->error = error;
  failure->component = std::move(component);
  failure->step = step;
  return false;
}

// An absolute path, or one with "..", is EXDEV before anything is opened.
bool check_relative(std::string_view relative, BeneathFailure* failure) {
  if (!relative.empty() && relative.front() == '/') return fail(failure, EXDEV, "");
  std::string walked;
  for (std::string_view rest = relative; !rest.empty();) {
    size_t slash = rest.find('/');
    std::string_view component = rest.substr(0, slash);
    rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
    if (component.empty() || component == ".") continue;
    if (!walked.empty()) walked += '/';
    walked += component;
    if (component == "..") return fail(failure, EXDEV, walked);
  }
  return true;
}

// After openat(NAME, O_NOFOLLOW...) failed with ELOOP or ENOTDIR: ELOOP
// when NAME is a symbolic link, ENOTDIR when it is something else that is
// no directory, the original error when it cannot be told.
int classify(int parent_fd, const std::string& name, int error) {
  if (error != ELOOP && error != ENOTDIR) return error;
  struct stat status;
  if (::fstatat(parent_fd, name.c_str(), &status, AT_SYMLINK_NOFOLLOW) != 0) return error;
  if (S_ISLNK(status.st_mode)) return ELOOP;
  if (!S_ISDIR(status.st_mode)) return ENOTDIR;
  return error;
}

// The walk: every component opened from the one above it with O_NOFOLLOW.
bool walk_beneath(int directory_fd, const std::vector<std::string_view>& components, int flags,
                  FileDescriptor* file, BeneathFailure* failure) {
  if (components.empty()) {
    file->reset(::openat(directory_fd, ".", flags | O_CLOEXEC));
    return file->valid() || fail(failure, errno, "");
  }
  FileDescriptor current;
  int at = directory_fd;
  for (size_t index = 0; index < components.size(); ++index) {
    bool last = index + 1 == components.size();
    std::string name(components[index]);
    int open_flags = (last ? flags : O_PATH | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC;
    FileDescriptor next(::openat(at, name.c_str(), open_flags));
    if (!next.valid())
      return fail(failure, classify(at, name, errno), joined(components, index + 1));
    // O_PATH | O_NOFOLLOW opens a link itself; this layer never hands one out.
    if (last && (flags & O_PATH) != 0) {
      struct stat status;
      if (::fstat(next.get(), &status) != 0)
        return fail(failure, errno, joined(components, index + 1));
      if (S_ISLNK(status.st_mode)) return fail(failure, ELOOP, joined(components, index + 1));
    }
    current = std::move(next);
    at = current.get();
  }
  *file = std::move(current);
  return true;
}

bool openat2_usable() {
  if (g_force_walk.load(std::memory_order_relaxed)) return false;
  int state = g_openat2_state.load(std::memory_order_relaxed);
  if (state == kUnknown) {
    int fd = call_openat2(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    state = fd >= 0 ? kUsable : kUnusable;
    if (fd >= 0) ::close(fd);
    g_openat2_state.store(state, std::memory_order_relaxed);
  }
  return state == kUsable;
}

// One missing directory: made, then opened without following a link that
// may have taken its place. `*created` tells whether it was this call's.
bool create_and_open(int parent_fd, const std::string& name, const std::string& relative,
                     mode_t mode, FileDescriptor* directory, bool* created,
                     BeneathFailure* failure) {
  *created = ::mkdirat(parent_fd, name.c_str(), mode) == 0;
  if (!*created && errno != EEXIST) return fail(failure, errno, relative, BeneathStep::kCreate);
  directory->reset(
      ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!directory->valid()) return fail(failure, classify(parent_fd, name, errno), relative);
  return true;
}

}  // namespace

bool open_beneath_uses_openat2() { return openat2_usable(); }

void force_open_beneath_walk_for_testing(bool force) {
  g_force_walk.store(force, std::memory_order_relaxed);
}

bool open_beneath(int directory_fd, std::string_view relative, int flags, FileDescriptor* file,
                  BeneathFailure* failure) {
  *failure = BeneathFailure{};
  file->reset();
  if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE)
    return fail(failure, EINVAL, std::string(relative));
  if (!check_relative(relative, failure)) return false;
  if (openat2_usable()) {
    // Without O_NOFOLLOW, RESOLVE_NO_SYMLINKS refuses a link as the last
    // component too; with it and O_PATH, openat2 would open the link.
    std::string path = relative.empty() ? std::string(".") : std::string(relative);
    int fd = call_openat2(directory_fd, path.c_str(),
                          static_cast<uint64_t>((flags & ~O_NOFOLLOW) | O_CLOEXEC), kBeneath);
    if (fd >= 0) {
      file->reset(fd);
      return true;
    }
    if (errno != ELOOP && errno != ENOTDIR && errno != ENOENT) return fail(failure, errno, "");
  }
  return walk_beneath(directory_fd, components_of(relative), flags, file, failure);
}

bool make_directories_beneath(int directory_fd, std::string_view relative,
                              const DirectoryCreation& creation, FileDescriptor* directory,
                              BeneathFailure* failure) {
  constexpr int kDirectoryFlags = O_RDONLY | O_DIRECTORY;
  // Most calls find every directory there already: one openat2.
  if (open_beneath(directory_fd, relative, kDirectoryFlags, directory, failure)) return true;
  if (failure->error != ENOENT || failure->component.empty()) return false;

  // The first missing component is known; everything above it exists.
  std::vector<std::string_view> components = components_of(relative);
  size_t existing = components_of(failure->component).size() - 1;
  FileDescriptor current;
  if (!open_beneath(directory_fd, joined(components, existing), kDirectoryFlags, &current, failure))
    return false;
  for (size_t index = existing; index < components.size(); ++index) {
    std::string name(components[index]);
    std::string path = joined(components, index + 1);
    if (creation.before && !creation.before(path, &failure->message))
      return fail(failure, 0, path, BeneathStep::kRefused);
    FileDescriptor child;
    bool created = false;
    if (!create_and_open(current.get(), name, path, creation.mode, &child, &created, failure))
      return false;
    if (created && creation.after &&
        !creation.after(current.get(), name, child.get(), path, &failure->message))
      return fail(failure, 0, path, BeneathStep::kRefused);
    current = std::move(child);
  }
  *directory = std::move(current);
  return true;
}

int open_in_root(int root_fd, const std::string& path, int flags) {
  return call_openat2(root_fd, path.c_str(), static_cast<uint64_t>(flags | O_CLOEXEC),
                      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

}  // namespace sdme
