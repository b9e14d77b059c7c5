// Opening and creating paths beneath a directory without following any
// symbolic link: the one way every sdme program does it. The tree below the
// directory may be someone else's (a container's root or layer, an image
// being unpacked, another generator's output) while sdme runs as root on
// the host, so a link planted there (etc -> /etc, a -> ../../x,
// fd -> /proc/self/root) is refused, never followed.
//
// openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
// RESOLVE_NO_MAGICLINKS resolves the whole path in one call. Where openat2
// cannot be used (see open_beneath_uses_openat2()), one walk does the same,
// a component at a time, each opened with O_NOFOLLOW from the one above it.
// The walk also runs after openat2 failed with ELOOP, ENOTDIR or ENOENT, to
// find the component at fault; it follows nothing either, so whatever it
// finds is as safe as openat2's answer.
//
// Errors are values: an errno and the component at fault. This layer never
// words a message; each caller does, in its users' terms (a path in a
// container, an archive member, a unit in an output directory).
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <string_view>

#include "common/file_descriptor.h"

namespace sdme {

enum class BeneathStep {
  kOpen,     // opening (or looking at) `component` failed
  kCreate,   // creating the directory `component` failed
  kRefused,  // a DirectoryCreation hook refused `component`; `message` says why
};

// Why a path beneath a directory could not be opened or created.
//   ELOOP    `component` is a symbolic link (magic links included)
//   ENOTDIR  `component` is in the way, and not a directory
//   ENOENT   `component` is the first one missing
//   EXDEV    the path would leave the directory: it is absolute or has a
//            ".." component (refused even when it would stay inside:
//            no caller needs one, and the walk could not vouch for it)
//   other    what the system call said
struct BeneathFailure {
  int error = 0;
  // The path up to and including the component at fault, relative to the
  // directory, its components joined by single slashes; "" for the path
  // as a whole or the directory itself.
  std::string component;
  BeneathStep step = BeneathStep::kOpen;
  std::string message;  // for kRefused only
};

// Opens RELATIVE beneath `directory_fd` with `flags` (O_RDONLY, O_PATH,
// O_DIRECTORY, O_NONBLOCK, O_NOATIME...; O_CLOEXEC is added; O_CREAT is
// refused with EINVAL: creating goes through make_directories_beneath() or
// common/atomic_file.h). "" and "." open the directory itself; empty and
// "." components are skipped. No symbolic link is followed, the last
// component included: even with O_PATH, a link is ELOOP, never opened.
bool open_beneath(int directory_fd, std::string_view relative, int flags, FileDescriptor* file,
                  BeneathFailure* failure);

// How make_directories_beneath() makes a missing directory.
struct DirectoryCreation {
  // mkdirat(2)'s mode, which the umask narrows. A directory that must not
  // be used before it has its final mode is made 0700 and given it in
  // `after`, through its descriptor.
  mode_t mode = 0700;
  // Called before RELATIVE is created; false, with *err, refuses it.
  std::function<bool(std::string_view relative, std::string* err)> before;
  // Called once RELATIVE is created and opened (`directory_fd`), before
  // anything is made below it; `parent_fd` and `name` let it undo the
  // creation. False, with *err, stops.
  std::function<bool(int parent_fd, const std::string& name, int directory_fd,
                     std::string_view relative, std::string* err)>
      after;
};

// mkdir -p RELATIVE beneath `directory_fd`, following no symbolic link, and
// opens the result (O_RDONLY | O_DIRECTORY). A directory that already
// exists, or that someone else creates meanwhile, is used as it is, and
// the hooks are not called for it.
bool make_directories_beneath(int directory_fd, std::string_view relative,
                              const DirectoryCreation& creation, FileDescriptor* directory,
                              BeneathFailure* failure);

// Opens PATH in the tree at `root_fd` as if the tree were "/" (openat2
// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): a symbolic link is followed,
// but an absolute one or ".." resolves inside the tree. For looking at a
// tree the way its own programs will, never for writing into it. No walk
// can do this safely, so without openat2 it fails with ENOSYS. -1 with
// errno set, or the descriptor.
int open_in_root(int root_fd, const std::string& path, int flags);

// Whether open_beneath() starts with openat2. Decided once per process by
// opening "/" with it: ENOSYS means a kernel before 5.6; EPERM means a
// seccomp filter (container runtimes' default profiles return EPERM or
// ENOSYS for system calls they do not know). Any other failure of that
// probe also sends every call to the walk, which is always correct, only
// slower. Failures of real calls are never taken for "unavailable":
// openat2 failing with EPERM on a real path (O_NOATIME on someone else's
// file, a security module) is that path's answer, and the walk would give
// the same.
bool open_beneath_uses_openat2();

// For tests: true makes every call take the walk, as without openat2;
// false goes back to deciding by the probe.
void force_open_beneath_walk_for_testing(bool force);

}  // namespace sdme
