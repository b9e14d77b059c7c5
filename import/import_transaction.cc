#include "import/import_transaction.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>

#include "common/atomic_file.h"
#include "common/paths.h"
#include "common/remove_tree.h"

namespace sdme::import {
namespace {

constexpr const char* kLeftoverInfix = ".import-";
// Both mkdtemp(3) and write_file_atomically() end a temporary name with six
// letters and digits.
constexpr size_t kRandomSuffixLength = 6;

std::string leftover_prefix(const std::string& name) { return "." + name + kLeftoverInfix; }

// write_file_atomically() writes FILE as ".FILE.XXXXXX" first.
std::string image_config_temporary_prefix(const std::string& name) {
  return "." + image_config_file_name(name) + ".";
}

std::string appeared_meanwhile(const std::string& target) {
  return target + " appeared while this import ran; remove it to import again";
}

bool is_prefix_and_random_suffix(const std::string& entry, const std::string& prefix) {
  if (entry.size() != prefix.size() + kRandomSuffixLength || entry.rfind(prefix, 0) != 0)
    return false;
  // Exactly six characters, so ".a.import-" never matches the leftovers of
  // a rootfs named "a.import-b" (".a.import-b.import-XXXXXX").
  for (size_t i = prefix.size(); i < entry.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(entry[i]))) return false;
  return true;
}

}  // namespace

bool is_import_leftover(const std::string& entry, const std::string& name) {
  return is_prefix_and_random_suffix(entry, leftover_prefix(name)) ||
         is_prefix_and_random_suffix(entry, image_config_temporary_prefix(name));
}

std::unique_ptr<ImportTransaction> ImportTransaction::begin(const std::string& rootfs_dir,
                                                            const std::string& name,
                                                            const std::function<void()>& on_wait,
                                                            std::string* err) {
  // Only root reads imported trees: they hold other systems' /etc/shadow.
  if (!make_directories(rootfs_dir, 0700, err)) return nullptr;
  std::string lock_path = rootfs_dir + "/." + name + ".lock";
  FileDescriptor lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!lock.valid()) {
    *err = "cannot open lock file " + lock_path + ": " + strerror(errno);
    return nullptr;
  }
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      *err = "cannot lock " + lock_path + ": " + strerror(errno);
      return nullptr;
    }
    if (on_wait) on_wait();
    int r;
    do r = ::flock(lock.get(), LOCK_EX);
    while (r != 0 && errno == EINTR);
    if (r != 0) {
      *err = "cannot lock " + lock_path + ": " + strerror(errno);
      return nullptr;
    }
  }
  std::unique_ptr<ImportTransaction> transaction(
      new ImportTransaction(rootfs_dir, name, std::move(lock)));
  if (!transaction->remove_leftovers(err)) return nullptr;
  return transaction;
}

ImportTransaction::ImportTransaction(std::string rootfs_dir, std::string name, FileDescriptor lock)
    : rootfs_dir_(std::move(rootfs_dir)),
      name_(std::move(name)),
      target_path_(rootfs_dir_ + "/" + name_),
      lock_(std::move(lock)) {}

ImportTransaction::~ImportTransaction() {
  std::string ignored;
  for (const std::string& directory : directories_)
    if (directory != committed_) remove_tree(directory, &ignored);
  // A config without its tree would be taken for the config of whatever
  // tree of this name comes next.
  if (image_config_staged_ && committed_.empty())
    ::unlink(image_config_path(rootfs_dir_, name_).c_str());
}

bool ImportTransaction::target_exists() const {
  struct stat status;
  return ::lstat(target_path_.c_str(), &status) == 0;
}

bool ImportTransaction::remove_leftovers(std::string* err) {
  DIR* directory = ::opendir(rootfs_dir_.c_str());
  if (directory == nullptr) {
    *err = "cannot read " + rootfs_dir_ + ": " + strerror(errno);
    return false;
  }
  std::vector<std::string> leftovers;
  while (struct dirent* entry = ::readdir(directory))
    if (is_import_leftover(entry->d_name, name_)) leftovers.push_back(entry->d_name);
  ::closedir(directory);
  // We hold the lock, so no live import of this name owns these.
  for (const std::string& leftover : leftovers)
    if (!remove_tree(rootfs_dir_ + "/" + leftover, err)) return false;
  // An image config without its tree is left from an earlier tree of this
  // name (removed by hand) or an import killed before its commit. Whatever
  // this import commits must not find it: a tree that comes without a config
  // has none.
  if (target_exists()) return true;
  std::string config = image_config_path(rootfs_dir_, name_);
  if (::unlink(config.c_str()) != 0 && errno != ENOENT) {
    *err = "cannot remove " + config + ", left from an earlier " + name_ + ": " + strerror(errno);
    return false;
  }
  return true;
}

bool ImportTransaction::make_directory(std::string* path, std::string* err) {
  std::string pattern = rootfs_dir_ + "/" + leftover_prefix(name_) + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    *err = "cannot create a staging directory in " + rootfs_dir_ + ": " + strerror(errno);
    return false;
  }
  directories_.push_back(pattern);
  // mkdtemp makes 0700; the tree's root is what containers see as /.
  if (::chmod(pattern.c_str(), 0755) != 0) {
    *err = "cannot chmod " + pattern + ": " + strerror(errno);
    return false;
  }
  *path = pattern;
  return true;
}

bool ImportTransaction::stage_image_config(std::string_view text, std::string* err) {
  // The config of a tree that is there already is that tree's: commit()
  // will refuse to replace the tree, so its config stays too.
  if (target_exists()) {
    *err = appeared_meanwhile(target_path_);
    return false;
  }
  // Whatever happens from here, the file at this path is no longer the
  // config of any committed tree: the transaction owns it.
  image_config_staged_ = true;
  return write_file_atomically(image_config_path(rootfs_dir_, name_), text, 0644, err);
}

bool ImportTransaction::commit(const std::string& staging, std::string* err) {
  FileDescriptor tree(::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  // The rename makes the tree visible as complete; its data must be on disk
  // first, or a power cut after the rename leaves a rootfs of empty files.
  // syncfs(2) covers the rootfs directory on the same file system as well:
  // the image config stage_image_config() wrote, or begin() removed, is on
  // disk before the tree appears.
  if (!tree.valid() || ::syncfs(tree.get()) != 0) {
    *err = "cannot sync " + staging + " to disk: " + strerror(errno);
    return false;
  }
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target_path_.c_str(), RENAME_NOREPLACE) !=
      0) {
    if (errno == EEXIST)
      *err = appeared_meanwhile(target_path_);
    else
      *err = "cannot rename " + staging + " to " + target_path_ + ": " + strerror(errno);
    return false;
  }
  committed_ = staging;
  FileDescriptor parent(::open(rootfs_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!parent.valid() || ::fsync(parent.get()) != 0) {
    *err = "cannot sync " + rootfs_dir_ + ": " + strerror(errno);
    return false;
  }
  return true;
}

}  // namespace sdme::import
