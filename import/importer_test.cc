// Tests for import_rootfs with local sources: every kind of file and
// directory it takes, all or nothing on each failure (no rootfs/NAME and no
// staging directory left), the checksum rules, interruption, and when
// systemd is installed into the tree. Downloads and registry pulls are in
// importer_integration_test.cc.
#include "import/importer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/paths.h"
#include "import/formats/archive_test_support.h"
#include "import/formats/oci_manifest.h"
#include "import/import_transaction.h"
#include "import/interruption.h"
#include "tests/support/oci_test_image.h"
#include "tests/support/registry_server.h"
#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using test_support::digest_of;
using test_support::directory_entries;
using test_support::entry_kind;
using test_support::link_target;
using test_support::make_tar;
using test_support::read_test_file;
using test_support::ScopedEnvironment;
using test_support::ScratchDirectory;
using test_support::TarEntry;
using test_support::TestArchive;
using test_support::tree_listing;
using test_support::write_test_file;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kNoSuchChecksum[] =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

// A tar of everything under `dir`, as `tar -C dir -c .` would make it.
std::string tar_directory(const std::string& dir) {
  TestArchive archive;
  for (const std::string& path : tree_listing(dir)) {
    if (path.back() == '/')
      archive.directory(path.substr(0, path.size() - 1));
    else
      archive.file(path, read_test_file(dir + "/" + path));
  }
  return archive.finish();
}

void write_executable(const std::string& path, const std::string& content) {
  write_test_file(path, content);
  ::chmod(path.c_str(), 0755);
}

// What the test OCI image (tests/support/oci_test_image.h) looks like once
// its second layer's whiteouts removed `removed` and `opaque/old`.
const std::vector<std::string> kTestImageTree = {
    "etc/", "etc/hostname", "etc/os-release", "link", "opaque/", "opaque/new",
};

class ImporterTest : public ::testing::Test {
 protected:
  // Imports keep the owners recorded in the source, which only root can.
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "importing keeps file owners, which needs root";
  }

  ImporterTest()
      : state_dir_(scratch_.path() + "/state"), state_(std::string("SDME_STATE_DIR"), state_dir_) {}

  std::string rootfs_dir() const { return state_dir_ + "/rootfs"; }
  std::string rootfs(const std::string& name) const { return rootfs_dir() + "/" + name; }
  std::string source_path(const std::string& name) const {
    return scratch_.path() + "/sources/" + name;
  }

  bool import(const std::string& source, const std::string& name, std::string* err,
              ImportOutcome* outcome = nullptr) {
    settings_.request.source = source;
    settings_.request.rootfs = name;
    ImportOutcome ignored;
    ProgressReporter progress;
    return import_rootfs(settings_, &progress, outcome ? outcome : &ignored, err);
  }

  void expect_imported(const std::string& source, const std::string& name) {
    std::string err;
    ImportOutcome outcome = ImportOutcome::kAlreadyPresent;
    ASSERT_TRUE(import(source, name, &err, &outcome)) << err;
    EXPECT_EQ(outcome, ImportOutcome::kImported);
    // The lock file stays; the staging directory became NAME.
    EXPECT_EQ(directory_entries(rootfs_dir()),
              (std::vector<std::string>{"." + name + ".lock", name}));
  }

  // An image's import keeps its config, the bytes whose digest was
  // verified, next to the tree.
  void expect_imported_image(const std::string& source, const std::string& name,
                             const std::string& config) {
    std::string err;
    ImportOutcome outcome = ImportOutcome::kAlreadyPresent;
    ASSERT_TRUE(import(source, name, &err, &outcome)) << err;
    EXPECT_EQ(outcome, ImportOutcome::kImported);
    EXPECT_EQ(
        directory_entries(rootfs_dir()),
        (std::vector<std::string>{"." + name + ".image-config.json", "." + name + ".lock", name}));
    std::string path = image_config_path(rootfs_dir(), name);
    EXPECT_EQ(read_test_file(path), config);
    struct stat status;
    ASSERT_EQ(::stat(path.c_str(), &status), 0);
    EXPECT_EQ(status.st_mode, S_IFREG | 0644u);
    EXPECT_EQ(status.st_uid, 0u);
    EXPECT_EQ(status.st_gid, 0u);
  }

  // The error of a failed import, after checking it left nothing behind:
  // no tree, no staging directory, no image config.
  std::string import_error(const std::string& source, const std::string& name) {
    std::string err;
    EXPECT_FALSE(import(source, name, &err)) << source;
    EXPECT_EQ(entry_kind(image_config_path(rootfs_dir(), name)), "missing");
    for (const std::string& entry : directory_entries(rootfs_dir())) {
      EXPECT_NE(entry, name) << "committed in " << rootfs_dir();
      EXPECT_FALSE(is_import_leftover(entry, name)) << entry << " left in " << rootfs_dir();
    }
    return err;
  }

  std::string failure_prefix(const std::string& source, const std::string& name) {
    return "cannot import '" + source + "' as " + name + ": ";
  }

  // A tree with a few kinds of entries, for directory imports.
  std::string make_source_tree() {
    std::string tree = source_path("tree");
    write_test_file(tree + "/etc/os-release", "ID=sdme-test\n");
    write_executable(tree + "/usr/bin/tool", "#!/bin/sh\n");
    std::filesystem::create_directories(tree + "/var/empty");
    ::symlink("usr/bin", (tree + "/bin").c_str());
    return tree;
  }

  // A Debian-shaped tree without systemd: merged /usr, apt-get, a shell.
  std::string make_tree_without_systemd() {
    std::string tree = source_path("no-systemd");
    write_executable(tree + "/usr/bin/sh", "");
    write_executable(tree + "/usr/bin/apt-get", "");
    write_test_file(tree + "/usr/lib/os-release", "ID=debian\n");
    ::symlink("usr/bin", (tree + "/bin").c_str());
    ::symlink("usr/lib", (tree + "/lib").c_str());
    ::symlink("../usr/lib/os-release", (tree + "/etc/os-release").c_str());
    return tree;
  }

  std::string write_source(const std::string& name, const std::string& content) {
    write_test_file(source_path(name), content);
    return source_path(name);
  }

  ScratchDirectory scratch_;
  std::string state_dir_;
  ScopedEnvironment state_;
  ImportSettings settings_;
};

TEST_F(ImporterTest, ImportsADirectory) {
  std::string tree = make_source_tree();
  expect_imported(tree, "tree");
  EXPECT_EQ(tree_listing(rootfs("tree")),
            (std::vector<std::string>{"bin", "etc/", "etc/os-release", "usr/", "usr/bin/",
                                      "usr/bin/tool", "var/", "var/empty/"}));
  EXPECT_EQ(read_test_file(rootfs("tree") + "/etc/os-release"), "ID=sdme-test\n");
  EXPECT_EQ(link_target(rootfs("tree") + "/bin"), "usr/bin");
  EXPECT_EQ(test_support::permission_bits(rootfs("tree") + "/usr/bin/tool"), 0755u);
}

TEST_F(ImporterTest, ImportsARelativeDirectoryFromTheWorkingDirectory) {
  make_source_tree();
  settings_.working_directory = scratch_.path() + "/sources";
  expect_imported("tree", "relative");
  EXPECT_EQ(read_test_file(rootfs("relative") + "/etc/os-release"), "ID=sdme-test\n");
}

TEST_F(ImporterTest, ImportsAGzipTarball) {
  std::string tarball = write_source(
      "rootfs.tar.gz", make_tar({{TarEntry::kDirectory, "etc", "", 0755},
                                 {TarEntry::kFile, "etc/os-release", "ID=gzip\n", 0644},
                                 {TarEntry::kSymlink, "os-release", "etc/os-release", 0777}},
                                true));
  expect_imported(tarball, "gzip");
  EXPECT_EQ(tree_listing(rootfs("gzip")),
            (std::vector<std::string>{"etc/", "etc/os-release", "os-release"}));
  EXPECT_EQ(read_test_file(rootfs("gzip") + "/os-release"), "ID=gzip\n");
}

TEST_F(ImporterTest, ImportsAZstdTarballWhateverItsName) {
  std::string tarball =
      write_source("rootfs.bin", TestArchive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_ZSTD)
                                     .directory("etc")
                                     .file("etc/os-release", "ID=zstd\n")
                                     .file("usr/bin/tool", "#!/bin/sh\n", 0750)
                                     .finish());
  expect_imported(tarball, "zstd");
  EXPECT_EQ(read_test_file(rootfs("zstd") + "/etc/os-release"), "ID=zstd\n");
  EXPECT_EQ(test_support::permission_bits(rootfs("zstd") + "/usr/bin/tool"), 0750u);
}

TEST_F(ImporterTest, ImportsAnOciLayoutDirectoryWithItsWhiteouts) {
  test_support::TestImage image =
      test_support::write_test_oci_layout(source_path("layout"), "v1", host_oci_architecture());
  expect_imported_image(source_path("layout"), "layout", image.config);
  EXPECT_EQ(tree_listing(rootfs("layout")), kTestImageTree);
  EXPECT_EQ(read_test_file(rootfs("layout") + "/opaque/new"), "from layer 2\n");
  EXPECT_EQ(link_target(rootfs("layout") + "/link"), "etc/os-release");
}

TEST_F(ImporterTest, ImportsAnOciLayoutTarballWithItsWhiteouts) {
  test_support::TestImage image =
      test_support::write_test_oci_layout(source_path("layout"), "v1", host_oci_architecture());
  std::string tarball = write_source("image.tar", tar_directory(source_path("layout")));
  expect_imported_image(tarball, "archive", image.config);
  // Only the image's files: nothing of the layout (blobs, index.json) stays.
  EXPECT_EQ(tree_listing(rootfs("archive")), kTestImageTree);
  EXPECT_EQ(read_test_file(rootfs("archive") + "/etc/hostname"), "layer2\n");
}

TEST_F(ImporterTest, RefusesALayerWithBytesAfterItsEnd) {
  // An uncompressed layer, whose unpacker stops at the tar's end marker:
  // the bytes after it must still be refused.
  std::string layout = source_path("layout");
  std::string layer = make_tar({{TarEntry::kFile, "etc/os-release", "ID=layer\n", 0644}}, false);
  std::string digest = test_support::write_blob(layout, layer);
  write_test_file(layout + "/blobs/sha256/" + digest.substr(7), layer + std::string(100000, 'x'));
  std::string config = test_support::config_json("linux", host_oci_architecture(), {digest});
  std::string config_digest = test_support::write_blob(layout, config);
  std::string manifest = test_support::manifest_json(
      config_digest, config.size(), {{"application/vnd.oci.image.layer.v1.tar", digest, layer}});
  std::string manifest_digest = test_support::write_blob(layout, manifest);
  write_test_file(layout + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  write_test_file(layout + "/index.json",
                  "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/"
                  "vnd.oci.image.manifest.v1+json\",\"digest\":\"" +
                      manifest_digest + "\",\"size\":" + std::to_string(manifest.size()) + "}]}");
  EXPECT_EQ(import_error(layout, "tampered"),
            failure_prefix(layout, "tampered") + layout + "/blobs/sha256/" + digest.substr(7) +
                ": size mismatch: expected " + std::to_string(layer.size()) +
                " bytes, got more; the download is corrupt");
}

TEST_F(ImporterTest, ImportsADockerSaveTarball) {
  std::string base = make_tar({{TarEntry::kFile, "etc/os-release", "ID=docker\n", 0644},
                               {TarEntry::kFile, "removed", "gone\n", 0644}},
                              false);
  std::string top = make_tar({{TarEntry::kFile, ".wh.removed", "", 0644},
                              {TarEntry::kFile, "etc/hostname", "docker\n", 0644}},
                             false);
  std::string config = test_support::config_json("linux", host_oci_architecture(),
                                                 {digest_of(base), digest_of(top)});
  std::string config_name = digest_of(config).substr(7) + ".json";
  std::string archive = TestArchive()
                            .file("aaa/layer.tar", base)
                            .file("bbb/layer.tar", top)
                            .file(config_name, config)
                            .file("manifest.json", "[{\"Config\":\"" + config_name +
                                                       "\",\"RepoTags\":[\"example:1\"],"
                                                       "\"Layers\":[\"aaa/layer.tar\","
                                                       "\"bbb/layer.tar\"]}]")
                            .finish();
  expect_imported_image(write_source("saved.tar", archive), "saved", config);
  EXPECT_EQ(tree_listing(rootfs("saved")),
            (std::vector<std::string>{"etc/", "etc/hostname", "etc/os-release"}));
  EXPECT_EQ(read_test_file(rootfs("saved") + "/etc/hostname"), "docker\n");
}

TEST_F(ImporterTest, KeepsTheImageConfigWhoseDigestWasVerified) {
  test_support::TestImage image =
      test_support::write_test_oci_layout(source_path("layout"), "v1", host_oci_architecture());
  expect_imported_image(source_path("layout"), "app", image.config);
  EXPECT_EQ(digest_of(read_test_file(image_config_path(rootfs_dir(), "app"))), image.config_digest);
}

TEST_F(ImporterTest, ATreeFromATarballHasNoImageConfig) {
  std::string tarball = write_source(
      "rootfs.tar", make_tar({{TarEntry::kFile, "etc/os-release", "ID=x\n", 0644}}, false));
  expect_imported(tarball, "plain");
  EXPECT_EQ(entry_kind(image_config_path(rootfs_dir(), "plain")), "missing");
}

TEST_F(ImporterTest, ATarballImportRemovesTheImageConfigOfAnEarlierTree) {
  test_support::write_test_oci_layout(source_path("layout"), "v1", host_oci_architecture());
  std::string err;
  ASSERT_TRUE(import(source_path("layout"), "reused", &err)) << err;
  ASSERT_EQ(entry_kind(image_config_path(rootfs_dir(), "reused")), "file");
  // The tree is removed by hand, its config forgotten; the name is reused.
  std::filesystem::remove_all(rootfs("reused"));
  std::string tarball = write_source(
      "rootfs.tar", make_tar({{TarEntry::kFile, "etc/os-release", "ID=x\n", 0644}}, false));
  expect_imported(tarball, "reused");
  EXPECT_EQ(entry_kind(image_config_path(rootfs_dir(), "reused")), "missing");
}

TEST_F(ImporterTest, AFailedImageImportLeavesNoImageConfig) {
  // A config left from an earlier tree goes too, though this import never
  // got as far as writing its own.
  write_test_file(image_config_path(rootfs_dir(), "broken"), "{\"old\":1}");
  std::string layout = source_path("layout");
  test_support::TestImage image =
      test_support::write_test_oci_layout(layout, "v1", host_oci_architecture());
  const test_support::TestLayer& layer = image.layers.back();
  write_test_file(layout + "/blobs/sha256/" + layer.digest.substr(7), layer.content + "x");
  EXPECT_THAT(import_error(layout, "broken"), HasSubstr("size mismatch"));
  EXPECT_EQ(directory_entries(rootfs_dir()), (std::vector<std::string>{".broken.lock"}));
}

TEST_F(ImporterTest, AnExistingTreeKeepsItsImageConfig) {
  test_support::TestImage image =
      test_support::write_test_oci_layout(source_path("layout"), "v1", host_oci_architecture());
  expect_imported_image(source_path("layout"), "app", image.config);
  // Nothing to import, whatever the source: the tree and its config stay.
  std::string tarball = write_source(
      "rootfs.tar", make_tar({{TarEntry::kFile, "etc/os-release", "ID=x\n", 0644}}, false));
  std::string err;
  ImportOutcome outcome = ImportOutcome::kImported;
  ASSERT_TRUE(import(tarball, "app", &err, &outcome)) << err;
  EXPECT_EQ(outcome, ImportOutcome::kAlreadyPresent);
  EXPECT_EQ(read_test_file(image_config_path(rootfs_dir(), "app")), image.config);
  EXPECT_EQ(directory_entries(rootfs_dir()),
            (std::vector<std::string>{".app.image-config.json", ".app.lock", "app"}));
}

TEST_F(ImporterTest, ImportsARawExt4Image) {
  if (::access("/dev/loop-control", F_OK) != 0)
    GTEST_SKIP() << "no loop devices (/dev/loop-control) to mount images with";
  std::string tree = make_source_tree();
  std::string image = source_path("root.ext4");
  std::string output;
  ASSERT_EQ(
      test_support::run_program({"/usr/sbin/mkfs.ext4", "-q", "-d", tree, image, "16M"}, &output),
      0)
      << output;
  expect_imported(image, "disk");
  EXPECT_EQ(read_test_file(rootfs("disk") + "/etc/os-release"), "ID=sdme-test\n");
  EXPECT_EQ(read_test_file(rootfs("disk") + "/usr/bin/tool"), "#!/bin/sh\n");
  EXPECT_EQ(link_target(rootfs("disk") + "/bin"), "usr/bin");
  // The image was only read: no mount of it is left.
  EXPECT_TRUE(test_support::mount_points_under(scratch_.path()).empty());
}

TEST_F(ImporterTest, ASecondImportOfTheSameNameTouchesNothing) {
  std::string tree = make_source_tree();
  expect_imported(tree, "twice");
  write_test_file(tree + "/etc/os-release", "ID=changed\n");
  write_test_file(tree + "/new-file", "new\n");
  std::vector<std::string> before = tree_listing(rootfs("twice"));

  std::string err;
  ImportOutcome outcome = ImportOutcome::kImported;
  ASSERT_TRUE(import(tree, "twice", &err, &outcome)) << err;
  EXPECT_EQ(outcome, ImportOutcome::kAlreadyPresent);
  EXPECT_EQ(tree_listing(rootfs("twice")), before);
  EXPECT_EQ(read_test_file(rootfs("twice") + "/etc/os-release"), "ID=sdme-test\n");
  EXPECT_EQ(directory_entries(rootfs_dir()), (std::vector<std::string>{".twice.lock", "twice"}));

  // Even an import that could not succeed: the name is taken, so its
  // source is not looked at.
  write_test_file(tree + "/etc/os-release", "ID=sdme-test\n");
  settings_.request.checksum = kNoSuchChecksum;
  std::string tarball = write_source("rootfs.tar", make_tar({}, false));
  ASSERT_TRUE(import(tarball, "twice", &err, &outcome)) << err;
  EXPECT_EQ(outcome, ImportOutcome::kAlreadyPresent);
}

TEST_F(ImporterTest, ImportsAFileWhoseChecksumMatches) {
  std::string content = make_tar({{TarEntry::kFile, "etc/os-release", "ID=sum\n", 0644}}, true);
  std::string tarball = write_source("rootfs.tar.gz", content);
  settings_.request.checksum = digest_of(content);
  expect_imported(tarball, "sum");
  EXPECT_EQ(read_test_file(rootfs("sum") + "/etc/os-release"), "ID=sum\n");
}

TEST_F(ImporterTest, RefusesAFileWhoseChecksumDiffers) {
  std::string content = make_tar({{TarEntry::kFile, "etc/os-release", "ID=sum\n", 0644}}, true);
  std::string tarball = write_source("rootfs.tar.gz", content);
  settings_.request.checksum = kNoSuchChecksum;
  EXPECT_EQ(import_error(tarball, "sum"), failure_prefix(tarball, "sum") + tarball +
                                              ": checksum mismatch: expected " + kNoSuchChecksum +
                                              ", got " + digest_of(content) +
                                              "; the file is not the one the checksum describes");
  EXPECT_EQ(entry_kind(rootfs("sum")), "missing");
}

TEST_F(ImporterTest, RefusesAChecksumForADirectoryOrARegistryImage) {
  settings_.request.checksum = kNoSuchChecksum;
  std::string tree = make_source_tree();
  EXPECT_EQ(import_error(tree, "tree"),
            "a checksum applies to a file or URL, not to a directory; drop ImportChecksum= "
            "(--checksum=)");
  test_support::write_test_oci_layout(source_path("layout"), "v1", host_oci_architecture());
  EXPECT_EQ(import_error(source_path("layout"), "layout"),
            "a checksum applies to a file or URL, not to an OCI image layout; drop "
            "ImportChecksum= (--checksum=)");
  // Refused before any registry is contacted.
  EXPECT_EQ(import_error("docker.io/library/debian:12", "debian"),
            "a checksum applies to a file or URL, not to a registry image; pin the image by "
            "digest (NAME@sha256:...)");
  EXPECT_EQ(entry_kind(rootfs_dir()), "missing");
}

TEST_F(ImporterTest, AHostileTarballLeavesNothing) {
  std::string tarball =
      write_source("hostile.tar",
                   TestArchive().file("etc/os-release", "ID=x\n").file("../escape", "x").finish());
  std::string err = import_error(tarball, "hostile");
  EXPECT_THAT(err, StartsWith(failure_prefix(tarball, "hostile")));
  EXPECT_THAT(err, HasSubstr("../escape"));
  EXPECT_EQ(entry_kind(rootfs("hostile")), "missing");
  EXPECT_EQ(entry_kind(rootfs_dir() + "/escape"), "missing");
  EXPECT_EQ(entry_kind(state_dir_ + "/escape"), "missing");
  EXPECT_EQ(directory_entries(state_dir_), (std::vector<std::string>{"rootfs"}));
}

TEST_F(ImporterTest, RefusesAFileOfNoKnownKind) {
  std::mt19937 generator(20240601);
  std::string bytes(70000, '\0');
  for (char& byte : bytes) byte = static_cast<char>(generator());
  std::string file = write_source("random.bin", bytes);
  EXPECT_EQ(import_error(file, "random"),
            failure_prefix(file, "random") + file +
                " is not a tarball, an OCI or docker save archive, or a disk image (its first "
                "bytes match none of them)");
}

TEST_F(ImporterTest, RefusesABadNameBeforeLookingAtTheSource) {
  std::string err;
  EXPECT_FALSE(import("/nonexistent", "../x", &err));
  EXPECT_EQ(err, "rootfs name '../x' must start with a letter or digit");
  EXPECT_EQ(entry_kind(state_dir_), "missing");
}

// Installs sdme-import's SIGINT/SIGTERM handlers for one test, and puts the
// process's own handlers and the flag back afterwards.
class ScopedInterruptionHandlers {
 public:
  ScopedInterruptionHandlers() {
    ::sigaction(SIGINT, nullptr, &old_interrupt_);
    ::sigaction(SIGTERM, nullptr, &old_terminate_);
    install_interruption_handlers();
  }
  ~ScopedInterruptionHandlers() {
    ::sigaction(SIGINT, &old_interrupt_, nullptr);
    ::sigaction(SIGTERM, &old_terminate_, nullptr);
    clear_interruption();
  }

 private:
  struct sigaction old_interrupt_ {};
  struct sigaction old_terminate_ {};
};

TEST_F(ImporterTest, AnInterruptedImportLeavesNothing) {
  std::string tree = make_source_tree();
  std::string tarball = write_source(
      "rootfs.tar.gz", make_tar({{TarEntry::kFile, "etc/os-release", "ID=x\n", 0644}}, true));
  {
    ScopedInterruptionHandlers handlers;
    ASSERT_FALSE(interrupted());
    ASSERT_EQ(::raise(SIGTERM), 0);
    ASSERT_TRUE(interrupted());
    EXPECT_THAT(import_error(tree, "copied"), HasSubstr("interrupted"));
    EXPECT_THAT(import_error(tarball, "unpacked"), HasSubstr("interrupted"));
    EXPECT_EQ(entry_kind(rootfs("copied")), "missing");
    EXPECT_EQ(entry_kind(rootfs("unpacked")), "missing");
  }
  // With the flag lowered, the same imports go through.
  ASSERT_FALSE(interrupted());
  std::string err;
  EXPECT_TRUE(import(tree, "copied", &err)) << err;
  EXPECT_TRUE(import(tarball, "unpacked", &err)) << err;
}

// A fake systemd-nspawn that leaves a mark when it runs, then `body`.
std::string write_fake_nspawn(const std::string& dir, const std::string& body) {
  std::string path = dir + "/fake-nspawn";
  write_executable(path, "#!/bin/sh\n: > '" + dir + "/nspawn-ran'\n" + body);
  return path;
}

TEST_F(ImporterTest, ATreeNobodyBootsIsNotInspected) {
  std::string tree = make_tree_without_systemd();
  ScopedEnvironment nspawn("SDME_NSPAWN", write_fake_nspawn(scratch_.path(), "exit 0\n"));
  settings_.request.boot = false;
  settings_.request.install_packages = InstallPackages::kAuto;
  ::testing::internal::CaptureStderr();
  expect_imported(tree, "plain");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(entry_kind(scratch_.path() + "/nspawn-ran"), "missing");

  // The same tree booted is one that needs systemd: the fake runs, installs
  // nothing, and the import fails.
  settings_.request.boot = true;
  std::string err = import_error(tree, "booted");
  EXPECT_EQ(entry_kind(scratch_.path() + "/nspawn-ran"), "file");
  EXPECT_THAT(err, HasSubstr("reported success, but the tree still has no"));
}

TEST_F(ImporterTest, ABootedTreeWithoutSystemdOnlyWarnsWhenInstallingIsOff) {
  std::string tree = make_tree_without_systemd();
  ScopedEnvironment nspawn("SDME_NSPAWN", write_fake_nspawn(scratch_.path(), "exit 0\n"));
  settings_.request.boot = true;
  settings_.request.install_packages = InstallPackages::kNo;
  ::testing::internal::CaptureStderr();
  expect_imported(tree, "bare");
  EXPECT_THAT(::testing::internal::GetCapturedStderr(),
              HasSubstr("bare has no systemd or dbus; a container that boots it will fail (set "
                        "ImportInstallPackages=yes, or use Exec=)"));
  EXPECT_EQ(entry_kind(scratch_.path() + "/nspawn-ran"), "missing");
}

TEST_F(ImporterTest, AFailedPackageInstallFailsTheImportWithItsOutput) {
  std::string tree = make_tree_without_systemd();
  ScopedEnvironment nspawn("SDME_NSPAWN",
                           write_fake_nspawn(scratch_.path(),
                                             "echo 'Reading package lists...'\n"
                                             "echo 'E: Unable to locate package systemd' >&2\n"
                                             "exit 100\n"));
  // Asked for, even though no container boots it.
  settings_.request.boot = false;
  settings_.request.install_packages = InstallPackages::kYes;
  std::string err = import_error(tree, "install");
  EXPECT_THAT(err, StartsWith(failure_prefix(tree, "install") +
                              "installing systemd dbus in the imported tree with apt-get failed "
                              "(exit status 100): Reading package lists...; E: Unable to locate "
                              "package systemd"));
  EXPECT_EQ(entry_kind(scratch_.path() + "/nspawn-ran"), "file");
  EXPECT_EQ(entry_kind(rootfs("install")), "missing");
}

// The Debian-shaped tree with systemd and dbus, and logind masked the way
// some OCI base images mask it.
std::string add_systemd_and_logind_mask(const std::string& tree) {
  write_executable(tree + "/usr/lib/systemd/systemd", "");
  write_executable(tree + "/usr/bin/dbus-daemon", "");
  std::filesystem::create_directories(tree + "/etc/systemd/system");
  ::symlink("/dev/null", (tree + "/etc/systemd/system/systemd-logind.service").c_str());
  return tree;
}

TEST_F(ImporterTest, UnmasksLogindAndSaysSo) {
  std::string tree = add_systemd_and_logind_mask(make_tree_without_systemd());
  ScopedEnvironment nspawn("SDME_NSPAWN", write_fake_nspawn(scratch_.path(), "exit 1\n"));
  settings_.request.boot = true;
  settings_.request.install_packages = InstallPackages::kAuto;
  ::testing::internal::CaptureStderr();
  expect_imported(tree, "unmasked");
  EXPECT_THAT(::testing::internal::GetCapturedStderr(),
              HasSubstr("unmasked systemd-logind.service in unmasked: the image masked it (a link "
                        "to /dev/null), and machinectl shell and login need it\n"));
  EXPECT_EQ(entry_kind(rootfs("unmasked") + "/etc/systemd/system/systemd-logind.service"),
            "missing");
  EXPECT_EQ(entry_kind(rootfs("unmasked") + "/etc/systemd/system"), "directory");
  EXPECT_EQ(entry_kind(scratch_.path() + "/nspawn-ran"), "missing");
  // The source is the administrator's, and keeps its mask.
  EXPECT_EQ(link_target(tree + "/etc/systemd/system/systemd-logind.service"), "/dev/null");
}

TEST_F(ImporterTest, AMaskedLogindOnlyWarnsWhenInstallingIsOff) {
  std::string tree = add_systemd_and_logind_mask(make_tree_without_systemd());
  settings_.request.boot = true;
  settings_.request.install_packages = InstallPackages::kNo;
  ::testing::internal::CaptureStderr();
  expect_imported(tree, "masked");
  EXPECT_THAT(::testing::internal::GetCapturedStderr(),
              HasSubstr("masked masks systemd-logind.service; machinectl shell and login will "
                        "fail in its containers (set ImportInstallPackages=yes to unmask it)"));
  EXPECT_EQ(link_target(rootfs("masked") + "/etc/systemd/system/systemd-logind.service"),
            "/dev/null");
}

// A Rocky-shaped tree: systemd and dbus, but none of util-linux and pam.
std::string make_rhel_tree_with_systemd(const std::string& source) {
  write_executable(source + "/usr/bin/sh", "");
  write_executable(source + "/usr/bin/dnf", "");
  write_executable(source + "/usr/lib/systemd/systemd", "");
  write_executable(source + "/usr/bin/dbus-broker", "");
  write_test_file(source + "/etc/os-release", "ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n");
  ::symlink("usr/bin", (source + "/bin").c_str());
  ::symlink("usr/lib", (source + "/lib").c_str());
  return source;
}

TEST_F(ImporterTest, InstallsWhatMachinectlNeedsIntoARhelTree) {
  std::string tree = make_rhel_tree_with_systemd(source_path("rocky"));
  ScopedEnvironment nspawn(
      "SDME_NSPAWN",
      write_fake_nspawn(scratch_.path(), "printf '%s' \"$*\" > '" + scratch_.path() + "/args'\n"));
  settings_.request.boot = true;
  settings_.request.install_packages = InstallPackages::kAuto;
  expect_imported(tree, "rocky");
  EXPECT_EQ(entry_kind(scratch_.path() + "/nspawn-ran"), "file");
  EXPECT_THAT(read_test_file(scratch_.path() + "/args"),
              HasSubstr("dnf install -y --setopt=install_weak_deps=False 'util-linux' 'pam'\n"));
}

TEST_F(ImporterTest, ARhelTreeWithoutUtilLinuxOnlyWarnsWhenInstallingIsOff) {
  std::string tree = make_rhel_tree_with_systemd(source_path("rocky"));
  ScopedEnvironment nspawn("SDME_NSPAWN", write_fake_nspawn(scratch_.path(), "exit 0\n"));
  settings_.request.boot = true;
  settings_.request.install_packages = InstallPackages::kNo;
  ::testing::internal::CaptureStderr();
  expect_imported(tree, "rocky");
  std::string output = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(output, HasSubstr("rocky has no util-linux or pam; machinectl shell and login will "
                                "fail in its containers (set ImportInstallPackages=yes)"));
  // It boots: nothing says otherwise.
  EXPECT_THAT(output, ::testing::Not(HasSubstr("a container that boots it will fail")));
  EXPECT_EQ(entry_kind(scratch_.path() + "/nspawn-ran"), "missing");
}

TEST_F(ImporterTest, ANixosTreeBootsWithoutAnInstall) {
  // systemd in /nix/store, reached through /sbin/init; no package manager.
  std::string tree = source_path("nixos");
  std::string system = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-nixos-system-nixos-24.11";
  write_executable(tree + system + "/init", "#! /nix/store/x-bash/bin/bash\n");
  write_test_file(tree + "/etc/os-release", "NAME=NixOS\nID=nixos\n");
  std::filesystem::create_directories(tree + "/sbin");
  ::symlink((system + "/init").c_str(), (tree + "/sbin/init").c_str());
  ScopedEnvironment nspawn("SDME_NSPAWN", write_fake_nspawn(scratch_.path(), "exit 1\n"));
  settings_.request.boot = true;
  settings_.request.install_packages = InstallPackages::kYes;
  ::testing::internal::CaptureStderr();
  expect_imported(tree, "nixos");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(entry_kind(scratch_.path() + "/nspawn-ran"), "missing");
}

}  // namespace
}  // namespace sdme::import
