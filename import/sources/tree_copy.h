// Importing a root file system from a directory: a faithful copy of a tree
// (owners, modes, extended attributes, ACLs, file capabilities, hard links,
// device nodes, holes, nanosecond timestamps) that never follows a symlink
// and never leaves the source's mount, like `cp -ax`, only at least as fast.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "import/formats/byte_source.h"

namespace sdme::import {

struct TreeCopyOptions {
  // Checked for every entry and every large chunk of data; once true the
  // copy stops and fails with "interrupted".
  const std::atomic<bool>* cancel = nullptr;
  // Apparent bytes of regular-file data copied so far (total 0: unknown).
  ProgressCallback progress;
  // Descend into file systems mounted below the source too. For a disk
  // image that systemd-dissect mounted: its /usr or /home partition is part
  // of the tree, and nothing else is mounted there.
  bool cross_mounts = false;
};

struct TreeCopyCounters {
  uint64_t bytes = 0;    // apparent size of the regular files copied, each inode once
  uint64_t entries = 0;  // entries created below the target, hard links included
};

// Copies the contents of `source_dir` into the existing empty directory
// `target_dir`, and gives `target_dir` the owner, mode, extended attributes
// and timestamps of `source_dir` (its own ACLs are dropped first, lest the
// copy inherit them). Mount points below the source become empty
// directories (a file mounted over a file is copied, as `cp -ax` does);
// `target_dir` itself is skipped when it lies inside the
// source. On failure the target holds a partial copy for the caller to
// remove, and `*err` is one line naming the source path.
bool copy_tree(const std::string& source_dir, const std::string& target_dir,
               const TreeCopyOptions& options, TreeCopyCounters* counters, std::string* err);

}  // namespace sdme::import
