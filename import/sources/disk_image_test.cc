// Tests for recognising disk images by their first bytes and importing
// them for real: a bare ext4 image, a GPT disk with a root partition and a
// QCOW2 image, built here with mkfs.ext4, systemd-repart and qemu-img,
// mounted through loop devices, and compared file by file with the tree
// they were made from.
#include "import/sources/disk_image.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "import/child_process.h"
#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using ::sdme::test_support::directory_entries;
using ::sdme::test_support::mount_points_under;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScopedEnvironment;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kToolPath = "/usr/sbin:/usr/bin:/sbin:/bin";
// cap_net_raw+ep, as setcap writes it for ping.
const std::string kCapability(
    "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00",
    20);

std::string with_bytes_at(size_t size, size_t offset, std::string_view bytes) {
  std::string data(size, '\0');
  data.replace(offset, bytes.size(), bytes);
  return data;
}

TEST(DetectDiskImageTest, RecognisesEachSignature) {
  constexpr size_t kSize = kDiskImageProbeSize;
  EXPECT_EQ(detect_disk_image(with_bytes_at(kSize, 0, "QFI\xfb")), DiskImageKind::kQcow2);
  EXPECT_EQ(detect_disk_image(with_bytes_at(kSize, 512, "EFI PART")), DiskImageKind::kRaw);
  EXPECT_EQ(detect_disk_image(with_bytes_at(kSize, 0, "XFSB")), DiskImageKind::kRaw);
  EXPECT_EQ(detect_disk_image(with_bytes_at(kSize, 65600, "_BHRfS_M")), DiskImageKind::kRaw);
  EXPECT_EQ(detect_disk_image(with_bytes_at(kSize, 0, "hsqs")), DiskImageKind::kRaw);
  EXPECT_EQ(detect_disk_image(with_bytes_at(kSize, 1024, "\xe2\xe1\xf5\xe0")), DiskImageKind::kRaw);

  std::string ext4 = with_bytes_at(kSize, 1080, "\x53\xef");
  EXPECT_EQ(detect_disk_image(ext4), DiskImageKind::kNone) << "no inodes: not an ext4 superblock";
  ext4[1024] = 16;  // s_inodes_count
  EXPECT_EQ(detect_disk_image(ext4), DiskImageKind::kRaw);
  ext4[1024 + 24] = 40;  // s_log_block_size: blocks of 2^50 bytes
  EXPECT_EQ(detect_disk_image(ext4), DiskImageKind::kNone);
}

TEST(DetectDiskImageTest, AnMbrNeedsAPartitionEntry) {
  std::string mbr = with_bytes_at(kDiskImageProbeSize, 510, "\x55\xaa");
  EXPECT_EQ(detect_disk_image(mbr), DiskImageKind::kNone);
  // Entry 2: type 0x83 (Linux), from sector 2048, 8192 sectors.
  mbr.replace(446 + 16 + 4, 1, "\x83");
  mbr.replace(446 + 16 + 8, 4, std::string("\x00\x08\x00\x00", 4));
  mbr.replace(446 + 16 + 12, 4, std::string("\x00\x20\x00\x00", 4));
  EXPECT_EQ(detect_disk_image(mbr), DiskImageKind::kRaw);
  mbr[446 + 16] = 0x12;  // a boot flag no partition table has: FAT boot code
  EXPECT_EQ(detect_disk_image(mbr), DiskImageKind::kNone);
}

TEST(DetectDiskImageTest, OtherInputIsNoDiskImage) {
  EXPECT_EQ(detect_disk_image(""), DiskImageKind::kNone);
  EXPECT_EQ(detect_disk_image("QFI"), DiskImageKind::kNone);
  EXPECT_EQ(detect_disk_image(with_bytes_at(kDiskImageProbeSize, 257,
                                            "ustar\x00"
                                            "00")),
            DiskImageKind::kNone);
  EXPECT_EQ(detect_disk_image(std::string("\x1f\x8b\x08\x00", 4) + std::string(70000, 'x')),
            DiskImageKind::kNone);
}

class DiskImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "the helpers' tests run as root";
    if (::access("/dev/loop-control", F_OK) != 0)
      GTEST_SKIP() << "no loop devices (/dev/loop-control) to mount images with";
    scratch_.emplace();
    source_ = scratch_->path() + "/source";
    target_ = scratch_->path() + "/target";
    work_ = scratch_->path() + "/work";
    for (const std::string& directory : {source_, target_, work_})
      std::filesystem::create_directories(directory);
    make_source_tree();
  }
  void TearDown() override { scratch_.reset(); }

  void run(const std::vector<std::string>& command) {
    ChildProcessResult result;
    std::string err;
    std::vector<std::string> resolved = command;
    resolved[0] = find_program(command[0], kToolPath);
    ASSERT_FALSE(resolved[0].empty()) << command[0] << " is a build dependency";
    ASSERT_TRUE(run_child_process(resolved, &result, &err)) << err;
    ASSERT_TRUE(result.succeeded()) << command[0] << ": " << result.output_summary();
  }

  // A small root file system with what a copy may lose: owners, modes,
  // times, a hard link, an absolute symlink, a device node, a FIFO and
  // extended attributes, among them a file capability.
  void make_source_tree() {
    write_test_file(source_ + "/etc/os-release", "ID=debian\n");
    write_test_file(source_ + "/etc/shadow", "root:*:19000:0:99999:7:::\n");
    ::chmod((source_ + "/etc/shadow").c_str(), 0640);
    ::chown((source_ + "/etc/shadow").c_str(), 0, 42);
    write_test_file(source_ + "/usr/bin/ping", "#!/bin/sh\n");
    ::chmod((source_ + "/usr/bin/ping").c_str(), 0755);
    ::lsetxattr((source_ + "/usr/bin/ping").c_str(), "security.capability", kCapability.data(),
                kCapability.size(), 0);
    ::lsetxattr((source_ + "/usr/bin/ping").c_str(), "user.note", "x", 1, 0);
    ::link((source_ + "/usr/bin/ping").c_str(), (source_ + "/usr/bin/ping4").c_str());
    ::symlink("/usr/bin", (source_ + "/bin").c_str());
    std::filesystem::create_directories(source_ + "/home/user");
    ::chmod((source_ + "/home/user").c_str(), 0750);
    ::chown((source_ + "/home/user").c_str(), 1000, 1000);
    write_test_file(source_ + "/home/user/notes", std::string(100000, 'n'));
    ::chown((source_ + "/home/user/notes").c_str(), 1000, 1000);
    std::filesystem::create_directories(source_ + "/dev");
    ::mknod((source_ + "/dev/null").c_str(), S_IFCHR | 0666, makedev(1, 3));
    ::mkfifo((source_ + "/dev/initctl").c_str(), 0600);
    std::filesystem::create_directories(source_ + "/tmp");
    ::chmod((source_ + "/tmp").c_str(), 01777);
    struct timespec times[2] = {{946684800, 0}, {946684800, 0}};  // 2000-01-01
    ::utimensat(AT_FDCWD, (source_ + "/etc/os-release").c_str(), times, AT_SYMLINK_NOFOLLOW);
  }

  std::string make_ext4_image() {
    std::string image = work_ + "/root.ext4";
    run({"mkfs.ext4", "-q", "-d", source_, image, "64M"});
    return image;
  }

  std::string make_gpt_image() {
    std::string ext4 = make_ext4_image();
    std::string definitions = work_ + "/repart.d";
    write_test_file(definitions + "/10-root.conf",
                    "[Partition]\nType=root\nCopyBlocks=" + ext4 + "\n");
    std::string image = work_ + "/disk.raw";
    run({"systemd-repart", "--definitions=" + definitions, "--empty=create", "--size=80M",
         "--dry-run=no", image});
    return image;
  }

  std::string make_qcow2_image() {
    std::string raw = make_gpt_image();
    std::string image = work_ + "/disk.qcow2";
    run({"qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw, image});
    return image;
  }

  std::string first_bytes(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::string data(kDiskImageProbeSize, '\0');
    file.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<size_t>(file.gcount()));
    return data;
  }

  std::string import_error(const std::string& image, DiskImageKind kind) {
    std::string err;
    EXPECT_FALSE(import_disk_image(image, kind, target_, work_, &err));
    expect_nothing_left_behind();
    return err;
  }

  void expect_nothing_left_behind() {
    std::vector<std::string> left;
    for (const std::string& name : directory_entries(work_))
      if (name.rfind(".sdme-disk-image.", 0) == 0) left.push_back(name);
    EXPECT_TRUE(left.empty()) << "scratch files left: " << left.front();
    EXPECT_TRUE(mount_points_under(scratch_->path()).empty());
    // No loop device still backed by a file of this test.
    for (const auto& entry : std::filesystem::directory_iterator("/sys/block")) {
      std::string backing = read_test_file(entry.path().string() + "/loop/backing_file");
      EXPECT_EQ(backing.find(scratch_->path()), std::string::npos)
          << entry.path() << " " << backing;
    }
  }

  // Every entry of the source tree is in the target, alike in type, owner,
  // mode, size, content, link target, device number, mtime and extended
  // attributes; the target has nothing else but mkfs.ext4's lost+found.
  void expect_same_tree() {
    std::error_code error;
    for (auto it = std::filesystem::recursive_directory_iterator(source_, error);
         it != std::filesystem::recursive_directory_iterator(); ++it) {
      std::string relative = it->path().string().substr(source_.size());
      std::string copy = target_ + relative;
      struct stat want, got;
      ASSERT_EQ(::lstat(it->path().c_str(), &want), 0);
      ASSERT_EQ(::lstat(copy.c_str(), &got), 0) << relative << " is missing";
      EXPECT_EQ(got.st_mode, want.st_mode) << relative;
      EXPECT_EQ(got.st_uid, want.st_uid) << relative;
      EXPECT_EQ(got.st_gid, want.st_gid) << relative;
      if (!S_ISDIR(want.st_mode)) {
        EXPECT_EQ(got.st_size, want.st_size) << relative;
        EXPECT_EQ(got.st_mtim.tv_sec, want.st_mtim.tv_sec) << relative;
      }
      if (S_ISREG(want.st_mode)) {
        EXPECT_EQ(read_test_file(copy), read_test_file(it->path())) << relative;
      }
      if (S_ISLNK(want.st_mode)) {
        EXPECT_EQ(std::filesystem::read_symlink(copy), std::filesystem::read_symlink(it->path()));
      }
      if (S_ISCHR(want.st_mode)) {
        EXPECT_EQ(got.st_rdev, want.st_rdev) << relative;
      }
    }
    std::vector<std::string> names = directory_entries(target_);
    std::erase(names, "lost+found");
    EXPECT_EQ(names, directory_entries(source_));

    char value[64];
    ssize_t size = ::lgetxattr((target_ + "/usr/bin/ping").c_str(), "security.capability", value,
                               sizeof value);
    EXPECT_EQ(std::string(value, size > 0 ? static_cast<size_t>(size) : 0), kCapability);
    size = ::lgetxattr((target_ + "/usr/bin/ping").c_str(), "user.note", value, sizeof value);
    EXPECT_EQ(size, 1);
    struct stat ping, ping4;
    ASSERT_EQ(::lstat((target_ + "/usr/bin/ping").c_str(), &ping), 0);
    ASSERT_EQ(::lstat((target_ + "/usr/bin/ping4").c_str(), &ping4), 0);
    EXPECT_EQ(ping.st_ino, ping4.st_ino) << "the hard link became two files";
  }

  std::optional<ScratchDirectory> scratch_;
  std::string source_, target_, work_;
};

TEST_F(DiskImageTest, ImportsABareExt4Image) {
  std::string image = make_ext4_image();
  ASSERT_EQ(detect_disk_image(first_bytes(image)), DiskImageKind::kRaw);
  std::string err;
  ASSERT_TRUE(import_disk_image(image, DiskImageKind::kRaw, target_, work_, &err)) << err;
  expect_same_tree();
  expect_nothing_left_behind();
}

TEST_F(DiskImageTest, ImportsTheRootPartitionOfAGptDisk) {
  std::string image = make_gpt_image();
  ASSERT_EQ(detect_disk_image(first_bytes(image)), DiskImageKind::kRaw);
  std::string err;
  ASSERT_TRUE(import_disk_image(image, DiskImageKind::kRaw, target_, work_, &err)) << err;
  expect_same_tree();
  expect_nothing_left_behind();
}

TEST_F(DiskImageTest, ImportsAQcow2Disk) {
  std::string image = make_qcow2_image();
  ASSERT_EQ(detect_disk_image(first_bytes(image)), DiskImageKind::kQcow2);
  std::string err;
  ASSERT_TRUE(import_disk_image(image, DiskImageKind::kQcow2, target_, work_, &err)) << err;
  expect_same_tree();
  expect_nothing_left_behind();
}

TEST_F(DiskImageTest, NeverWritesToTheImage) {
  std::string image = make_ext4_image();
  std::string before = read_test_file(image);
  std::string err;
  ASSERT_TRUE(import_disk_image(image, DiskImageKind::kRaw, target_, work_, &err)) << err;
  EXPECT_TRUE(read_test_file(image) == before);
}

TEST_F(DiskImageTest, ACorruptFileSystem) {
  // A superblock that passes for ext4 in front of nothing.
  std::string image = work_ + "/corrupt.ext4";
  std::string head = first_bytes(make_ext4_image()).substr(0, 2048);
  write_test_file(image, head + std::string(8 << 20, '\0'));
  ASSERT_EQ(detect_disk_image(first_bytes(image)), DiskImageKind::kRaw);
  EXPECT_THAT(import_error(image, DiskImageKind::kRaw),
              StartsWith("cannot import " + image +
                         ": systemd-dissect cannot mount it (exit "
                         "status 1): "));
  EXPECT_TRUE(directory_entries(target_).empty());
}

TEST_F(DiskImageTest, ACorruptQcow2Image) {
  std::string image = work_ + "/corrupt.qcow2";
  std::string header = std::string("QFI\xfb\x00\x00\x00\x03", 8) + std::string(200, '\xff');
  header.replace(8, 8, std::string(8, '\0'));   // no backing file
  header.replace(72, 8, std::string(8, '\0'));  // no incompatible features
  write_test_file(image, header);
  EXPECT_THAT(
      import_error(image, DiskImageKind::kQcow2),
      StartsWith("cannot import " + image +
                 ": qemu-img cannot convert it to a raw image (exit status 1): qemu-img: "));
}

TEST_F(DiskImageTest, RefusesAQcow2ImageWithABackingFile) {
  std::string image = work_ + "/overlay.qcow2";
  run({"qemu-img", "create", "-q", "-f", "qcow2", "-b", "/etc/hostname", "-F", "raw", image, "1M"});
  EXPECT_EQ(import_error(image, DiskImageKind::kQcow2),
            "cannot import " + image +
                ": it has a backing file, which could name any file on this host; flatten it "
                "first (qemu-img convert -O qcow2 IMAGE NEW)");
}

TEST_F(DiskImageTest, NamesTheMissingToolAndItsPackage) {
  std::string image = work_ + "/disk.qcow2";
  write_test_file(image, "QFI\xfb");
  ScopedEnvironment path("PATH", work_);
  EXPECT_EQ(import_error(image, DiskImageKind::kQcow2),
            "cannot import " + image + ": qemu-img not found; install the qemu-utils package");
  EXPECT_EQ(import_error(image, DiskImageKind::kRaw),
            "cannot import " + image +
                ": systemd-dissect not found; install the systemd-container package");
}

TEST_F(DiskImageTest, ReportsAFailingToolWithItsStatusAndOutput) {
  std::string image = make_ext4_image();
  std::string fake = work_ + "/fake-dissect";
  write_test_file(fake,
                  "#!/bin/sh\n"
                  "[ \"$1\" = --umount ] && exit 0\n"
                  "echo 'Failed to dissect image: No root partition found' >&2\n"
                  "exit 3\n");
  ::chmod(fake.c_str(), 0755);
  ScopedEnvironment dissect("SDME_SYSTEMD_DISSECT", fake);
  EXPECT_EQ(import_error(image, DiskImageKind::kRaw),
            "cannot import " + image +
                ": systemd-dissect cannot mount it (exit status 3): Failed to dissect image: No "
                "root partition found");
}

TEST_F(DiskImageTest, NotADiskImage) {
  std::string err;
  EXPECT_FALSE(import_disk_image("/x.img", DiskImageKind::kNone, target_, work_, &err));
  EXPECT_EQ(err, "cannot import /x.img: not a disk image");
}

}  // namespace
}  // namespace sdme::import
