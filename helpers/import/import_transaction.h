// All-or-nothing for one rootfs import. The tree is unpacked into a staging
// directory next to its final place (`.NAME.import-XXXXXX` in the rootfs
// directory, so the final rename(2) never crosses a file system) and renamed
// to NAME only when complete and synced to disk. Until then nothing named
// NAME exists, so a crash, Ctrl+C, full disk or bad checksum leaves no
// half-made rootfs for a container to boot, and the next import starts
// clean: it removes what a crashed run of the same name left behind.
//
// A lock file (`.NAME.lock`, flock(2)) serialises imports of one name, for
// people who run sdme-import by hand next to the service.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/file_descriptor.h"

namespace sdme {

class ImportTransaction {
 public:
  // Creates `rootfs_dir` if needed, takes the lock for `name` (calling
  // `on_wait` once if another import holds it, then waiting) and removes
  // the leftovers of crashed imports of `name`. `name` must already be a
  // valid rootfs name.
  static std::unique_ptr<ImportTransaction> begin(const std::string& rootfs_dir,
                                                  const std::string& name,
                                                  const std::function<void()>& on_wait,
                                                  std::string* err);
  ImportTransaction(const ImportTransaction&) = delete;
  ImportTransaction& operator=(const ImportTransaction&) = delete;
  // Removes the staging and scratch directories unless committed.
  ~ImportTransaction();

  // rootfs_dir/NAME, where the tree ends up.
  const std::string& target_path() const { return target_path_; }
  // Whether NAME is already imported: then there is nothing to do.
  bool target_exists() const;

  // A new empty directory (mode 0755) next to the target, removed at the
  // end unless it is the one committed. The first is the staging tree;
  // further ones are scratch space (an image archive's blobs, a converted
  // disk image) on the same file system.
  bool make_directory(std::string* path, std::string* err);

  // Syncs `staging` to disk and renames it to the target, never replacing
  // an existing one.
  bool commit(const std::string& staging, std::string* err);

 private:
  ImportTransaction(std::string rootfs_dir, std::string name, FileDescriptor lock);
  bool remove_leftovers(std::string* err);

  std::string rootfs_dir_;
  std::string name_;
  std::string target_path_;
  FileDescriptor lock_;
  std::vector<std::string> directories_;
  std::string committed_;
};

// Whether `entry` in the rootfs directory is what an import of `name`
// leaves while it runs: ".NAME.import-" and six characters of mkdtemp(3).
bool is_import_leftover(const std::string& entry, const std::string& name);

}  // namespace sdme
