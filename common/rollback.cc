// Undoing a half-done sdme-overlay mount, newest step first.
#include "common/rollback.h"

#include <sys/mount.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <utility>

#include "common/remove_tree.h"

namespace sdme {

Rollback::~Rollback() {
  // Undo is best effort: the caller already reports the error that made it
  // necessary, and a step that cannot be undone (a non-empty directory) is
  // one that must not be.
  for (auto step = steps_.rbegin(); step != steps_.rend(); ++step) {
    switch (step->kind) {
      case Kind::kDirectory:
        ::rmdir(step->path.c_str());
        break;
      case Kind::kScratchDirectory: {
        std::string ignored;
        remove_tree(step->path, &ignored);
        break;
      }
      case Kind::kFile:
        ::unlink(step->path.c_str());
        break;
      case Kind::kAttribute:
        ::lremovexattr(step->path.c_str(), step->attribute.c_str());
        break;
      case Kind::kMount:
        if (::umount2(step->path.c_str(), UMOUNT_NOFOLLOW) != 0)
          ::umount2(step->path.c_str(), UMOUNT_NOFOLLOW | MNT_DETACH);
        break;
    }
  }
}

void Rollback::created_directory(std::string path) {
  steps_.push_back({Kind::kDirectory, std::move(path), {}});
}

void Rollback::created_scratch_directory(std::string path) {
  steps_.push_back({Kind::kScratchDirectory, std::move(path), {}});
}

void Rollback::created_file(std::string path) {
  steps_.push_back({Kind::kFile, std::move(path), {}});
}

void Rollback::set_attribute(std::string path, std::string name) {
  steps_.push_back({Kind::kAttribute, std::move(path), std::move(name)});
}

void Rollback::mounted(std::string path) { steps_.push_back({Kind::kMount, std::move(path), {}}); }

}  // namespace sdme
