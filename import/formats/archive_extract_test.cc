// Tests for unpacking tar streams: every compression, the metadata a root
// file system needs, device nodes, OCI layer whiteouts, and a corpus of
// hostile archives, each refused with its message and without a byte
// written outside the target (a sentinel tree beside it is compared before
// and after).
#include "import/formats/archive_extract.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/open_beneath.h"
#include "import/formats/archive_test_support.h"
#include "import/formats/compression.h"
#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using ::sdme::test_support::directory_entries;
using ::sdme::test_support::entry_kind;
using ::sdme::test_support::FailingByteSource;
using ::sdme::test_support::link_target;
using ::sdme::test_support::permission_bits;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::StringByteSource;
using ::sdme::test_support::TestArchive;
using ::sdme::test_support::write_test_file;

// Everything about a tree that a stray write could change.
std::map<std::string, std::string> snapshot(const std::string& root) {
  std::map<std::string, std::string> state;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(root, error);
       it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    struct stat status;
    if (::lstat(it->path().c_str(), &status) != 0) continue;
    std::string description = std::to_string(status.st_mode) + " " + std::to_string(status.st_uid) +
                              ":" + std::to_string(status.st_gid) +
                              " nlink=" + std::to_string(status.st_nlink) +
                              " size=" + std::to_string(status.st_size) +
                              " mtime=" + std::to_string(status.st_mtim.tv_sec);
    if (S_ISREG(status.st_mode)) description += " " + read_test_file(it->path());
    if (S_ISLNK(status.st_mode)) description += " -> " + link_target(it->path());
    state[it->path().string()] = description;
  }
  return state;
}

std::string random_bytes(size_t size, unsigned seed) {
  std::string bytes(size, '\0');
  uint32_t state = seed * 2654435761u + 1;
  for (char& byte : bytes) {
    state = state * 1664525u + 1013904223u;
    byte = static_cast<char>(state >> 24);
  }
  return bytes;
}

class ArchiveExtractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "the helpers' tests run as root";
    scratch_.emplace();
    target_ = scratch_->path() + "/target";
    outside_ = scratch_->path() + "/outside";
    std::filesystem::create_directory(target_);
    write_test_file(outside_ + "/secret", "host secret\n");
    ::chmod(outside_.c_str(), 0755);
    write_test_file(scratch_->path() + "/sentinel/canary", "canary\n");
    before_ = outside_snapshot();
  }
  void TearDown() override { scratch_.reset(); }

  // The scratch directory without the target.
  std::map<std::string, std::string> outside_snapshot() {
    std::map<std::string, std::string> state = snapshot(scratch_->path());
    for (auto it = state.begin(); it != state.end();)
      it = it->first.rfind(target_, 0) == 0 ? state.erase(it) : std::next(it);
    return state;
  }

  bool extract(const std::string& archive, std::string* err,
               const ExtractOptions& options = ExtractOptions(), size_t block_size = 4096) {
    StringByteSource source(archive, block_size);
    return extract_archive(source, target_, options, &counters_, err);
  }
  void expect_extracts(const std::string& archive,
                       const ExtractOptions& options = ExtractOptions()) {
    std::string err;
    EXPECT_TRUE(extract(archive, &err, options)) << err;
  }
  // Extraction fails with exactly `message`, and nothing outside changed.
  void expect_refused(const std::string& archive, const std::string& message,
                      const ExtractOptions& options = ExtractOptions()) {
    std::string err;
    EXPECT_FALSE(extract(archive, &err, options));
    EXPECT_EQ(err, message);
    EXPECT_EQ(outside_snapshot(), before_);
  }
  // The hostile cases, run with openat2 and again with the walk
  // common/open_beneath.h takes without it.
  void refuses_writing_through_a_symlink() {
    TestArchive absolute;
    absolute.symlink("a", outside_).file("a/pwned", "x");
    expect_refused(absolute.finish(),
                   "refusing archive member 'a/pwned': 'a' is a symlink; nothing is unpacked "
                   "through one");
    EXPECT_EQ(link_target(in_target("a")), outside_);  // the symlink itself is fine

    TestArchive relative;
    relative.directory("d").symlink("d/up", "../..").directory("d/up/outside/new");
    expect_refused(relative.finish(),
                   "refusing archive member 'd/up/outside/new/': 'd/up' is a symlink; nothing is "
                   "unpacked through one");

    // Replacing a symlink with a file replaces the link, not its target.
    TestArchive replace;
    replace.symlink("secret", outside_ + "/secret").file("secret", "replaced\n");
    expect_extracts(replace.finish());
    EXPECT_EQ(entry_kind(in_target("secret")), "file");
    EXPECT_EQ(outside_snapshot(), before_);

    // A directory replaced by a symlink must not get the directory's mode
    // when libarchive fixes directory modes at the end.
    TestArchive fixup;
    fixup.directory("d2", 0777).symlink("d2", outside_);
    expect_extracts(fixup.finish());
    EXPECT_EQ(permission_bits(outside_), 0755u);
    EXPECT_EQ(outside_snapshot(), before_);
  }
  void refuses_hard_links_out_of_the_target() {
    TestArchive up;
    up.hard_link("x", "../../etc/passwd");
    expect_refused(up.finish(),
                   "refusing archive member 'x': hard link target '../../etc/passwd' leaves the "
                   "target directory");
    TestArchive absolute;
    absolute.hard_link("x", outside_ + "/secret");
    expect_refused(absolute.finish(), "refusing archive member 'x': hard link target '" + outside_ +
                                          "/secret' is an absolute path");
    TestArchive through;
    through.symlink("evil", outside_).hard_link("x", "evil/secret");
    expect_refused(through.finish(),
                   "refusing archive member 'x': hard link target 'evil/secret' goes through the "
                   "symlink 'evil'");
    TestArchive missing;
    missing.hard_link("x", "nowhere");
    expect_refused(missing.finish(),
                   "refusing archive member 'x': hard link target 'nowhere' does not exist; it "
                   "must be an earlier member");
    TestArchive directory;
    directory.directory("d").hard_link("x", "d");
    expect_refused(directory.finish(),
                   "refusing archive member 'x': hard link target 'd' is a directory");
    EXPECT_EQ(entry_kind(in_target("x")), "missing");
  }
  void refuses_whiteouts_through_a_symlink() {
    ExtractOptions layers;
    layers.apply_whiteouts = true;
    TestArchive whiteout;
    whiteout.symlink("s", outside_).file("s/.wh.secret", "");
    expect_refused(whiteout.finish(),
                   "refusing archive member 's/.wh.secret': 's' is a symlink; nothing is unpacked "
                   "through one",
                   layers);
    TestArchive opaque;
    opaque.symlink("o", outside_).file("o/.wh..wh..opq", "");
    expect_refused(opaque.finish(),
                   "refusing archive member 'o/.wh..wh..opq': 'o' is a symlink; nothing is "
                   "unpacked through one",
                   layers);
    TestArchive dots;
    dots.directory("a").file("a/.wh..", "");
    expect_refused(dots.finish(), "refusing archive member 'a/.wh..': whiteout without a name",
                   layers);
  }
  std::string in_target(const std::string& path) const { return target_ + "/" + path; }

  std::optional<ScratchDirectory> scratch_;
  std::string target_;
  std::string outside_;
  std::map<std::string, std::string> before_;
  ExtractCounters counters_;
};

// As on a kernel without openat2, or under a seccomp filter refusing it.
class ArchiveExtractWithoutOpenat2Test : public ArchiveExtractTest {
 protected:
  void SetUp() override {
    force_open_beneath_walk_for_testing(true);
    ArchiveExtractTest::SetUp();
  }
  void TearDown() override {
    ArchiveExtractTest::TearDown();
    force_open_beneath_walk_for_testing(false);
  }
};

TEST_F(ArchiveExtractTest, ExtractsEveryCompression) {
  const std::pair<int, std::string_view> filters[] = {
      {ARCHIVE_FILTER_NONE, "uncompressed"},
      {ARCHIVE_FILTER_GZIP, "gzip"},
      {ARCHIVE_FILTER_XZ, "xz"},
      {ARCHIVE_FILTER_ZSTD, "zstd"},
      {ARCHIVE_FILTER_BZIP2, "bzip2"},
      {ARCHIVE_FILTER_LZ4, "lz4"},
  };
  std::string content = random_bytes(300'000, 1);
  for (const auto& [filter, name] : filters) {
    std::string directory = std::string(name);
    TestArchive archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, filter);
    archive.directory(directory).file(directory + "/data", content);
    std::string bytes = archive.finish();
    EXPECT_EQ(compression_name(detect_compression(bytes.substr(0, 512))), name);
    // A first block too short to tell the compression by is unpacked on
    // one thread, a longer one with decompression on a thread of its own.
    for (size_t block_size : {3, 65536}) {
      std::string err;
      EXPECT_TRUE(extract(bytes, &err, ExtractOptions(), block_size)) << err;
      EXPECT_EQ(read_test_file(in_target(directory + "/data")), content) << name;
    }
  }
  EXPECT_EQ(counters_.entries, 24u);
  EXPECT_EQ(counters_.unpacked_bytes, 12 * content.size());
}

TEST_F(ArchiveExtractTest, ExtractsGnuTarAndV7Dialects) {
  TestArchive gnu(ARCHIVE_FORMAT_TAR_GNUTAR);
  std::string long_name = "usr/share/" + std::string(150, 'n') + "/file";
  gnu.directory("./").file("./" + long_name, "long\n");
  expect_extracts(gnu.finish());
  EXPECT_EQ(read_test_file(in_target(long_name)), "long\n");

  TestArchive ustar(ARCHIVE_FORMAT_TAR_USTAR);
  ustar.file("etc//hostname", "box\n").file("./etc/./issue", "Debian\n");
  expect_extracts(ustar.finish());
  EXPECT_EQ(read_test_file(in_target("etc/hostname")), "box\n");
  EXPECT_EQ(read_test_file(in_target("etc/issue")), "Debian\n");
}

TEST_F(ArchiveExtractTest, PreservesRootFileSystemMetadata) {
  // security.capability v2: cap_net_raw permitted and effective.
  const char capability[20] = {0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00,
                               0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  std::string sparse_data = random_bytes(8192, 2);
  std::string sparse_content(16 << 20, '\0');
  sparse_content.replace(1 << 20, 4096, sparse_data.substr(0, 4096));
  sparse_content.replace((16 << 20) - 4096, 4096, sparse_data.substr(4096));
  TestArchive archive(ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE);
  archive.directory("./", 0755)
      .directory("usr", 0755)
      .directory("usr/bin", 0755)
      .file("usr/bin/su", "su binary", 04755)
      .file("usr/bin/wall", "wall binary", 02755,
            [](struct archive_entry* entry) { archive_entry_set_gid(entry, 5); })
      .hard_link("usr/bin/su-link", "./usr/bin/su")
      .file("usr/bin/ping", "ping binary", 0755,
            [&](struct archive_entry* entry) {
              archive_entry_xattr_add_entry(entry, "security.capability", capability,
                                            sizeof capability);
              archive_entry_xattr_add_entry(entry, "user.comment", "kept", 4);
            })
      .directory("home/user", 0700,
                 [](struct archive_entry* entry) {
                   // Names that exist on every host must not remap the ids.
                   archive_entry_set_uid(entry, 1234);
                   archive_entry_set_gid(entry, 5678);
                   archive_entry_set_uname(entry, "root");
                   archive_entry_set_gname(entry, "root");
                   archive_entry_set_mtime(entry, 1'234'567'890, 0);
                 })
      .file("home/user/notes", "notes\n", 0640,
            [](struct archive_entry* entry) {
              archive_entry_set_uid(entry, 1234);
              archive_entry_set_gid(entry, 5678);
              archive_entry_set_uname(entry, "root");
              archive_entry_set_mtime(entry, 1'300'000'000, 0);
              archive_entry_acl_add_entry(entry, ARCHIVE_ENTRY_ACL_TYPE_ACCESS,
                                          ARCHIVE_ENTRY_ACL_READ, ARCHIVE_ENTRY_ACL_USER, 4321,
                                          nullptr);
              archive_entry_acl_add_entry(entry, ARCHIVE_ENTRY_ACL_TYPE_ACCESS,
                                          ARCHIVE_ENTRY_ACL_READ | ARCHIVE_ENTRY_ACL_WRITE,
                                          ARCHIVE_ENTRY_ACL_USER_OBJ, -1, nullptr);
              archive_entry_acl_add_entry(entry, ARCHIVE_ENTRY_ACL_TYPE_ACCESS,
                                          ARCHIVE_ENTRY_ACL_READ, ARCHIVE_ENTRY_ACL_GROUP_OBJ, -1,
                                          nullptr);
              archive_entry_acl_add_entry(entry, ARCHIVE_ENTRY_ACL_TYPE_ACCESS,
                                          ARCHIVE_ENTRY_ACL_READ, ARCHIVE_ENTRY_ACL_MASK, -1,
                                          nullptr);
              archive_entry_acl_add_entry(entry, ARCHIVE_ENTRY_ACL_TYPE_ACCESS, 0,
                                          ARCHIVE_ENTRY_ACL_OTHER, -1, nullptr);
            })
      .symlink("lib64", "/usr/lib64")
      .symlink("usr/bin/sh", "../../bin/dash")
      .fifo("run/initctl")
      .add("var/sparse", AE_IFREG, 0644, sparse_content, [](struct archive_entry* entry) {
        archive_entry_set_size(entry, 16 << 20);
        archive_entry_sparse_add_entry(entry, 1 << 20, 4096);
        archive_entry_sparse_add_entry(entry, (16 << 20) - 4096, 4096);
      });
  expect_extracts(archive.finish());

  struct stat status;
  ASSERT_EQ(::lstat(in_target("usr/bin/su").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 04755u);
  EXPECT_EQ(status.st_nlink, 2u);
  struct stat link_status;
  ASSERT_EQ(::lstat(in_target("usr/bin/su-link").c_str(), &link_status), 0);
  EXPECT_EQ(link_status.st_ino, status.st_ino);

  ASSERT_EQ(::lstat(in_target("usr/bin/wall").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 02755u);
  EXPECT_EQ(status.st_gid, 5u);

  char value[64];
  ssize_t size =
      ::lgetxattr(in_target("usr/bin/ping").c_str(), "security.capability", value, sizeof value);
  ASSERT_EQ(size, static_cast<ssize_t>(sizeof capability));
  EXPECT_EQ(std::memcmp(value, capability, sizeof capability), 0);
  size = ::lgetxattr(in_target("usr/bin/ping").c_str(), "user.comment", value, sizeof value);
  EXPECT_EQ(std::string(value, size > 0 ? static_cast<size_t>(size) : 0), "kept");

  ASSERT_EQ(::lstat(in_target("home/user").c_str(), &status), 0);
  EXPECT_EQ(status.st_uid, 1234u);
  EXPECT_EQ(status.st_gid, 5678u);
  EXPECT_EQ(status.st_mode & 07777, 0700u);
  EXPECT_EQ(status.st_mtim.tv_sec, 1'234'567'890);
  ASSERT_EQ(::lstat(in_target("home/user/notes").c_str(), &status), 0);
  EXPECT_EQ(status.st_uid, 1234u);
  EXPECT_EQ(status.st_mtim.tv_sec, 1'300'000'000);
  // The access ACL as the kernel stores it: a 4-byte version, then
  // (tag, permissions, id) entries of 8 bytes; ACL_USER is tag 2.
  char acl[128];
  size =
      ::lgetxattr(in_target("home/user/notes").c_str(), "system.posix_acl_access", acl, sizeof acl);
  ASSERT_GT(size, 4);
  bool named_user = false;
  for (ssize_t offset = 4; offset + 8 <= size; offset += 8) {
    uint16_t tag, permissions;
    uint32_t id;
    std::memcpy(&tag, acl + offset, 2);
    std::memcpy(&permissions, acl + offset + 2, 2);
    std::memcpy(&id, acl + offset + 4, 4);
    if (tag == 2 && id == 4321 && permissions == 4) named_user = true;
  }
  EXPECT_TRUE(named_user);

  EXPECT_EQ(link_target(in_target("lib64")), "/usr/lib64");
  EXPECT_EQ(link_target(in_target("usr/bin/sh")), "../../bin/dash");
  ASSERT_EQ(::lstat(in_target("run/initctl").c_str(), &status), 0);
  EXPECT_TRUE(S_ISFIFO(status.st_mode));
  EXPECT_EQ(status.st_mode & 07777, 0600u);

  ASSERT_EQ(::lstat(in_target("var/sparse").c_str(), &status), 0);
  EXPECT_EQ(status.st_size, 16 << 20);
  EXPECT_LT(status.st_blocks * 512, 1 << 20);  // holes stayed holes
  // Compared as a bool: a failure would print 16 MiB.
  EXPECT_TRUE(read_test_file(in_target("var/sparse")) == sparse_content);
  EXPECT_EQ(counters_.unpacked_bytes, 9u + 11 + 11 + 6 + (16u << 20));
}

TEST_F(ArchiveExtractTest, KeepsUtf8AndOtherByteNames) {
  TestArchive pax(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
  pax.file("caf\xc3\xa9", "utf-8\n");
  expect_extracts(pax.finish());
  EXPECT_EQ(read_test_file(in_target("caf\xc3\xa9")), "utf-8\n");
  TestArchive gnu(ARCHIVE_FORMAT_TAR_GNUTAR);
  gnu.file("latin1-\xe9", "latin-1\n");
  expect_extracts(gnu.finish());
  EXPECT_EQ(read_test_file(in_target("latin1-\xe9")), "latin-1\n");
}

TEST_F(ArchiveExtractTest, SkipsDeviceNodesUnlessAskedToCreateThem) {
  auto devices = [] {
    TestArchive archive;
    archive.directory("dev").device("dev/null", AE_IFCHR, 1, 3).device("dev/loop0", AE_IFBLK, 7, 0);
    return archive.finish();
  };
  expect_extracts(devices());
  EXPECT_EQ(entry_kind(in_target("dev/null")), "missing");
  EXPECT_EQ(entry_kind(in_target("dev/loop0")), "missing");
  EXPECT_EQ(counters_.skipped_device_nodes, 2u);

  ExtractOptions create;
  create.device_nodes = DeviceNodes::kCreate;
  expect_extracts(devices(), create);
  struct stat status;
  ASSERT_EQ(::lstat(in_target("dev/null").c_str(), &status), 0);
  EXPECT_TRUE(S_ISCHR(status.st_mode));
  EXPECT_EQ(status.st_rdev, makedev(1, 3));
  ASSERT_EQ(::lstat(in_target("dev/loop0").c_str(), &status), 0);
  EXPECT_TRUE(S_ISBLK(status.st_mode));
  EXPECT_EQ(status.st_rdev, makedev(7, 0));
  EXPECT_EQ(counters_.skipped_device_nodes, 2u);
}

TEST_F(ArchiveExtractTest, AppliesWhiteoutsAndOpaqueDirectoriesAcrossLayers) {
  ExtractOptions layers;
  layers.apply_whiteouts = true;
  TestArchive lower;
  lower.directory("a")
      .file("a/keep", "keep\n")
      .file("a/gone", "gone\n")
      .directory("a/tree/deep")
      .file("a/tree/deep/file", "deep\n")
      .directory("opaque")
      .file("opaque/old", "old\n")
      .directory("opaque/olddir")
      .file("opaque/olddir/x", "x\n")
      .directory("opaque/merged")
      .file("opaque/merged/lower", "lower\n")
      .file("file-to-dir", "file\n")
      .directory("dir-to-file/sub")
      .file("dir-to-file/sub/inner", "inner\n")
      .symlink("link-to-dir", "a");
  expect_extracts(lower.finish(), layers);

  TestArchive upper;
  upper.file("a/.wh.gone", "")
      .file("a/.wh.tree", "")
      .file("a/same-layer", "mine\n")
      .file("a/.wh.same-layer", "")  // hides only lower layers' entries
      .file("a/.wh.never-existed", "")
      .file("opaque/before", "before\n")
      .file("opaque/merged/upper", "upper\n")
      .file("opaque/.wh..wh..opq", "")
      .file("opaque/after", "after\n")
      .directory("file-to-dir")
      .file("file-to-dir/child", "child\n")
      .file("dir-to-file", "now a file\n")
      .directory("link-to-dir")
      .file(".wh..wh.plnk", "");
  expect_extracts(upper.finish(), layers);

  EXPECT_EQ(directory_entries(in_target("a")), (std::vector<std::string>{"keep", "same-layer"}));
  EXPECT_EQ(directory_entries(in_target("opaque")),
            (std::vector<std::string>{"after", "before", "merged"}));
  EXPECT_EQ(directory_entries(in_target("opaque/merged")), std::vector<std::string>{"upper"});
  EXPECT_EQ(read_test_file(in_target("file-to-dir/child")), "child\n");
  EXPECT_EQ(entry_kind(in_target("dir-to-file")), "file");
  EXPECT_EQ(read_test_file(in_target("dir-to-file")), "now a file\n");
  EXPECT_EQ(entry_kind(in_target("link-to-dir")), "directory");
  EXPECT_EQ(entry_kind(in_target(".wh..wh.plnk")), "missing");
  EXPECT_EQ(counters_.entries, 15u + 14u);
}

TEST_F(ArchiveExtractTest, WithoutWhiteoutsMarkersAreOrdinaryFiles) {
  TestArchive archive;
  archive.directory("a").file("a/x", "x\n").file("a/.wh.x", "");
  expect_extracts(archive.finish());
  EXPECT_EQ(directory_entries(in_target("a")), (std::vector<std::string>{".wh.x", "x"}));
}

TEST_F(ArchiveExtractTest, CountersAndLimitsSpanCalls) {
  ExtractOptions options;
  options.limits.max_unpacked_bytes = 1000;
  TestArchive first;
  first.file("one", std::string(600, 'a'));
  expect_extracts(first.finish(), options);
  TestArchive second;
  second.file("two", std::string(600, 'b'));
  expect_refused(second.finish(),
                 "archive unpacks to more than 1000 bytes (limit) at member 'two'; raise "
                 "ImportMaxSize= if this image is really that large",
                 options);
  EXPECT_EQ(entry_kind(in_target("two")), "missing");
}

TEST_F(ArchiveExtractTest, ReadsMemberNames) {
  TestArchive archive;
  archive.directory("./")
      .file("./oci-layout", "{}")
      .file("./index.json", "{}")
      .directory("./blobs/sha256/")
      .file("blobs/sha256/0123", "blob");
  StringByteSource source(archive.finish(), 100);
  std::vector<std::string> names;
  std::string err;
  ASSERT_TRUE(read_archive_member_names(source, 3, &names, &err)) << err;
  EXPECT_EQ(names, (std::vector<std::string>{"oci-layout", "index.json", "blobs/sha256"}));

  TestArchive docker_save;
  docker_save.file("manifest.json", "[]").file("abc/layer.tar", "");
  StringByteSource all(docker_save.finish());
  ASSERT_TRUE(read_archive_member_names(all, 100, &names, &err)) << err;
  EXPECT_EQ(names, (std::vector<std::string>{"manifest.json", "abc/layer.tar"}));

  StringByteSource garbage(std::string(4096, 'x'));
  EXPECT_FALSE(read_archive_member_names(garbage, 10, &names, &err));
  EXPECT_EQ(err, "cannot read archive test archive: Unrecognized archive format");
}

// The hostile corpus.

TEST_F(ArchiveExtractTest, RefusesPathsLeavingTheTarget) {
  TestArchive up;
  up.file("../escaped", "x");
  expect_refused(up.finish(),
                 "refusing archive member '../escaped': path leaves the target directory");
  TestArchive deep;
  deep.directory("a").file("a/../../escaped", "x");
  expect_refused(deep.finish(),
                 "refusing archive member 'a/../../escaped': path leaves the target directory");
  TestArchive inside;  // ".." is refused even when it would stay inside
  inside.directory("a").file("a/../b", "x");
  expect_refused(inside.finish(),
                 "refusing archive member 'a/../b': path leaves the target directory");
  EXPECT_EQ(entry_kind(scratch_->path() + "/escaped"), "missing");
}

TEST_F(ArchiveExtractTest, RefusesAbsoluteAndEmptyNames) {
  TestArchive absolute;
  absolute.file(outside_ + "/absolute", "x");
  expect_refused(absolute.finish(), "refusing archive member '" + outside_ +
                                        "/absolute': absolute path; an archive to import holds "
                                        "paths relative to its top directory");
  TestArchive newline;
  newline.file("../a\nb", "x");
  expect_refused(newline.finish(),
                 "refusing archive member '../a\\x0ab': path leaves the target directory");
  TestArchive top;
  top.symlink("./", outside_);
  expect_refused(top.finish(),
                 "refusing archive member './': the top directory of the archive must be a "
                 "directory");
}

TEST_F(ArchiveExtractTest, RefusesWritingThroughASymlink) { refuses_writing_through_a_symlink(); }

TEST_F(ArchiveExtractTest, RefusesHardLinksOutOfTheTarget) {
  refuses_hard_links_out_of_the_target();
}

TEST_F(ArchiveExtractTest, RefusesWhiteoutsThroughASymlink) {
  refuses_whiteouts_through_a_symlink();
}

TEST_F(ArchiveExtractWithoutOpenat2Test, RefusesWritingThroughASymlink) {
  refuses_writing_through_a_symlink();
}
TEST_F(ArchiveExtractWithoutOpenat2Test, RefusesHardLinksOutOfTheTarget) {
  refuses_hard_links_out_of_the_target();
}
TEST_F(ArchiveExtractWithoutOpenat2Test, RefusesWhiteoutsThroughASymlink) {
  refuses_whiteouts_through_a_symlink();
}

TEST_F(ArchiveExtractTest, RefusesASparseBombBeforeWritingIt) {
  TestArchive archive(ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE);
  archive.add("bomb", AE_IFREG, 0644, std::string(4096, 'b'), [](struct archive_entry* entry) {
    archive_entry_set_size(entry, 10ll << 30);
    archive_entry_sparse_add_entry(entry, (10ll << 30) - 4096, 4096);
  });
  std::string bytes = archive.finish();
  EXPECT_LT(bytes.size(), 16u << 10);
  expect_refused(bytes,
                 "archive unpacks to more than 8.0 GiB (limit) at member 'bomb'; raise "
                 "ImportMaxSize= if this image is really that large");
  EXPECT_EQ(entry_kind(in_target("bomb")), "missing");
}

TEST_F(ArchiveExtractTest, RefusesTooManyEntries) {
  ExtractOptions options;
  options.limits.max_entries = 3;
  TestArchive archive;
  for (int i = 1; i <= 5; ++i) archive.file("f" + std::to_string(i), "x");
  expect_refused(
      archive.finish(),
      "archive has more than 3 members (limit) at member 'f4'; a root file system has far "
      "fewer, so sdme-import will not unpack this one",
      options);
  EXPECT_EQ(entry_kind(in_target("f4")), "missing");
}

TEST_F(ArchiveExtractTest, ReportsATruncatedArchive) {
  // Small compression blocks, so that the cut falls after the file's header
  // has been decompressed.
  const std::pair<int, const char*> filters[] = {
      {ARCHIVE_FILTER_NONE, nullptr},
      {ARCHIVE_FILTER_GZIP, nullptr},
      {ARCHIVE_FILTER_XZ, nullptr},
      {ARCHIVE_FILTER_ZSTD, nullptr},
      {ARCHIVE_FILTER_BZIP2, "bzip2:compression-level=1"},
      {ARCHIVE_FILTER_LZ4, "lz4:block-size=4"},
  };
  for (const auto& [filter, options] : filters) {
    TestArchive archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, filter, options);
    archive.file("first", "1").file("usr/bin/foo", random_bytes(400'000, 3));
    std::string bytes = archive.finish();
    expect_refused(bytes.substr(0, bytes.size() / 2),
                   "truncated archive: unexpected end of data after 'usr/bin/foo'");
  }
  TestArchive archive;
  archive.file("first", "1").file("second", "2");
  std::string bytes = archive.finish();
  // Cut inside the second header.
  expect_refused(bytes.substr(0, 1024 + 100),
                 "truncated archive: unexpected end of data after 'first'");
  // Cut inside the pax extended header that comes before the first member.
  TestArchive pax;
  pax.file(std::string(200, 'n'), "long name");
  expect_refused(pax.finish().substr(0, 700),
                 "truncated archive: unexpected end of data before its first member");
}

TEST_F(ArchiveExtractTest, StopsWhenCancelled) {
  std::atomic<bool> cancel = true;
  ExtractOptions options;
  options.cancel = &cancel;
  TestArchive archive;
  archive.file("x", "x");
  expect_refused(archive.finish(), "interrupted", options);
  EXPECT_EQ(entry_kind(in_target("x")), "missing");
}

TEST_F(ArchiveExtractTest, PassesOnTheSourcesError) {
  TestArchive archive;
  archive.file("x", random_bytes(100'000, 4));
  FailingByteSource source(archive.finish().substr(0, 2048), "download of x broke: reset");
  std::string err;
  EXPECT_FALSE(extract_archive(source, target_, ExtractOptions(), &counters_, &err));
  EXPECT_EQ(err, "download of x broke: reset");
}

TEST_F(ArchiveExtractTest, ReadsTheSourceToItsEnd) {
  for (int filter : {ARCHIVE_FILTER_NONE, ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_ZSTD}) {
    TestArchive archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, filter);
    archive.file("x", random_bytes(100'000, 5));
    // What follows the archive (record padding, the compressor's trailer)
    // is read too, ...
    std::string bytes = archive.finish();
    if (filter == ARCHIVE_FILTER_NONE) bytes += std::string(10240, '\0');
    StringByteSource inner(bytes);
    CountingByteSource counting(&inner, nullptr);
    std::string err;
    EXPECT_TRUE(extract_archive(counting, target_, ExtractOptions(), &counters_, &err)) << err;
    EXPECT_EQ(counting.bytes_read(), bytes.size()) << filter;
    // ... so that a source checking a digest at its end fails the extraction.
    FailingByteSource failing(bytes, "blob sha256:00 does not match its digest");
    EXPECT_FALSE(extract_archive(failing, target_, ExtractOptions(), &counters_, &err));
    EXPECT_EQ(err, "blob sha256:00 does not match its digest") << filter;
  }
}

TEST_F(ArchiveExtractTest, PassesOnTheSourcesErrorWhileDecompressing) {
  TestArchive archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP);
  archive.file("x", random_bytes(3'000'000, 6));
  FailingByteSource source(archive.finish().substr(0, 100'000), "download of x broke: reset");
  std::string err;
  EXPECT_FALSE(extract_archive(source, target_, ExtractOptions(), &counters_, &err));
  EXPECT_EQ(err, "download of x broke: reset");
}

TEST_F(ArchiveExtractTest, RefusesAMissingTarget) {
  StringByteSource source("");
  std::string err;
  EXPECT_FALSE(extract_archive(source, target_ + "/missing", ExtractOptions(), &counters_, &err));
  EXPECT_EQ(err, "cannot open " + target_ + "/missing: No such file or directory");
}

}  // namespace
}  // namespace sdme::import
