// A faithful, fast copy of a directory tree for importing a root file
// system from a directory. Every entry is reached relative to an open
// directory with common/open_beneath.h, so no symlink is ever followed, and
// the walk keeps its own stack, so a deep tree cannot overflow the C++ one.
#include "import/sources/tree_copy.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "common/file_descriptor.h"
#include "common/open_beneath.h"

namespace sdme::import {
namespace {

// Data moves in chunks this large, so cancelling and progress stay prompt
// even inside a multi-gigabyte file.
constexpr uint64_t kCopyChunkSize = uint64_t{64} << 20;
// The read/write fallback's buffer: large reads keep syscalls off the profile.
constexpr size_t kReadWriteBufferSize = size_t{1} << 20;
// The Linux limits for one attribute value and for a list of names.
constexpr size_t kXattrBufferSize = 65536;
// Progress is reported at most this often, counted in bytes.
constexpr uint64_t kProgressInterval = uint64_t{8} << 20;
// Each open level holds two descriptors; this many stay free for the caller.
constexpr rlim_t kReservedDescriptors = 64;
// A path of more levels than this cannot even be named in a message.
constexpr size_t kMaxDepth = 4096;

constexpr unsigned kStatxMask = STATX_BASIC_STATS | STATX_MNT_ID;
constexpr int kStatxFlags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_SYNC_AS_STAT;

struct InodeKey {
  uint64_t device;
  uint64_t inode;
  bool operator==(const InodeKey&) const = default;
};
struct InodeKeyHash {
  size_t operator()(const InodeKey& key) const {
    return std::hash<uint64_t>()(key.inode * 0x9e3779b97f4a7c15ULL ^ key.device);
  }
};

InodeKey key_of(const struct statx& status) {
  return {makedev(status.stx_dev_major, status.stx_dev_minor), status.stx_ino};
}

struct DirectoryCloser {
  void operator()(DIR* directory) const { ::closedir(directory); }
};
using DirectoryStream = std::unique_ptr<DIR, DirectoryCloser>;

// One directory being copied: its source being read and its copy being
// filled. Its own metadata is applied when it is done, so a default ACL or
// a read-only mode never gets in the way of its contents, and creating
// them does not disturb its mtime.
struct Frame {
  DirectoryStream source;
  FileDescriptor target;
  std::string relative_path;  // "" for the root
  struct statx status;
};

// Where to read or write one entry's extended attributes: its open
// descriptor, or, for entries that must not be opened (symlinks, device
// nodes, FIFOs), a path through /proc/self/fd to its parent directory.
struct AttributeHandle {
  int fd = -1;
  std::string path;
};

// Opens NAME, one entry of the directory `directory_fd`, without following
// it; O_NOATIME where the file's owner allows it. -1 with errno set.
int open_entry(int directory_fd, const char* name, int flags) {
  FileDescriptor file;
  BeneathFailure failure;
  if (open_beneath(directory_fd, name, flags | O_NOATIME, &file, &failure)) return file.release();
  if (failure.error == EPERM && open_beneath(directory_fd, name, flags, &file, &failure))
    return file.release();
  errno = failure.error;
  return -1;
}

// Makes a hard link NAME in `target_directory` to `first_copy`, a path
// beneath `target_root`, reached without following a symlink.
bool link_beneath(int target_root, const std::string& first_copy, int target_directory,
                  const char* name) {
  size_t slash = first_copy.rfind('/');
  FileDescriptor directory;
  BeneathFailure failure;
  if (!open_beneath(target_root, slash == std::string::npos ? "" : first_copy.substr(0, slash),
                    O_PATH | O_DIRECTORY, &directory, &failure)) {
    errno = failure.error;
    return false;
  }
  std::string leaf = slash == std::string::npos ? first_copy : first_copy.substr(slash + 1);
  return ::linkat(directory.get(), leaf.c_str(), target_directory, name, 0) == 0;
}

AttributeHandle beneath(int directory_fd, const char* name) {
  return {-1, "/proc/self/fd/" + std::to_string(directory_fd) + "/" + name};
}

class TreeCopier {
 public:
  TreeCopier(const std::string& source_dir, const std::string& target_dir,
             const TreeCopyOptions& options)
      : source_dir_(source_dir), target_dir_(target_dir), options_(options) {}

  bool run(std::string* err);
  const TreeCopyCounters& counters() const { return counters_; }

 private:
  bool copy_entry(size_t parent_index, const char* name, unsigned char type);
  bool copy_directory(size_t parent_index, const char* name, const struct statx& status,
                      const std::string& relative_path);
  bool copy_regular_file(const Frame& parent, const char* name, unsigned char type,
                         const std::string& relative_path);
  bool copy_data(int source_fd, int target_fd, const struct statx& status,
                 const std::string& relative_path);
  bool copy_range(int source_fd, int target_fd, uint64_t offset, uint64_t length,
                  const std::string& relative_path, uint64_t* copied);
  bool copy_symlink(const Frame& parent, const char* name, const struct statx& status,
                    const std::string& relative_path);
  bool copy_special_file(const Frame& parent, const char* name, const struct statx& status,
                         const std::string& relative_path);
  bool finish_directory(const Frame& frame, bool with_attributes);
  bool copy_attributes(const AttributeHandle& source, const AttributeHandle& target,
                       const std::string& relative_path);
  bool set_owner_and_mode(int fd, const struct statx& status, const std::string& relative_path);
  bool set_times(int directory_fd, const char* name, int fd, const struct statx& status,
                 const std::string& relative_path);

  bool cancelled() const {
    return options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed);
  }
  bool fail_cancelled() {
    error_ = "interrupted";
    return false;
  }
  void add_bytes(uint64_t bytes);
  std::string source_path(const std::string& relative_path) const {
    return relative_path.empty() ? source_dir_ : source_dir_ + "/" + relative_path;
  }
  bool fail(const std::string& relative_path, const std::string& step, int error);
  std::string advice(int error) const;

  std::string source_dir_;
  std::string target_dir_;
  const TreeCopyOptions& options_;
  TreeCopyCounters counters_;
  std::string error_;

  FileDescriptor target_root_;
  InodeKey target_key_{};
  uint64_t source_mount_id_ = 0;
  bool mount_ids_known_ = false;
  InodeKey source_root_key_{};
  size_t max_depth_ = kMaxDepth;
  bool depth_limited_by_descriptors_ = false;
  // When a new file is certain to be created with the owner and mode it
  // should have, fchown and fchmod are skipped: two of a dozen syscalls.
  bool new_files_owned_by_us_ = false;
  mode_t umask_ = 07777;  // until known, no mode is trusted to survive creation

  std::vector<Frame> stack_;
  // Inodes with more than one link seen so far, by where their first copy is.
  std::unordered_map<InodeKey, std::string, InodeKeyHash> links_;
  bool try_clone_ = true;
  bool try_copy_file_range_ = true;
  std::unique_ptr<char[]> data_buffer_;
  std::unique_ptr<char[]> names_buffer_{new char[kXattrBufferSize]};
  std::unique_ptr<char[]> value_buffer_{new char[kXattrBufferSize]};
  uint64_t last_reported_ = 0;
};

std::string TreeCopier::advice(int error) const {
  switch (error) {
    case ENOSPC:
    case EDQUOT:
      return "free space on " + target_dir_ + " and retry";
    case EIO:
      return "check the disk for errors (dmesg) and retry";
    case ENOENT:
    case ESTALE:
      return "the source changed during the copy; stop whatever writes to it and retry";
    case EMFILE:
    case ENFILE:
      return "raise the open-file limit (LimitNOFILE=) and retry";
    case EOPNOTSUPP:
      return "the file system of " + target_dir_ +
             " does not support it; use ext4, xfs or btrfs for it";
    case EPERM:
    case EACCES:
      return "run sdme-import as root and retry";
    case EROFS:
      return "make " + target_dir_ + " writable and retry";
    default:
      return "check the source and " + target_dir_ + " and retry";
  }
}

bool TreeCopier::fail(const std::string& relative_path, const std::string& step, int error) {
  error_ = "cannot copy " + source_path(relative_path) + ": " + step + ": " + std::strerror(error) +
           "; " + advice(error);
  return false;
}

void TreeCopier::add_bytes(uint64_t bytes) {
  counters_.bytes += bytes;
  if (options_.progress && counters_.bytes - last_reported_ >= kProgressInterval) {
    last_reported_ = counters_.bytes;
    options_.progress(counters_.bytes, 0);
  }
}

// The process's umask, read without the race of setting it to learn it;
// all bits set when it cannot be read.
mode_t current_umask() {
  FileDescriptor status(::open("/proc/self/status", O_RDONLY | O_CLOEXEC));
  char text[4096];
  ssize_t size = status.valid() ? ::read(status.get(), text, sizeof text - 1) : -1;
  if (size <= 0) return 07777;
  text[size] = '\0';
  const char* field = std::strstr(text, "\nUmask:");
  if (field == nullptr) return 07777;
  return static_cast<mode_t>(std::strtoul(field + 7, nullptr, 8));
}

bool TreeCopier::run(std::string* err) {
  FileDescriptor source_root(
      ::open(source_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME));
  if (!source_root.valid() && errno == EPERM)
    source_root.reset(::open(source_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!source_root.valid()) {
    *err = "cannot copy " + source_dir_ +
           ": cannot open it as a directory: " + std::strerror(errno) +
           "; name an existing directory";
    return false;
  }
  Frame root;
  if (::statx(source_root.get(), "", AT_EMPTY_PATH | kStatxFlags, kStatxMask, &root.status) != 0) {
    fail("", "reading its status", errno);
    *err = error_;
    return false;
  }
  mount_ids_known_ = (root.status.stx_mask & STATX_MNT_ID) != 0;
  source_mount_id_ = root.status.stx_mnt_id;
  source_root_key_ = key_of(root.status);

  target_root_.reset(::open(target_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  struct statx target_status;
  if (!target_root_.valid() || ::statx(target_root_.get(), "", AT_EMPTY_PATH | kStatxFlags,
                                       kStatxMask, &target_status) != 0) {
    *err = "cannot copy into " + target_dir_ + ": " + std::strerror(errno) +
           "; create it as an empty directory first";
    return false;
  }
  target_key_ = key_of(target_status);
  // Every directory made below the target gets its owner only once its
  // contents are in, so new files get our ids, or under a setgid or grpid
  // directory the target's group, which then is ours too.
  new_files_owned_by_us_ = target_status.stx_gid == ::getegid();
  // The target becomes a copy of the source's root, so it loses its ACLs
  // (the source's come at the end), and a default ACL would otherwise be
  // inherited by every entry copied and decide modes in place of the umask.
  for (const char* acl : {"system.posix_acl_default", "system.posix_acl_access"}) {
    if (::fremovexattr(target_root_.get(), acl) != 0 && errno != ENODATA && errno != EOPNOTSUPP) {
      *err = "cannot copy into " + target_dir_ + ": cannot remove its " + acl + ": " +
             std::strerror(errno) + "; run sdme-import as root and retry";
      return false;
    }
  }
  umask_ = current_umask();
  {
    DirectoryStream listing(::fdopendir(::dup(target_root_.get())));
    if (!listing) {
      *err = "cannot copy into " + target_dir_ + ": " + std::strerror(errno) +
             "; create it as an empty directory first";
      return false;
    }
    while (struct dirent* entry = ::readdir(listing.get())) {
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) {
        *err =
            "cannot copy into " + target_dir_ + ": it is not empty; remove its contents and retry";
        return false;
      }
    }
  }

  struct rlimit descriptors;
  if (::getrlimit(RLIMIT_NOFILE, &descriptors) == 0 && descriptors.rlim_cur != RLIM_INFINITY) {
    rlim_t levels = descriptors.rlim_cur > kReservedDescriptors
                        ? (descriptors.rlim_cur - kReservedDescriptors) / 2
                        : 1;
    if (levels < kMaxDepth) {
      max_depth_ = static_cast<size_t>(levels);
      depth_limited_by_descriptors_ = true;
    }
  }

  root.target.reset(::dup(target_root_.get()));
  root.source.reset(::fdopendir(source_root.release()));
  if (!root.source || !root.target.valid()) {
    fail("", "opening it", errno);
    *err = error_;
    return false;
  }
  stack_.reserve(64);
  stack_.push_back(std::move(root));

  while (!stack_.empty()) {
    size_t index = stack_.size() - 1;
    errno = 0;
    struct dirent* entry = ::readdir(stack_[index].source.get());
    if (entry == nullptr) {
      if (errno != 0) {
        fail(stack_[index].relative_path, "reading the directory", errno);
        *err = error_;
        return false;
      }
      if (!finish_directory(stack_[index], true)) {
        *err = error_;
        return false;
      }
      stack_.pop_back();
      continue;
    }
    const char* name = entry->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    if (cancelled()) {
      *err = "interrupted";
      return false;
    }
    if (!copy_entry(index, name, entry->d_type)) {
      *err = error_;
      return false;
    }
  }
  if (options_.progress) options_.progress(counters_.bytes, 0);
  return true;
}

bool TreeCopier::copy_entry(size_t parent_index, const char* name, unsigned char type) {
  const Frame& parent = stack_[parent_index];
  std::string relative_path =
      parent.relative_path.empty() ? std::string(name) : parent.relative_path + "/" + name;
  // Regular files are opened first and examined through the descriptor:
  // one lookup fewer for the most common entry.
  if (type == DT_REG) return copy_regular_file(parent, name, type, relative_path);

  struct statx status;
  if (::statx(::dirfd(parent.source.get()), name, kStatxFlags, kStatxMask, &status) != 0)
    return fail(relative_path, "reading its status", errno);
  if (S_ISDIR(status.stx_mode)) {
    if (key_of(status) == target_key_) return true;  // the copy itself, inside the source
    return copy_directory(parent_index, name, status, relative_path);
  }
  if (S_ISREG(status.stx_mode)) return copy_regular_file(parent, name, DT_UNKNOWN, relative_path);

  int target_fd = parent.target.get();
  if (status.stx_nlink > 1) {
    auto found = links_.find(key_of(status));
    if (found != links_.end()) {
      if (!link_beneath(target_root_.get(), found->second, target_fd, name))
        return fail(relative_path, "creating a hard link", errno);
      ++counters_.entries;
      return true;
    }
  }
  bool copied = S_ISLNK(status.stx_mode) ? copy_symlink(parent, name, status, relative_path)
                                         : copy_special_file(parent, name, status, relative_path);
  if (!copied) return false;
  if (status.stx_nlink > 1) links_.emplace(key_of(status), relative_path);
  ++counters_.entries;
  return true;
}

bool TreeCopier::copy_directory(size_t parent_index, const char* name, const struct statx& status,
                                const std::string& relative_path) {
  int parent_target = stack_[parent_index].target.get();
  int parent_source = ::dirfd(stack_[parent_index].source.get());
  // Created closed; the real mode comes once the contents are in.
  if (::mkdirat(parent_target, name, 0700) != 0)
    return fail(relative_path, "creating the directory", errno);
  ++counters_.entries;
  Frame frame;
  frame.relative_path = relative_path;
  frame.status = status;
  BeneathFailure failure;
  if (!open_beneath(parent_target, name, O_RDONLY | O_DIRECTORY, &frame.target, &failure))
    return fail(relative_path, "opening the copied directory", failure.error);

  bool other_mount = mount_ids_known_ ? status.stx_mnt_id != source_mount_id_
                                      : makedev(status.stx_dev_major, status.stx_dev_minor) !=
                                            source_root_key_.device;
  if (other_mount && !options_.cross_mounts) {
    // A mount point, like /proc: the directory, none of what is mounted on it.
    return finish_directory(frame, false);
  }
  if (stack_.size() >= max_depth_) {
    if (depth_limited_by_descriptors_)
      error_ = "cannot copy " + source_path(relative_path) + ": directories nest deeper than " +
               std::to_string(max_depth_) +
               " levels, more than the open-file limit allows; raise the open-file limit "
               "(LimitNOFILE=) and retry";
    else
      error_ = "cannot copy " + source_path(relative_path) + ": directories nest deeper than " +
               std::to_string(max_depth_) + " levels; flatten the tree and retry";
    return false;
  }
  int source_fd = open_entry(parent_source, name, O_RDONLY | O_DIRECTORY);
  if (source_fd < 0) return fail(relative_path, "opening the directory", errno);
  frame.source.reset(::fdopendir(source_fd));
  if (!frame.source) {
    int error = errno;
    ::close(source_fd);
    return fail(relative_path, "opening the directory", error);
  }
  stack_.push_back(std::move(frame));
  return true;
}

bool TreeCopier::finish_directory(const Frame& frame, bool with_attributes) {
  int target_fd = frame.target.get();
  if (!set_owner_and_mode(target_fd, frame.status, frame.relative_path)) return false;
  if (with_attributes &&
      !copy_attributes({::dirfd(frame.source.get()), {}}, {target_fd, {}}, frame.relative_path))
    return false;
  return set_times(-1, nullptr, target_fd, frame.status, frame.relative_path);
}

bool TreeCopier::copy_regular_file(const Frame& parent, const char* name, unsigned char type,
                                   const std::string& relative_path) {
  // O_NONBLOCK: should the entry have become a FIFO since it was listed,
  // opening it must not hang; the status check below then refuses it.
  constexpr int kOpenFlags = O_RDONLY | O_NOCTTY | O_NONBLOCK;
  FileDescriptor source(open_entry(::dirfd(parent.source.get()), name, kOpenFlags));
  if (!source.valid()) {
    // Listed as a file but now a symlink (ELOOP): look again.
    if (errno == ELOOP && type == DT_REG) return copy_entry(stack_.size() - 1, name, DT_UNKNOWN);
    return fail(relative_path, "opening the file", errno);
  }
  struct statx status;
  if (::statx(source.get(), "", AT_EMPTY_PATH | kStatxFlags, STATX_BASIC_STATS, &status) != 0)
    return fail(relative_path, "reading its status", errno);
  if (!S_ISREG(status.stx_mode)) {
    error_ = "cannot copy " + source_path(relative_path) +
             ": it changed during the copy; stop whatever writes to the source and retry";
    return false;
  }

  int target_directory = parent.target.get();
  if (status.stx_nlink > 1) {
    auto found = links_.find(key_of(status));
    if (found != links_.end()) {
      if (!link_beneath(target_root_.get(), found->second, target_directory, name))
        return fail(relative_path, "creating a hard link", errno);
      ++counters_.entries;
      return true;
    }
  }
  mode_t permissions = status.stx_mode & 07777;
  bool set_owner =
      !new_files_owned_by_us_ || status.stx_uid != ::geteuid() || status.stx_gid != ::getegid();
  bool set_mode = (permissions & (07000 | umask_)) != 0;
  FileDescriptor target(::openat(target_directory, name,
                                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                 set_mode ? 0600 : permissions));
  if (!target.valid()) return fail(relative_path, "creating the copy", errno);
  ++counters_.entries;
  if (!copy_data(source.get(), target.get(), status, relative_path)) return false;
  // chown clears setuid bits and file capabilities, so it comes first,
  // then the mode, then the attributes, and the times last of all.
  if (set_owner && ::fchown(target.get(), status.stx_uid, status.stx_gid) != 0)
    return fail(relative_path, "setting its owner", errno);
  if (set_mode && ::fchmod(target.get(), permissions) != 0)
    return fail(relative_path, "setting its mode", errno);
  if (!copy_attributes({source.get(), {}}, {target.get(), {}}, relative_path)) return false;
  if (!set_times(-1, nullptr, target.get(), status, relative_path)) return false;
  if (::close(target.release()) != 0) return fail(relative_path, "writing the copy", errno);
  if (status.stx_nlink > 1) links_.emplace(key_of(status), relative_path);
  return true;
}

bool TreeCopier::copy_data(int source_fd, int target_fd, const struct statx& status,
                           const std::string& relative_path) {
  uint64_t size = status.stx_size;
  if (size == 0) return true;
  // A reflink shares the extents, holes included, and costs no data copy.
  if (try_clone_) {
    if (::ioctl(target_fd, FICLONE, source_fd) == 0) {
      add_bytes(size);
      return cancelled() ? fail_cancelled() : true;
    }
    if (errno == EOPNOTSUPP || errno == ENOTTY || errno == EXDEV || errno == ENOSYS)
      try_clone_ = false;
  }
  uint64_t copied = 0;
  bool sparse = status.stx_blocks * 512 < size;
  if (sparse) {
    uint64_t offset = 0;
    while (offset < size) {
      off_t data = ::lseek(source_fd, static_cast<off_t>(offset), SEEK_DATA);
      if (data < 0) {
        if (errno == ENXIO) break;  // only a hole remains
        if (errno == EINVAL) {      // no hole support: copy it all
          sparse = false;
          break;
        }
        return fail(relative_path, "finding its data", errno);
      }
      off_t hole = ::lseek(source_fd, data, SEEK_HOLE);
      if (hole < 0) return fail(relative_path, "finding its holes", errno);
      uint64_t length = static_cast<uint64_t>(hole - data);
      add_bytes(static_cast<uint64_t>(data) - offset);  // the hole before counts as copied
      uint64_t done = 0;
      if (!copy_range(source_fd, target_fd, static_cast<uint64_t>(data), length, relative_path,
                      &done))
        return false;
      offset = static_cast<uint64_t>(data) + done;
      if (done < length) break;  // the file shrank meanwhile
    }
    if (sparse) {
      if (offset < size) add_bytes(size - offset);
      if (::ftruncate(target_fd, static_cast<off_t>(size)) != 0)
        return fail(relative_path, "writing the copy", errno);
      return true;
    }
  }
  return copy_range(source_fd, target_fd, 0, size, relative_path, &copied);
}

bool TreeCopier::copy_range(int source_fd, int target_fd, uint64_t offset, uint64_t length,
                            const std::string& relative_path, uint64_t* copied) {
  *copied = 0;
  while (*copied < length) {
    if (cancelled()) return fail_cancelled();
    uint64_t chunk = std::min(length - *copied, kCopyChunkSize);
    off_t position = static_cast<off_t>(offset + *copied);
    ssize_t count = -1;
    if (try_copy_file_range_) {
      off_t in = position, out = position;
      count = ::copy_file_range(source_fd, &in, target_fd, &out, chunk, 0);
      if (count < 0) {
        if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
          return fail(relative_path, "copying data", errno);
        try_copy_file_range_ = false;
      }
    }
    if (!try_copy_file_range_) {
      if (!data_buffer_) data_buffer_.reset(new char[kReadWriteBufferSize]);
      count = ::pread(source_fd, data_buffer_.get(),
                      std::min<uint64_t>(chunk, kReadWriteBufferSize), position);
      if (count < 0) {
        if (errno == EINTR) continue;
        return fail(relative_path, "reading the file", errno);
      }
      for (ssize_t written = 0; written < count;) {
        ssize_t result = ::pwrite(target_fd, data_buffer_.get() + written,
                                  static_cast<size_t>(count - written), position + written);
        if (result < 0) {
          if (errno == EINTR) continue;
          return fail(relative_path, "writing the copy", errno);
        }
        written += result;
      }
    }
    if (count == 0) return true;  // the file shrank meanwhile; copy what there is, like cp
    *copied += static_cast<uint64_t>(count);
    add_bytes(static_cast<uint64_t>(count));
  }
  return true;
}

bool TreeCopier::copy_symlink(const Frame& parent, const char* name, const struct statx& status,
                              const std::string& relative_path) {
  int source_directory = ::dirfd(parent.source.get());
  int target_directory = parent.target.get();
  // Some file systems report a size of 0 for symlinks; grow until it fits.
  std::string destination(status.stx_size > 0 ? status.stx_size + 1 : 256, '\0');
  for (;;) {
    ssize_t length = ::readlinkat(source_directory, name, destination.data(), destination.size());
    if (length < 0) return fail(relative_path, "reading the symlink", errno);
    if (static_cast<size_t>(length) < destination.size()) {
      destination.resize(static_cast<size_t>(length));
      break;
    }
    destination.resize(destination.size() * 2);
  }
  if (::symlinkat(destination.c_str(), target_directory, name) != 0)
    return fail(relative_path, "creating the symlink", errno);
  if (::fchownat(target_directory, name, status.stx_uid, status.stx_gid, AT_SYMLINK_NOFOLLOW) != 0)
    return fail(relative_path, "setting its owner", errno);
  if (!copy_attributes(beneath(source_directory, name), beneath(target_directory, name),
                       relative_path))
    return false;
  return set_times(target_directory, name, -1, status, relative_path);
}

bool TreeCopier::copy_special_file(const Frame& parent, const char* name,
                                   const struct statx& status, const std::string& relative_path) {
  int source_directory = ::dirfd(parent.source.get());
  int target_directory = parent.target.get();
  // Device nodes, FIFOs and sockets are made, never opened: opening a
  // device can have side effects and a FIFO would block.
  dev_t device = makedev(status.stx_rdev_major, status.stx_rdev_minor);
  if (::mknodat(target_directory, name, (status.stx_mode & S_IFMT) | 0600, device) != 0)
    return fail(relative_path, "creating the node", errno);
  if (::fchownat(target_directory, name, status.stx_uid, status.stx_gid, AT_SYMLINK_NOFOLLOW) != 0)
    return fail(relative_path, "setting its owner", errno);
  if (::fchmodat(target_directory, name, status.stx_mode & 07777, AT_SYMLINK_NOFOLLOW) != 0)
    return fail(relative_path, "setting its mode", errno);
  if (!copy_attributes(beneath(source_directory, name), beneath(target_directory, name),
                       relative_path))
    return false;
  return set_times(target_directory, name, -1, status, relative_path);
}

bool TreeCopier::set_owner_and_mode(int fd, const struct statx& status,
                                    const std::string& relative_path) {
  if (::fchown(fd, status.stx_uid, status.stx_gid) != 0)
    return fail(relative_path, "setting its owner", errno);
  if (::fchmod(fd, status.stx_mode & 07777) != 0)
    return fail(relative_path, "setting its mode", errno);
  return true;
}

bool TreeCopier::set_times(int directory_fd, const char* name, int fd, const struct statx& status,
                           const std::string& relative_path) {
  struct timespec times[2] = {
      {status.stx_atime.tv_sec, status.stx_atime.tv_nsec},
      {status.stx_mtime.tv_sec, status.stx_mtime.tv_nsec},
  };
  int result =
      fd >= 0 ? ::futimens(fd, times) : ::utimensat(directory_fd, name, times, AT_SYMLINK_NOFOLLOW);
  if (result != 0) return fail(relative_path, "setting its timestamps", errno);
  return true;
}

// Every attribute, whatever its namespace: user.*, trusted.* (we run as
// root), security.* (file capabilities, SELinux labels) and system.* (ACLs).
bool TreeCopier::copy_attributes(const AttributeHandle& source, const AttributeHandle& target,
                                 const std::string& relative_path) {
  char* names = names_buffer_.get();
  ssize_t list_size = source.fd >= 0 ? ::flistxattr(source.fd, names, kXattrBufferSize)
                                     : ::llistxattr(source.path.c_str(), names, kXattrBufferSize);
  if (list_size < 0) {
    if (errno == EOPNOTSUPP) return true;  // a source file system without attributes
    return fail(relative_path, "listing its extended attributes", errno);
  }
  char* value = value_buffer_.get();
  for (ssize_t offset = 0; offset < list_size;) {
    const char* name = names + offset;
    offset += static_cast<ssize_t>(std::strlen(name)) + 1;
    ssize_t value_size = source.fd >= 0
                             ? ::fgetxattr(source.fd, name, value, kXattrBufferSize)
                             : ::lgetxattr(source.path.c_str(), name, value, kXattrBufferSize);
    if (value_size < 0) {
      if (errno == ENODATA) continue;  // removed since it was listed
      return fail(relative_path, std::string("reading extended attribute ") + name, errno);
    }
    int result =
        target.fd >= 0
            ? ::fsetxattr(target.fd, name, value, static_cast<size_t>(value_size), 0)
            : ::lsetxattr(target.path.c_str(), name, value, static_cast<size_t>(value_size), 0);
    if (result != 0)
      return fail(relative_path, std::string("setting extended attribute ") + name, errno);
  }
  return true;
}

}  // namespace

bool copy_tree(const std::string& source_dir, const std::string& target_dir,
               const TreeCopyOptions& options, TreeCopyCounters* counters, std::string* err) {
  TreeCopier copier(source_dir, target_dir, options);
  bool copied = copier.run(err);
  if (counters != nullptr) *counters = copier.counters();
  return copied;
}

}  // namespace sdme::import
