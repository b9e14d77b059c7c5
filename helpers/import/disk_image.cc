// Importing a root file system from a QCOW2 or raw disk image.
#include "helpers/import/disk_image.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "common/file_descriptor.h"
#include "helpers/import/child_process.h"
#include "helpers/import/tree_copy.h"
#include "helpers/import/tree_copy.h"
#include "helpers/remove_tree.h"

namespace sdme {
namespace {

bool has_bytes_at(std::string_view data, size_t offset, std::string_view bytes) {
  return data.size() >= offset + bytes.size() && data.substr(offset, bytes.size()) == bytes;
}

uint8_t byte_at(std::string_view data, size_t offset) { return static_cast<uint8_t>(data[offset]); }

uint32_t little_endian_32(std::string_view data, size_t offset) {
  return byte_at(data, offset) | byte_at(data, offset + 1) << 8 | byte_at(data, offset + 2) << 16 |
         static_cast<uint32_t>(byte_at(data, offset + 3)) << 24;
}

uint64_t big_endian(std::string_view data, size_t offset, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) value = value << 8 | byte_at(data, offset + i);
  return value;
}

// 0x55AA ends FAT boot sectors too, whose boot code fills the partition
// table's place; a real entry has a boot flag of 0x00 or 0x80, a type, a
// start past the MBR and a size.
bool has_mbr_partition(std::string_view data) {
  if (data.size() < 512 || byte_at(data, 510) != 0x55 || byte_at(data, 511) != 0xAA) return false;
  for (size_t entry = 446; entry < 510; entry += 16) {
    uint8_t boot_flag = byte_at(data, entry);
    uint8_t type = byte_at(data, entry + 4);
    uint32_t start = little_endian_32(data, entry + 8);
    uint32_t sectors = little_endian_32(data, entry + 12);
    if ((boot_flag == 0x00 || boot_flag == 0x80) && type != 0 && start > 0 && sectors > 0)
      return true;
  }
  return false;
}

// The ext2/3/4 superblock starts at 1024; besides its magic, a sane block
// size (at most 64 KiB) and a non-zero inode count keep random data at
// offset 1080 from passing for one.
bool is_ext_file_system(std::string_view data) {
  constexpr size_t kSuperblock = 1024;
  if (!has_bytes_at(data, kSuperblock + 56, "\x53\xef")) return false;
  return little_endian_32(data, kSuperblock) != 0 && little_endian_32(data, kSuperblock + 24) <= 6;
}

// Which tool runs, and the package that has it when it is missing.
struct Tool {
  const char* name;
  const char* environment;  // overrides $PATH, for tests
  const char* package;
};
constexpr Tool kQemuImg = {"qemu-img", "SDME_QEMU_IMG", "qemu-utils"};
constexpr Tool kSystemdDissect = {"systemd-dissect", "SDME_SYSTEMD_DISSECT", "systemd-container"};

bool find_tool(const Tool& tool, const std::string& image, std::string* path, std::string* err) {
  const char* override_path = std::getenv(tool.environment);
  *path = (override_path && *override_path) ? find_program(override_path) : find_program(tool.name);
  if (!path->empty() && ::access(path->c_str(), X_OK) == 0) return true;
  *err = "cannot import " + image + ": " + tool.name + " not found; install the " + tool.package +
         " package";
  return false;
}

// Runs a tool; a failure becomes "cannot import IMAGE: WHAT (STATUS): OUTPUT".
bool run_tool(const std::vector<std::string>& command, const std::string& image,
              const std::string& what, std::string* err) {
  ChildProcessResult result;
  std::string run_error;
  if (!run_child_process(command, &result, &run_error)) {
    *err = "cannot import " + image + ": " + what + ": " + run_error;
    return false;
  }
  if (result.succeeded()) return true;
  std::string output = result.output_summary();
  *err = "cannot import " + image + ": " + what + " (" + result.describe_status() + ")" +
         (output.empty() ? "" : ": " + output);
  return false;
}

// A QCOW2 image may name another file to read its unwritten clusters from
// (a backing file) or keep its data in one (an external data file). Such a
// name is a path on whichever host opens it: converting an image from the
// internet that says "backing file /etc/shadow" would copy that file into
// the container. So neither is followed.
bool check_qcow2_header(const std::string& image, std::string* err) {
  FileDescriptor fd(::open(image.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  char header[104];
  ssize_t size = fd.valid() ? ::pread(fd.get(), header, sizeof header, 0) : -1;
  if (size < 0) {
    *err = "cannot import " + image + ": cannot read it: " + strerror(errno);
    return false;
  }
  std::string_view data(header, static_cast<size_t>(size));
  if (data.size() < 72 || !has_bytes_at(data, 0, "QFI\xfb")) {
    *err = "cannot import " + image + ": not a QCOW2 image (its header is cut short or missing)";
    return false;
  }
  uint64_t version = big_endian(data, 4, 4);
  if (version != 2 && version != 3) {
    *err = "cannot import " + image + ": unsupported QCOW2 version " + std::to_string(version);
    return false;
  }
  if (big_endian(data, 8, 8) != 0) {
    *err = "cannot import " + image +
           ": it has a backing file, which could name any file on this host; flatten it first "
           "(qemu-img convert -O qcow2 IMAGE NEW)";
    return false;
  }
  constexpr uint64_t kExternalDataFile = 1 << 2;
  if (version == 3 && data.size() >= 80 && (big_endian(data, 72, 8) & kExternalDataFile) != 0) {
    *err = "cannot import " + image +
           ": it keeps its data in an external file, which could name any file on this host; "
           "flatten it first (qemu-img convert -O qcow2 IMAGE NEW)";
    return false;
  }
  return true;
}

// The scratch directory for one import: the raw copy and the mount point
// live here, and it is removed with everything in it on every path.
class ScratchArea {
 public:
  bool create(const std::string& scratch_dir, const std::string& image, std::string* err) {
    std::string pattern = scratch_dir + "/.sdme-disk-image.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      *err = "cannot import " + image + ": cannot create a scratch directory in " + scratch_dir +
             ": " + strerror(errno);
      return false;
    }
    path_ = pattern;
    return true;
  }
  ~ScratchArea() {
    if (path_.empty()) return;
    std::string ignored;
    remove_tree(path_, &ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The image's mount, taken down on every path: systemd-dissect --umount
// unmounts every partition and detaches the loop device; should it fail, a
// lazy unmount still keeps the mount from outliving the import (the loop
// device goes with its last mount, as systemd-dissect sets it to autoclear).
class ImageMount {
 public:
  ImageMount(std::string dissect, std::string mount_point)
      : dissect_(std::move(dissect)), mount_point_(std::move(mount_point)) {}
  ImageMount(const ImageMount&) = delete;
  ImageMount& operator=(const ImageMount&) = delete;
  ~ImageMount() {
    if (!mounted_) return;
    ChildProcessResult result;
    std::string ignored;
    if (!run_child_process({dissect_, "--umount", mount_point_}, &result, &ignored) ||
        !result.succeeded())
      ::umount2(mount_point_.c_str(), MNT_DETACH);
  }
  void set_mounted() { mounted_ = true; }

 private:
  std::string dissect_;
  std::string mount_point_;
  bool mounted_ = false;
};

}  // namespace

DiskImageKind detect_disk_image(std::string_view first_bytes) {
  std::string_view data = first_bytes;
  if (has_bytes_at(data, 0, "QFI\xfb")) return DiskImageKind::kQcow2;
  if (has_bytes_at(data, 512, "EFI PART")) return DiskImageKind::kRaw;
  if (has_mbr_partition(data)) return DiskImageKind::kRaw;
  if (is_ext_file_system(data)) return DiskImageKind::kRaw;
  if (has_bytes_at(data, 0, "XFSB")) return DiskImageKind::kRaw;
  if (has_bytes_at(data, 65536 + 64, "_BHRfS_M")) return DiskImageKind::kRaw;
  if (has_bytes_at(data, 0, "hsqs")) return DiskImageKind::kRaw;
  if (has_bytes_at(data, 1024, "\xe2\xe1\xf5\xe0")) return DiskImageKind::kRaw;  // EROFS
  return DiskImageKind::kNone;
}

bool import_disk_image(const std::string& image, DiskImageKind kind, const std::string& target_dir,
                       const std::string& scratch_dir, std::string* err,
                       const std::atomic<bool>* cancel) {
  if (kind == DiskImageKind::kNone) {
    *err = "cannot import " + image + ": not a disk image";
    return false;
  }
  // Every tool is looked for before the first one runs: a missing
  // systemd-dissect is better reported before a long conversion than after.
  std::string qemu_img, dissect;
  if (kind == DiskImageKind::kQcow2 && !find_tool(kQemuImg, image, &qemu_img, err)) return false;
  if (!find_tool(kSystemdDissect, image, &dissect, err)) return false;

  ScratchArea scratch;
  if (!scratch.create(scratch_dir, image, err)) return false;

  std::string raw_image = image;
  if (kind == DiskImageKind::kQcow2) {
    if (!check_qcow2_header(image, err)) return false;
    // Converted, not attached with qemu-nbd: that needs the nbd kernel
    // module, which many hosts (and containers) lack and cannot load, while
    // a conversion works anywhere. The raw copy is sparse, so it takes
    // about the space of the image's data, and it goes with the scratch
    // directory. -f qcow2: the format is never guessed from the content.
    raw_image = scratch.path() + "/disk.raw";
    if (!run_tool({qemu_img, "convert", "-q", "-f", "qcow2", "-O", "raw", image, raw_image}, image,
                  "qemu-img cannot convert it to a raw image", err))
      return false;
  }

  std::string mount_point = scratch.path() + "/root";
  if (::mkdir(mount_point.c_str(), 0700) != 0) {
    *err = "cannot import " + image + ": cannot create " + mount_point + ": " + strerror(errno);
    return false;
  }
  // Not --copy-from: systemd 252 copies only user.* extended attributes
  // that way, and file capabilities (security.capability) would be lost.
  // --fsck=no with --read-only: the image is the administrator's file and
  // is never written, not even to replay a journal.
  ImageMount mount(dissect, mount_point);
  mount.set_mounted();  // a failed --mount may still have left something
  if (!run_tool({dissect, "--mount", "--read-only", "--fsck=no", raw_image, mount_point}, image,
                "systemd-dissect cannot mount it", err))
    return false;

  // The image's own partitions (a separate /usr) are mounted below the
  // mount point by systemd-dissect, and belong in the tree.
  TreeCopyOptions options;
  options.cross_mounts = true;
  options.cancel = cancel;
  TreeCopyCounters counters;
  std::string copy_err;
  if (!copy_tree(mount_point, target_dir, options, &counters, &copy_err)) {
    *err = "cannot import " + image + ": " + copy_err;
    return false;
  }
  return true;
}

}  // namespace sdme
