// Atomic file replacement: write a temporary file next to the target, fsync,
// rename over it. A reader sees the old file or the new one, never half.
// write_file_at() and symlink_at() are the one implementation, relative to
// a directory descriptor; the path forms below open the directory and call
// them.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace sdme {

// write(2) until all of `content` is written, retrying on EINTR.
bool write_all(int fd, std::string_view content);

// How write_file_at() writes.
struct AtomicWrite {
  mode_t mode = 0644;  // exactly, whatever the umask
  // Whether something already at NAME (a file, a link, anything but a
  // directory) is replaced. When not, the file is renamed into place with
  // RENAME_NOREPLACE (linkat(2), which never replaces either, where the
  // file system lacks it) and what is there stays: kExists.
  bool replace = true;
  // fsync before the rename. Not needed on tmpfs, which a crash empties.
  bool sync = true;
  // Owner and group given to the file before it is renamed into place, so
  // a replaced /etc/shadow is never visible with the wrong group; -1 keeps
  // the writer's.
  uid_t owner = static_cast<uid_t>(-1);
  gid_t group = static_cast<gid_t>(-1);
};

enum class WriteOutcome { kWritten, kExists, kFailed };

enum class WriteStep {
  kTemporary,  // making the temporary name next to NAME
  kWrite,      // writing, syncing or renaming it into place
};

struct WriteFailure {
  int error = 0;
  WriteStep step = WriteStep::kWrite;
};

// Writes `content` to NAME, a single component, in `directory_fd`: to a
// hidden temporary name first (".NAME.XXXXXX", created exclusively, so no
// link there is followed), then renamed into place. A link at NAME is
// replaced itself, never written through. On failure nothing is left
// behind and NAME is as it was.
WriteOutcome write_file_at(int directory_fd, std::string_view name, std::string_view content,
                           const AtomicWrite& how, WriteFailure* failure);

// Makes NAME in `directory_fd` a symbolic link to `target`. With `replace`
// the link is made under a temporary name and renamed over what is there
// (but not over a directory); without, symlinkat(2) itself, atomic and
// never replacing: kExists when the name is taken.
WriteOutcome symlink_at(int directory_fd, std::string_view name, const std::string& target,
                        bool replace, WriteFailure* failure);

bool write_file_atomically(const std::string& path, std::string_view content, mode_t mode,
                           std::string* err);

// Creates (or replaces) a symlink atomically: link to a temporary name, rename.
bool symlink_atomically(const std::string& target, const std::string& link_path, std::string* err);

// mkdir -p with `mode` for the directories it creates.
bool make_directories(const std::string& path, mode_t mode, std::string* err);

// Reads a whole regular file (a symbolic link to one is followed). Never
// blocks: a FIFO, device or socket is refused with "PATH: is a FIFO, not a
// regular file; ...", as is a directory. Fails if the file is larger than
// `max_size` bytes. Every input sdme reads from a place others may write
// (.sdme files, drop-ins, presets, manifests) goes through here.
bool read_file(const std::string& path, size_t max_size, std::string* content, std::string* err);

// Reads an open file to its end into *content, but never more than
// `max_size` bytes: past that it fails with errno EFBIG (other failures
// leave read(2)'s errno). The bounded read of read_file() and of the
// helpers that open their files beneath a tree.
bool read_to_end(int fd, size_t max_size, std::string* content);

// "a FIFO", "a directory", "a regular file", ... for messages.
std::string_view file_kind(mode_t mode);

}  // namespace sdme
