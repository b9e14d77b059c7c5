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
//
// A tree imported from an OCI or Docker image keeps the image's config next
// to it (`.NAME.image-config.json`, common/paths.h). The transaction owns
// that file while NAME is not there, so it shares the tree's fate: one left
// without its tree is removed at the start, a new one is written and synced
// before the tree's rename and removed again if the tree is not committed.
// A tree that comes without a config commits with none.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_descriptor.h"

namespace sdme::import {

class ImportTransaction {
 public:
  // Creates `rootfs_dir` if needed, takes the lock for `name` (calling
  // `on_wait` once if another import holds it, then waiting) and removes
  // the leftovers of crashed imports of `name`, and its image config when
  // the tree `name` is not there. `name` must already be a valid rootfs
  // name.
  static std::unique_ptr<ImportTransaction> begin(const std::string& rootfs_dir,
                                                  const std::string& name,
                                                  const std::function<void()>& on_wait,
                                                  std::string* err);
  ImportTransaction(const ImportTransaction&) = delete;
  ImportTransaction& operator=(const ImportTransaction&) = delete;
  // Removes the staging and scratch directories, and the image config
  // stage_image_config() wrote, unless committed.
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

  // Writes `text`, the config document of the image being imported, to
  // ROOTFS_DIR/.NAME.image-config.json (image_config_path()): atomically,
  // mode 0644, synced. Called before commit(); until the commit succeeds
  // the file is removed again with the transaction. Refused when NAME
  // appeared meanwhile: its config is its own.
  bool stage_image_config(std::string_view text, std::string* err);

  // Syncs `staging` and the image config to disk and renames the tree to
  // the target, never replacing an existing one. Once the rename is done the
  // tree and its config are committed, even if syncing the directory after
  // it fails.
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
  bool image_config_staged_ = false;
};

// Whether `entry` in the rootfs directory is what an import of `name`
// leaves while it runs: ".NAME.import-" and six characters of mkdtemp(3),
// or the temporary file the image config is written to before its rename
// (common/atomic_file.h: "..NAME.image-config.json." and six characters).
bool is_import_leftover(const std::string& entry, const std::string& name);

}  // namespace sdme::import
