// Writing into a directory that other programs write into at the same time,
// such as a generator's output directory (systemd runs every generator at
// once, into the same three directories). Everything is created relative to
// the directory's descriptor; no symbolic link below it is followed, and
// nothing already there is replaced, so a link or file another program
// planted can neither redirect a write nor lose its own content.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/file_descriptor.h"

namespace sdme {

enum class CreateOutcome {
  kCreated,
  kExists,  // something (a file, a link, a directory) has the name already; it is kept
  kFailed,  // *err says why
};

class OutputDirectory {
 public:
  // Opens `path`, which must be a directory (a symbolic link to one is
  // followed: the caller chose it). Fails with "PATH: cannot open the
  // directory: REASON".
  bool open(const std::string& path, std::string* err);

  const std::string& path() const { return path_; }

  // Creates the file `relative` ("web.service", "x.service.d/50-a.conf")
  // with `content` and `mode`, and its missing parent directories (mode
  // 0755). The content goes to an unnamed file (O_TMPFILE) that is linked
  // under its name once written, or where that is not possible to a
  // temporary name renamed into place with RENAME_NOREPLACE; either way no
  // reader ever sees half a file and an existing one is never replaced. No
  // fsync: this is for tmpfs, which a crash empties anyway.
  CreateOutcome create_file(std::string_view relative, std::string_view content, mode_t mode,
                            std::string* err);

  // Creates the symbolic link `relative` pointing to `target`, and its
  // missing parent directories (mode 0755).
  CreateOutcome create_symlink(std::string_view relative, const std::string& target,
                               std::string* err);

 private:
  // The directory that holds `relative`, created where missing, without
  // following a symbolic link; *leaf is the last component. *parent is
  // borrowed: the output directory itself, or the last one opened below it.
  bool open_parent(std::string_view relative, int* parent, std::string* leaf, std::string* err);
  // False if this file system or kernel cannot make unnamed files.
  bool create_unnamed_then_link(int parent, const std::string& leaf, const std::string& path,
                                std::string_view content, mode_t mode, CreateOutcome* outcome,
                                std::string* err);

  std::string path_;
  FileDescriptor directory_;
  FileDescriptor parent_;        // the last directory opened below it
  std::string parent_relative_;  // its path relative to directory_
  mode_t umask_ = 022;
  bool unnamed_files_ = true;  // O_TMPFILE and linkat() work here, as far as we know
};

}  // namespace sdme
