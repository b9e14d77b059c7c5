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
#include "common/remove_tree.h"

namespace sdme::import {
namespace {

constexpr const char* kLeftoverInfix = ".import-";
constexpr size_t kMkdtempSuffixLength = 6;

std::string leftover_prefix(const std::string& name) { return "." + name + kLeftoverInfix; }

}  // namespace

bool is_import_leftover(const std::string& entry, const std::string& name) {
  std::string prefix = leftover_prefix(name);
  if (entry.size() != prefix.size() + kMkdtempSuffixLength || entry.rfind(prefix, 0) != 0)
    return false;
  // Exactly mkdtemp's six characters, so ".a.import-" never matches the
  // leftovers of a rootfs named "a.import-b" (".a.import-b.import-XXXXXX").
  for (size_t i = prefix.size(); i < entry.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(entry[i]))) return false;
  return true;
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

bool ImportTransaction::commit(const std::string& staging, std::string* err) {
  FileDescriptor tree(::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  // The rename makes the tree visible as complete; its data must be on disk
  // first, or a power cut after the rename leaves a rootfs of empty files.
  if (!tree.valid() || ::syncfs(tree.get()) != 0) {
    *err = "cannot sync " + staging + " to disk: " + strerror(errno);
    return false;
  }
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target_path_.c_str(), RENAME_NOREPLACE) !=
      0) {
    if (errno == EEXIST)
      *err = target_path_ + " appeared while this import ran; remove it to import again";
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
