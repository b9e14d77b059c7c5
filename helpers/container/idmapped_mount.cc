// ID-mapped mounts. The mapping is handed to the kernel as a user namespace:
// a child process makes one, the parent writes its maps and keeps a
// descriptor of it, and the child exits (the descriptor keeps the namespace
// alive for mount_setattr). The way systemd's userns_acquire() does it.
#include "helpers/container/idmapped_mount.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/file_descriptor.h"

namespace sdme::container {
namespace {

bool write_proc_file(const std::string& path, const std::string& text, std::string* err) {
  FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd.valid() ||
      ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    *err = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

// A user namespace mapping 0..range-1 to base..base+range-1.
bool make_user_namespace(uint32_t base, uint32_t range, FileDescriptor* user_namespace,
                         std::string* err) {
  int ready[2];
  int done[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) {
    *err = std::string("cannot create a pipe: ") + std::strerror(errno);
    return false;
  }
  FileDescriptor ready_read(ready[0]), ready_write(ready[1]);
  if (::pipe2(done, O_CLOEXEC) != 0) {
    *err = std::string("cannot create a pipe: ") + std::strerror(errno);
    return false;
  }
  FileDescriptor done_read(done[0]), done_write(done[1]);
  pid_t child = ::fork();
  if (child < 0) {
    *err = std::string("cannot fork: ") + std::strerror(errno);
    return false;
  }
  if (child == 0) {
    // Only async-signal-safe calls: the parent may have threads. The
    // child's own copy of the write end would keep the read below from
    // ever seeing the parent close its end.
    ::close(done[1]);
    ::close(ready[0]);
    char byte = ::unshare(CLONE_NEWUSER) == 0 ? 1 : 0;
    if (::write(ready[1], &byte, 1) != 1) _exit(1);
    ::read(done[0], &byte, 1);  // returns once the parent closes its end
    _exit(0);
  }
  ready_write.reset();
  done_read.reset();
  char byte = 0;
  bool unshared = ::read(ready_read.get(), &byte, 1) == 1 && byte == 1;
  const std::string proc = "/proc/" + std::to_string(child);
  const std::string map = "0 " + std::to_string(base) + " " + std::to_string(range) + "\n";
  bool ok = unshared;
  if (!unshared) *err = "cannot create a user namespace for the ID mapping";
  ok = ok && write_proc_file(proc + "/uid_map", map, err) &&
       write_proc_file(proc + "/gid_map", map, err);
  if (ok) {
    user_namespace->reset(::open((proc + "/ns/user").c_str(), O_RDONLY | O_CLOEXEC));
    if (!user_namespace->valid()) {
      *err = "cannot open " + proc + "/ns/user: " + std::strerror(errno);
      ok = false;
    }
  }
  done_write.reset();
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return ok;
}

}  // namespace

bool mount_idmapped(const std::string& source, const std::string& target, uint32_t base,
                    uint32_t range, std::string* err) {
  FileDescriptor user_namespace;
  if (!make_user_namespace(base, range, &user_namespace, err)) return false;
  FileDescriptor tree(static_cast<int>(
      ::syscall(SYS_open_tree, AT_FDCWD, source.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)));
  if (!tree.valid()) {
    *err = "cannot clone the mount of " + source + ": " + std::strerror(errno);
    return false;
  }
  struct mount_attr attributes = {};
  attributes.attr_set = MOUNT_ATTR_IDMAP;
  attributes.userns_fd = static_cast<uint64_t>(user_namespace.get());
  if (::syscall(SYS_mount_setattr, tree.get(), "", AT_EMPTY_PATH, &attributes, sizeof attributes) !=
      0) {
    int saved_errno = errno;
    *err = "cannot make an ID-mapped mount of " + source + ": " + std::strerror(saved_errno);
    if (saved_errno == EINVAL || saved_errno == EOPNOTSUPP)
      *err +=
          " (its file system does not support ID-mapped mounts; ext4, xfs, btrfs and, "
          "from Linux 6.3, tmpfs do, overlayfs does not)";
    return false;
  }
  if (::syscall(SYS_move_mount, tree.get(), "", AT_FDCWD, target.c_str(),
                MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    *err = "cannot mount the ID-mapped view of " + source + " at " + target + ": " +
           std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace sdme::container
