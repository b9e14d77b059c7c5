// Undoing a half-done sdme-overlay mount. Each step that changes the disk
// records how to take it back; if the run fails before commit(), the
// destructor undoes the steps in reverse order, so a failed start leaves the
// state directory as it found it.
//
// Undo is deliberately timid: directories are removed with rmdir(), which
// fails on a non-empty directory, so an upper layer holding the container's
// data is never deleted. Only a directory recorded as scratch (overlayfs'
// work directory) is emptied first.
#pragma once

#include <string>
#include <vector>

namespace sdme {

class Rollback {
 public:
  Rollback() = default;
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  ~Rollback();

  void created_directory(std::string path);
  // A directory this run created whose contents are scratch, all of them
  // removed on undo.
  void created_scratch_directory(std::string path);
  // A file or symlink this run created.
  void created_file(std::string path);
  // An extended attribute this run set on a path that did not have it.
  void set_attribute(std::string path, std::string name);
  void mounted(std::string path);

  // The run succeeded: keep everything.
  void commit() { steps_.clear(); }

 private:
  enum class Kind { kDirectory, kScratchDirectory, kFile, kAttribute, kMount };
  struct Step {
    Kind kind;
    std::string path;
    std::string attribute;
  };
  std::vector<Step> steps_;
};

}  // namespace sdme
