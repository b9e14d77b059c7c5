// Tests for the directory import's tree copy: every property a root file
// system depends on survives, nothing outside the source is reached, and
// failures say what to do. Run as root in a scratch directory under
// /var/tmp, with real mounts, device nodes and extended attributes.
#include "import/sources/tree_copy.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using ::sdme::test_support::directory_entries;
using ::sdme::test_support::entry_kind;
using ::sdme::test_support::link_target;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

// Reads without touching atime, so describing a tree does not change it.
constexpr int kNoAtime = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME;

std::string hex(const char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (size_t i = 0; i < size; ++i) {
    text += kDigits[static_cast<unsigned char>(data[i]) >> 4];
    text += kDigits[static_cast<unsigned char>(data[i]) & 15];
  }
  return text;
}

std::string attributes_of(const std::string& path) {
  char names[65536];
  ssize_t size = ::llistxattr(path.c_str(), names, sizeof names);
  if (size < 0) return "?";
  std::vector<std::string> sorted;
  for (ssize_t offset = 0; offset < size; offset += std::strlen(names + offset) + 1)
    sorted.push_back(names + offset);
  std::sort(sorted.begin(), sorted.end());
  std::string text;
  for (const std::string& name : sorted) {
    char value[65536];
    ssize_t length = ::lgetxattr(path.c_str(), name.c_str(), value, sizeof value);
    text += " " + name + "=" + hex(value, length < 0 ? 0 : static_cast<size_t>(length));
  }
  return text;
}

std::string content_of(const std::string& path) {
  int fd = ::open(path.c_str(), kNoAtime);
  if (fd < 0) return "?";
  std::string content;
  char buffer[65536];
  ssize_t count;
  while ((count = ::read(fd, buffer, sizeof buffer)) > 0) content.append(buffer, count);
  ::close(fd);
  return content;
}

// Everything a copy must keep about each entry below `root`, by relative
// path: type, owner, mode, device number, link count, nanosecond times,
// link target, contents of small files and every extended attribute.
void describe(const std::string& root, const std::string& relative,
              std::map<std::string, std::string>* entries) {
  std::string path = relative.empty() ? root : root + "/" + relative;
  std::string target;
  char link[4096];
  // Before lstat: reading a link may update its atime once.
  ssize_t link_length = ::readlink(path.c_str(), link, sizeof link);
  if (link_length >= 0) target = std::string(link, link_length);
  struct stat status;
  if (::lstat(path.c_str(), &status) != 0) {
    (*entries)[relative] = "missing";
    return;
  }
  std::string text =
      "mode=" + std::to_string(status.st_mode) + " owner=" + std::to_string(status.st_uid) + ":" +
      std::to_string(status.st_gid) + " links=" + std::to_string(status.st_nlink) +
      " rdev=" + std::to_string(status.st_rdev) +
      " atime=" + std::to_string(status.st_atim.tv_sec) + "." +
      std::to_string(status.st_atim.tv_nsec) + " mtime=" + std::to_string(status.st_mtim.tv_sec) +
      "." + std::to_string(status.st_mtim.tv_nsec) + attributes_of(path);
  if (S_ISLNK(status.st_mode)) text += " -> " + target;
  if (S_ISREG(status.st_mode)) {
    text += " size=" + std::to_string(status.st_size);
    if (status.st_size <= (1 << 20))
      text += " content=" + hex(content_of(path).data(), status.st_size);
  }
  (*entries)[relative] = text;
  if (!S_ISDIR(status.st_mode)) return;
  int fd = ::open(path.c_str(), kNoAtime | O_DIRECTORY);
  ASSERT_GE(fd, 0) << path;
  DIR* directory = ::fdopendir(fd);
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(directory))
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
      names.push_back(entry->d_name);
  ::closedir(directory);
  for (const std::string& name : names)
    describe(root, relative.empty() ? name : relative + "/" + name, entries);
}

std::map<std::string, std::string> description_of(const std::string& root) {
  std::map<std::string, std::string> entries;
  describe(root, "", &entries);
  return entries;
}

void set_times(const std::string& path, time_t seconds, long nanoseconds) {
  struct timespec times[2] = {{seconds + 1000, nanoseconds + 1}, {seconds, nanoseconds}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

void set_attribute(const std::string& path, const std::string& name, const std::string& value) {
  ASSERT_EQ(::lsetxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0), 0)
      << path << " " << name << ": " << std::strerror(errno);
}

std::string little_endian(uint32_t value, int bytes) {
  std::string text;
  for (int i = 0; i < bytes; ++i) text += static_cast<char>((value >> (8 * i)) & 0xff);
  return text;
}

// A POSIX ACL as the kernel stores it in system.posix_acl_*: owner rw,
// user 1000 r, group r, mask r, others nothing.
std::string access_control_list() {
  std::string acl = little_endian(2, 4);  // version
  auto entry = [&](uint16_t tag, uint16_t permissions, uint32_t id) {
    acl += little_endian(tag, 2) + little_endian(permissions, 2) + little_endian(id, 4);
  };
  entry(0x01, 6, 0xffffffff);  // owner
  entry(0x02, 4, 1000);        // user 1000
  entry(0x04, 4, 0xffffffff);  // group
  entry(0x10, 4, 0xffffffff);  // mask
  entry(0x20, 0, 0xffffffff);  // others
  return acl;
}

// security.capability, revision 2: cap_net_bind_service=ep.
std::string file_capability() {
  return little_endian(0x02000001, 4) + little_endian(1u << 10, 4) + little_endian(0, 4) +
         little_endian(0, 4) + little_endian(0, 4);
}

class TreeCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "the helpers' tests run as root";
    scratch_.emplace();
    // Reading a symlink updates its atime, whatever the reader does, and
    // relatime decides when: on a noatime mount times hold still, so a
    // copy can be compared with its source exactly.
    const std::string& scratch = scratch_->path();
    ASSERT_EQ(::mount(scratch.c_str(), scratch.c_str(), nullptr, MS_BIND, nullptr), 0);
    ASSERT_EQ(
        ::mount(nullptr, scratch.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_NOATIME, nullptr), 0);
    source_ = scratch + "/source";
    target_ = scratch + "/target";
    std::filesystem::create_directory(source_);
    std::filesystem::create_directory(target_);
  }
  void TearDown() override { scratch_.reset(); }

  bool copy(std::string* err, TreeCopyCounters* counters = nullptr,
            const TreeCopyOptions& options = {}) {
    return copy_tree(source_, target_, options, counters, err);
  }
  void copy_successfully(TreeCopyCounters* counters = nullptr) {
    std::string err;
    ASSERT_TRUE(copy(&err, counters)) << err;
  }
  std::string copy_error(const TreeCopyOptions& options = {}) {
    std::string err;
    EXPECT_FALSE(copy(&err, nullptr, options));
    return err;
  }

  std::optional<ScratchDirectory> scratch_;
  std::string source_;
  std::string target_;
};

TEST_F(TreeCopyTest, KeepsOwnersModesAttributesTimesAndContents) {
  write_test_file(source_ + "/usr/bin/ping", "ping binary");
  write_test_file(source_ + "/usr/bin/su", "su binary");
  write_test_file(source_ + "/etc/shadow", "root:*:");
  write_test_file(source_ + "/etc/empty", "");
  write_test_file(source_ + "/home/user/notes", "mine");
  std::filesystem::create_directories(source_ + "/tmp");
  std::filesystem::create_directories(source_ + "/srv/shared");
  std::filesystem::create_directories(source_ + "/var/mail");

  // A capability on a file owned by someone else, with setuid: chown after
  // either would clear both.
  ASSERT_EQ(::chown((source_ + "/usr/bin/ping").c_str(), 1000, 1000), 0);
  ASSERT_EQ(::chmod((source_ + "/usr/bin/ping").c_str(), 04755), 0);
  set_attribute(source_ + "/usr/bin/ping", "security.capability", file_capability());
  ASSERT_EQ(::chmod((source_ + "/usr/bin/su").c_str(), 06755), 0);
  ASSERT_EQ(::chown((source_ + "/etc/shadow").c_str(), 0, 42), 0);
  ASSERT_EQ(::chmod((source_ + "/etc/shadow").c_str(), 0640), 0);
  ASSERT_EQ(::chown((source_ + "/home/user").c_str(), 1000, 1000), 0);
  ASSERT_EQ(::chown((source_ + "/home/user/notes").c_str(), 1000, 1000), 0);
  set_attribute(source_ + "/home/user/notes", "system.posix_acl_access", access_control_list());
  set_attribute(source_ + "/home/user/notes", "user.origin", "notes");
  set_attribute(source_ + "/home/user/notes", "trusted.overlay.opaque", "y");
  ASSERT_EQ(::chmod((source_ + "/tmp").c_str(), 01777), 0);
  ASSERT_EQ(::chown((source_ + "/var/mail").c_str(), 0, 8), 0);
  ASSERT_EQ(::chmod((source_ + "/var/mail").c_str(), 02775), 0);
  set_attribute(source_ + "/srv/shared", "system.posix_acl_default", access_control_list());
  set_attribute(source_ + "/srv/shared", "trusted.overlay.opaque", "y");
  ASSERT_EQ(::chmod((source_ + "/srv").c_str(), 0555), 0);  // read-only, yet filled
  ASSERT_EQ(::symlink("/etc", (source_ + "/etc-link").c_str()), 0);
  ASSERT_EQ(::lchown((source_ + "/etc-link").c_str(), 1000, 1001), 0);
  set_attribute(source_ + "/etc-link", "trusted.label", "link");
  ASSERT_EQ(::chmod(source_.c_str(), 0750), 0);
  ASSERT_EQ(::chown(source_.c_str(), 7, 8), 0);

  long nanoseconds = 123456789;
  for (const char* path :
       {"/usr/bin/ping", "/usr/bin/su", "/etc/shadow", "/etc/empty", "/home/user/notes",
        "/etc-link", "/usr/bin", "/usr", "/etc", "/home/user", "/home", "/tmp", "/srv/shared",
        "/srv", "/var/mail", "/var", ""}) {
    set_times(source_ + path, 1600000000 + nanoseconds % 1000, nanoseconds);
    ++nanoseconds;
  }

  std::map<std::string, std::string> before = description_of(source_);
  TreeCopyCounters counters;
  copy_successfully(&counters);
  EXPECT_EQ(description_of(target_), before);
  EXPECT_EQ(description_of(source_), before);  // reading the source left no trace
  EXPECT_EQ(counters.entries, before.size() - 1);
  EXPECT_EQ(counters.bytes, std::string("ping binarysu binaryroot:*:mine").size());
  // The description compares them; these make a failure easy to read.
  EXPECT_EQ(attributes_of(target_ + "/usr/bin/ping"),
            " security.capability=" + hex(file_capability().data(), 20));
  EXPECT_EQ(test_support::permission_bits(target_ + "/usr/bin/ping"), 04755);
  EXPECT_EQ(test_support::permission_bits(target_ + "/tmp"), 01777);
  EXPECT_EQ(link_target(target_ + "/etc-link"), "/etc");
}

// Nothing the target would pass on to new entries (a setgid group, a
// default ACL) nor a strict umask shows in the copy; new files skip chown
// and chmod only when creating them gets both right.
TEST_F(TreeCopyTest, KeepsOwnersAndModesWhateverTheTargetInherits) {
  test_support::ScopedUmask umask(0077);
  write_test_file(source_ + "/etc/motd", "hello");
  write_test_file(source_ + "/etc/group", "root:x:0:");
  ASSERT_EQ(::chmod((source_ + "/etc/motd").c_str(), 0644), 0);
  ASSERT_EQ(::chmod((source_ + "/etc/group").c_str(), 0664), 0);
  ASSERT_EQ(::chown(target_.c_str(), 0, 50), 0);
  ASSERT_EQ(::chmod(target_.c_str(), 02775), 0);
  set_attribute(target_, "system.posix_acl_default", access_control_list());

  std::map<std::string, std::string> before = description_of(source_);
  copy_successfully();
  EXPECT_EQ(description_of(target_), before);
}

TEST_F(TreeCopyTest, KeepsHardLinksAsOneInode) {
  write_test_file(source_ + "/bin/gzip", "gzip");
  std::filesystem::create_directories(source_ + "/usr/bin");
  ASSERT_EQ(::link((source_ + "/bin/gzip").c_str(), (source_ + "/usr/bin/gunzip").c_str()), 0);
  ASSERT_EQ(::link((source_ + "/bin/gzip").c_str(), (source_ + "/zcat").c_str()), 0);
  ASSERT_EQ(::mkfifo((source_ + "/fifo").c_str(), 0600), 0);
  ASSERT_EQ(::link((source_ + "/fifo").c_str(), (source_ + "/bin/fifo-link").c_str()), 0);
  ASSERT_EQ(::symlink("gzip", (source_ + "/bin/symlink").c_str()), 0);
  ASSERT_EQ(::link((source_ + "/bin/symlink").c_str(), (source_ + "/symlink-link").c_str()), 0);

  std::map<std::string, std::string> before = description_of(source_);
  TreeCopyCounters counters;
  copy_successfully(&counters);
  EXPECT_EQ(description_of(target_), before);
  auto inode = [](const std::string& path) {
    struct stat status;
    return ::lstat(path.c_str(), &status) == 0 ? status.st_ino : 0;
  };
  EXPECT_NE(inode(target_ + "/bin/gzip"), 0u);
  EXPECT_EQ(inode(target_ + "/bin/gzip"), inode(target_ + "/usr/bin/gunzip"));
  EXPECT_EQ(inode(target_ + "/bin/gzip"), inode(target_ + "/zcat"));
  EXPECT_EQ(inode(target_ + "/fifo"), inode(target_ + "/bin/fifo-link"));
  EXPECT_EQ(inode(target_ + "/bin/symlink"), inode(target_ + "/symlink-link"));
  EXPECT_EQ(counters.bytes, 4u);  // one inode, copied once
}

TEST_F(TreeCopyTest, NeverFollowsSymlinks) {
  std::string outside = scratch_->path() + "/outside";
  write_test_file(outside + "/secret", "outside");
  ASSERT_EQ(::symlink(outside.c_str(), (source_ + "/absolute").c_str()), 0);
  ASSERT_EQ(::symlink("../outside", (source_ + "/relative").c_str()), 0);
  ASSERT_EQ(::symlink("loop-b", (source_ + "/loop-a").c_str()), 0);
  ASSERT_EQ(::symlink("loop-a", (source_ + "/loop-b").c_str()), 0);
  ASSERT_EQ(::symlink("itself", (source_ + "/itself").c_str()), 0);
  ASSERT_EQ(::symlink("missing", (source_ + "/dangling").c_str()), 0);

  copy_successfully();
  EXPECT_EQ(entry_kind(target_ + "/absolute"), "symlink");
  EXPECT_EQ(link_target(target_ + "/absolute"), outside);
  EXPECT_EQ(link_target(target_ + "/relative"), "../outside");
  EXPECT_EQ(link_target(target_ + "/loop-a"), "loop-b");
  EXPECT_EQ(link_target(target_ + "/loop-b"), "loop-a");
  EXPECT_EQ(link_target(target_ + "/itself"), "itself");
  EXPECT_EQ(link_target(target_ + "/dangling"), "missing");
  EXPECT_EQ(directory_entries(target_), (std::vector<std::string>{"absolute", "dangling", "itself",
                                                                  "loop-a", "loop-b", "relative"}));
  EXPECT_EQ(directory_entries(outside), std::vector<std::string>{"secret"});
}

TEST_F(TreeCopyTest, MakesDeviceNodesFifosAndSocketsWithoutOpeningThem) {
  std::filesystem::create_directories(source_ + "/dev");
  // Mode 0: nobody could open them, and copying must not try.
  ASSERT_EQ(::mknod((source_ + "/dev/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  ASSERT_EQ(::mknod((source_ + "/dev/zero").c_str(), S_IFCHR | 0, makedev(1, 5)), 0);
  ASSERT_EQ(::mknod((source_ + "/dev/loop7").c_str(), S_IFBLK | 0660, makedev(7, 7)), 0);
  ASSERT_EQ(::chown((source_ + "/dev/loop7").c_str(), 0, 6), 0);
  ASSERT_EQ(::mknod((source_ + "/dev/initctl").c_str(), S_IFIFO | 0, 0), 0);
  ASSERT_EQ(::mknod((source_ + "/dev/log").c_str(), S_IFSOCK | 0666, 0), 0);
  set_attribute(source_ + "/dev/null", "trusted.label", "null");
  set_times(source_ + "/dev/initctl", 1500000000, 5);
  set_times(source_ + "/dev", 1500000001, 6);

  std::map<std::string, std::string> before = description_of(source_);
  copy_successfully();
  EXPECT_EQ(description_of(target_), before);
  struct stat status;
  ASSERT_EQ(::lstat((target_ + "/dev/loop7").c_str(), &status), 0);
  EXPECT_TRUE(S_ISBLK(status.st_mode));
  EXPECT_EQ(status.st_rdev, makedev(7, 7));
  ASSERT_EQ(::lstat((target_ + "/dev/log").c_str(), &status), 0);
  EXPECT_TRUE(S_ISSOCK(status.st_mode));
}

TEST_F(TreeCopyTest, KeepsHolesInSparseFiles) {
  constexpr off_t kSize = off_t{1} << 30;
  std::string path = source_ + "/disk.img";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  std::string first(4096, 'a'), middle(8192, 'b');
  ASSERT_EQ(::pwrite(fd, first.data(), first.size(), 0), 4096);
  ASSERT_EQ(::pwrite(fd, middle.data(), middle.size(), kSize / 2), 8192);
  ASSERT_EQ(::ftruncate(fd, kSize), 0);  // ends in a hole
  ::close(fd);

  TreeCopyCounters counters;
  copy_successfully(&counters);
  struct stat status;
  ASSERT_EQ(::stat((target_ + "/disk.img").c_str(), &status), 0);
  EXPECT_EQ(status.st_size, kSize);
  EXPECT_LE(status.st_blocks * 512, 1 << 20) << "the holes were filled";
  EXPECT_EQ(counters.bytes, static_cast<uint64_t>(kSize));  // apparent size
  fd = ::open((target_ + "/disk.img").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  std::string read_back(8192, '\0');
  EXPECT_EQ(::pread(fd, read_back.data(), 8192, kSize / 2), 8192);
  EXPECT_EQ(read_back, middle);
  EXPECT_EQ(::pread(fd, read_back.data(), 8192, 0), 8192);
  EXPECT_EQ(read_back, first + std::string(4096, '\0'));
  EXPECT_EQ(::pread(fd, read_back.data(), 8192, kSize - 8192), 8192);
  EXPECT_EQ(read_back, std::string(8192, '\0'));
  ::close(fd);
}

TEST_F(TreeCopyTest, CopiesBetweenFileSystemsAndLargeFiles) {
  // tmpfs to ext4 (or whatever /var/tmp is): no reflink, and
  // copy_file_range may refuse, leaving read and write.
  std::string tmpfs = scratch_->path() + "/tmpfs";
  std::filesystem::create_directory(tmpfs);
  ASSERT_EQ(::mount("tmpfs", tmpfs.c_str(), "tmpfs", 0, "size=64m"), 0);
  source_ = tmpfs;
  std::string data;
  for (int i = 0; data.size() < (20u << 20) + 12345; ++i) data += std::to_string(i) + ",";
  write_test_file(source_ + "/big", data);

  std::map<std::string, std::string> before = description_of(source_);
  copy_successfully();
  EXPECT_EQ(description_of(target_), before);
  EXPECT_TRUE(read_test_file(target_ + "/big") == data);
}

TEST_F(TreeCopyTest, StaysOnTheSourceMount) {
  write_test_file(source_ + "/etc/hostname", "host");
  std::filesystem::create_directories(source_ + "/proc");
  std::filesystem::create_directories(source_ + "/var/lib/sdme");
  ASSERT_EQ(::mount("tmpfs", (source_ + "/proc").c_str(), "tmpfs", 0, "mode=0555"), 0);
  write_test_file(source_ + "/proc/cpuinfo", "not to be copied");
  // A bind mount of the same file system has the same st_dev: it must
  // still count as another mount.
  std::string images = scratch_->path() + "/images";
  write_test_file(images + "/image/etc/os-release", "not to be copied");
  ASSERT_EQ(::mount(images.c_str(), (source_ + "/var/lib/sdme").c_str(), nullptr, MS_BIND, nullptr),
            0);

  copy_successfully();
  EXPECT_EQ(read_test_file(target_ + "/etc/hostname"), "host");
  EXPECT_EQ(entry_kind(target_ + "/proc"), "directory");
  EXPECT_EQ(directory_entries(target_ + "/proc"), std::vector<std::string>{});
  EXPECT_EQ(test_support::permission_bits(target_ + "/proc"), 0555);
  EXPECT_EQ(entry_kind(target_ + "/var/lib/sdme"), "directory");
  EXPECT_EQ(directory_entries(target_ + "/var/lib/sdme"), std::vector<std::string>{});
}

TEST_F(TreeCopyTest, CrossesMountsWhenAskedTo) {
  // A disk image's separate /usr partition, mounted below its root.
  std::filesystem::create_directories(source_ + "/usr");
  ASSERT_EQ(::mount("tmpfs", (source_ + "/usr").c_str(), "tmpfs", 0, "mode=0755"), 0);
  write_test_file(source_ + "/usr/bin/true", "partition content");
  TreeCopyOptions options;
  options.cross_mounts = true;
  std::string err;
  ASSERT_TRUE(copy(&err, nullptr, options)) << err;
  EXPECT_EQ(read_test_file(target_ + "/usr/bin/true"), "partition content");
}

TEST_F(TreeCopyTest, SkipsTheTargetInsideTheSource) {
  write_test_file(source_ + "/etc/hostname", "host");
  std::filesystem::create_directories(source_ + "/var/lib/sdme/rootfs/copy");
  target_ = source_ + "/var/lib/sdme/rootfs/copy";

  copy_successfully();
  EXPECT_EQ(read_test_file(target_ + "/etc/hostname"), "host");
  EXPECT_EQ(entry_kind(target_ + "/var/lib/sdme/rootfs"), "directory");
  EXPECT_EQ(directory_entries(target_ + "/var/lib/sdme/rootfs"), std::vector<std::string>{});
}

TEST_F(TreeCopyTest, CopiesDeepTreesWithoutRecursion) {
  std::string deep = source_;
  int fd = ::open(source_.c_str(), O_RDONLY | O_DIRECTORY);
  for (int level = 0; level < 300; ++level) {
    ASSERT_EQ(::mkdirat(fd, "d", 0755), 0);
    int child = ::openat(fd, "d", O_RDONLY | O_DIRECTORY);
    ::close(fd);
    fd = child;
  }
  ASSERT_EQ(::symlinkat("deepest", fd, "link"), 0);
  ::close(fd);

  copy_successfully();
  std::string path = target_;
  for (int level = 0; level < 300; ++level) path += "/d";
  EXPECT_EQ(link_target(path + "/link"), "deepest");
}

TEST_F(TreeCopyTest, RefusesTreesDeeperThanTheOpenFileLimitAllows) {
  int fd = ::open(source_.c_str(), O_RDONLY | O_DIRECTORY);
  for (int level = 0; level < 120; ++level) {
    ASSERT_EQ(::mkdirat(fd, "d", 0755), 0);
    int child = ::openat(fd, "d", O_RDONLY | O_DIRECTORY);
    ::close(fd);
    fd = child;
  }
  ::close(fd);
  struct rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  struct rlimit lowered = saved;
  lowered.rlim_cur = 256;  // (256 - 64) / 2 = 96 levels
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  std::string err = copy_error();
  ::setrlimit(RLIMIT_NOFILE, &saved);
  std::string path = source_;
  for (int level = 0; level < 96; ++level) path += "/d";
  EXPECT_EQ(err, "cannot copy " + path +
                     ": directories nest deeper than 96 levels, more than the open-file limit "
                     "allows; raise the open-file limit (LimitNOFILE=) and retry");
}

TEST_F(TreeCopyTest, StopsWhenCancelled) {
  write_test_file(source_ + "/a", "a");
  std::atomic<bool> cancel{true};
  TreeCopyOptions options;
  options.cancel = &cancel;
  EXPECT_EQ(copy_error(options), "interrupted");
  EXPECT_EQ(directory_entries(target_), std::vector<std::string>{});
}

TEST_F(TreeCopyTest, StopsWhenCancelledInsideALargeFile) {
  write_test_file(source_ + "/big", std::string(200u << 20, 'x'));
  std::atomic<bool> cancel{false};
  std::vector<uint64_t> reports;
  TreeCopyOptions options;
  options.cancel = &cancel;
  options.progress = [&](uint64_t done, uint64_t total) {
    reports.push_back(done);
    EXPECT_EQ(total, 0u);
    cancel = true;
  };
  EXPECT_EQ(copy_error(options), "interrupted");
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_GE(reports[0], 8u << 20);
  EXPECT_LT(reports[0], 200u << 20);
  struct stat status;
  ASSERT_EQ(::stat((target_ + "/big").c_str(), &status), 0);
  EXPECT_EQ(static_cast<uint64_t>(status.st_size), reports[0]);
}

TEST_F(TreeCopyTest, ReportsProgressUpToTheTotal) {
  write_test_file(source_ + "/a/one", std::string(10u << 20, '1'));
  write_test_file(source_ + "/b/two", std::string(3u << 20, '2'));
  std::vector<uint64_t> reports;
  TreeCopyOptions options;
  options.progress = [&](uint64_t done, uint64_t) { reports.push_back(done); };
  std::string err;
  TreeCopyCounters counters;
  ASSERT_TRUE(copy(&err, &counters, options)) << err;
  ASSERT_FALSE(reports.empty());
  EXPECT_TRUE(std::is_sorted(reports.begin(), reports.end()));
  EXPECT_EQ(reports.back(), 13u << 20);
  EXPECT_EQ(counters.bytes, 13u << 20);
  EXPECT_EQ(counters.entries, 4u);
}

TEST_F(TreeCopyTest, RefusesATargetThatIsNotEmpty) {
  write_test_file(target_ + "/leftover", "x");
  EXPECT_EQ(copy_error(),
            "cannot copy into " + target_ + ": it is not empty; remove its contents and retry");
}

TEST_F(TreeCopyTest, RefusesAMissingSource) {
  source_ = scratch_->path() + "/missing";
  EXPECT_EQ(copy_error(), "cannot copy " + source_ +
                              ": cannot open it as a directory: No such file or directory; name "
                              "an existing directory");
}

TEST_F(TreeCopyTest, SaysWhatToDoWhenTheTargetIsFull) {
  std::string tmpfs = scratch_->path() + "/tmpfs";
  std::filesystem::create_directory(tmpfs);
  ASSERT_EQ(::mount("tmpfs", tmpfs.c_str(), "tmpfs", 0, "size=2m"), 0);
  source_ = tmpfs + "/source";
  target_ = tmpfs + "/target";
  write_test_file(source_ + "/big", std::string(1536u << 10, 'x'));
  std::filesystem::create_directory(target_);
  std::string err = copy_error();
  // Within one file system copy_file_range does the copying.
  EXPECT_EQ(err, "cannot copy " + source_ +
                     "/big: copying data: No space left on device; free space on " + target_ +
                     " and retry");
}

}  // namespace
}  // namespace sdme::import
