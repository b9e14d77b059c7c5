// Importing a root file system from a disk image: a QCOW2 image or a raw
// one (a GPT or MBR disk, or a bare file system). The image is mounted
// read-only with systemd-dissect, which finds the root partition the way
// systemd-nspawn --image does, and its files are copied out into the target
// directory; the image itself is never written to.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>

namespace sdme::import {

enum class DiskImageKind { kNone, kQcow2, kRaw };

// How many leading bytes detect_disk_image() needs to see every signature
// it knows (btrfs keeps its superblock at 64 KiB).
inline constexpr size_t kDiskImageProbeSize = 65536 + 4096;

// Recognises a disk image by its first bytes: QCOW2 ("QFI\xfb"), a GPT
// disk ("EFI PART" at 512), an MBR disk (0x55AA at 510 and a partition
// entry), or a bare ext2/3/4, XFS, btrfs, squashfs or EROFS file system.
DiskImageKind detect_disk_image(std::string_view first_bytes);

// Copies the files of IMAGE into TARGET_DIR (existing, empty), keeping
// owners, modes, times, hard links, device nodes and extended attributes.
// A QCOW2 image is first converted into a raw copy in SCRATCH_DIR (on the
// same file system as the target, which will hold the files anyway). Tools
// are found in $PATH, or at $SDME_QEMU_IMG and $SDME_SYSTEMD_DISSECT. The
// files are copied out with copy_tree() (tree_copy.h), which stops at the
// next entry once `*cancel` is true. Nothing is left mounted, attached or in SCRATCH_DIR
// afterwards, whether it succeeds or not; on failure TARGET_DIR may hold part of the files, and the
// caller removes it.
bool import_disk_image(const std::string& image, DiskImageKind kind, const std::string& target_dir,
                       const std::string& scratch_dir, std::string* err,
                       const std::atomic<bool>* cancel = nullptr);

}  // namespace sdme::import
