// Atomic file replacement: write a temporary file next to the target, fsync,
// rename over it. A reader sees the old file or the new one, never half.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace sdme {

// write(2) until all of `content` is written, retrying on EINTR.
bool write_all(int fd, std::string_view content);

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

// "a FIFO", "a directory", "a regular file", ... for messages.
std::string_view file_kind(mode_t mode);

}  // namespace sdme
