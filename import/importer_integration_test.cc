// import_rootfs against real servers on loopback (an HTTP server, a
// docker-registry), and the built sdme-import program: its exit codes, its
// messages, and --unit=NAME reading the generator's request file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "common/import_request.h"
#include "common/paths.h"
#include "import/formats/oci_manifest.h"
#include "import/import_command_line.h"
#include "import/import_transaction.h"
#include "import/importer.h"
#include "tests/support/http_server.h"
#include "tests/support/oci_test_image.h"
#include "tests/support/registry_server.h"
#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using test_support::digest_of;
using test_support::directory_entries;
using test_support::entry_kind;
using test_support::make_tar;
using test_support::read_test_file;
using test_support::run_program;
using test_support::ScopedEnvironment;
using test_support::ScratchDirectory;
using test_support::TarEntry;
using test_support::TestHttpServer;
using test_support::tree_listing;
using test_support::write_test_file;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kNoSuchChecksum[] =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

class ImporterIntegrationTest : public ::testing::Test {
 protected:
  ImporterIntegrationTest()
      : state_dir_(scratch_.path() + "/state"),
        state_(std::string("SDME_STATE_DIR"), state_dir_),
        server_(scratch_.path() + "/www") {
    std::filesystem::create_directories(scratch_.path() + "/www");
  }
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(server_.start(&err)) << err;
  }

  std::string rootfs_dir() const { return state_dir_ + "/rootfs"; }
  std::string rootfs(const std::string& name) const { return rootfs_dir() + "/" + name; }
  std::string serve(const std::string& path, const std::string& content) {
    write_test_file(scratch_.path() + "/www" + path, content);
    return server_.url(path);
  }

  bool import(const std::string& source, const std::string& name, std::string* err) {
    settings_.request.source = source;
    settings_.request.rootfs = name;
    ImportOutcome outcome;
    ProgressReporter progress;
    return import_rootfs(settings_, &progress, &outcome, err);
  }

  // The error of a failed import, after checking it left nothing behind.
  std::string import_error(const std::string& source, const std::string& name) {
    std::string err;
    EXPECT_FALSE(import(source, name, &err)) << source;
    for (const std::string& entry : directory_entries(rootfs_dir())) {
      EXPECT_NE(entry, name) << "committed in " << rootfs_dir();
      EXPECT_FALSE(is_import_leftover(entry, name)) << entry << " left in " << rootfs_dir();
    }
    return err;
  }

  ScratchDirectory scratch_;
  std::string state_dir_;
  ScopedEnvironment state_;
  TestHttpServer server_;
  ImportSettings settings_;
};

TEST_F(ImporterIntegrationTest, ImportsATarballFromAUrl) {
  std::string content = make_tar({{TarEntry::kDirectory, "etc", "", 0755},
                                  {TarEntry::kFile, "etc/os-release", "ID=url\n", 0644}},
                                 true);
  std::string url = serve("/rootfs.tar.gz", content);
  settings_.request.checksum = digest_of(content);
  std::string err;
  ASSERT_TRUE(import(url, "url", &err)) << err;
  EXPECT_EQ(read_test_file(rootfs("url") + "/etc/os-release"), "ID=url\n");
  EXPECT_EQ(directory_entries(rootfs_dir()), (std::vector<std::string>{".url.lock", "url"}));
  EXPECT_EQ(server_.request_count("/rootfs.tar.gz"), 1);
}

TEST_F(ImporterIntegrationTest, RefusesADownloadWhoseChecksumDiffers) {
  std::string content = make_tar({{TarEntry::kFile, "etc/os-release", "ID=url\n", 0644}}, true);
  std::string url = serve("/rootfs.tar.gz", content);
  settings_.request.checksum = kNoSuchChecksum;
  EXPECT_EQ(import_error(url, "url"), "cannot import '" + url + "' as url: " + url +
                                          ": checksum mismatch: expected " + kNoSuchChecksum +
                                          ", got " + digest_of(content) +
                                          "; the download is corrupt or the checksum is wrong");
  EXPECT_EQ(entry_kind(rootfs("url")), "missing");
}

TEST_F(ImporterIntegrationTest, ChecksTheChecksumOfBytesAfterTheArchivesEnd) {
  // An uncompressed tar padded far beyond its end-of-archive blocks: the
  // unpacker stops at the end marker, and the checksum must still cover
  // every byte that was downloaded.
  std::string content = make_tar({{TarEntry::kFile, "etc/os-release", "ID=url\n", 0644}}, false) +
                        std::string(1 << 20, '\0');
  std::string url = serve("/rootfs.tar", content);
  settings_.request.checksum = kNoSuchChecksum;
  EXPECT_EQ(import_error(url, "padded"), "cannot import '" + url + "' as padded: " + url +
                                             ": checksum mismatch: expected " + kNoSuchChecksum +
                                             ", got " + digest_of(content) +
                                             "; the download is corrupt or the checksum is wrong");
  settings_.request.checksum = digest_of(content);
  std::string err;
  EXPECT_TRUE(import(url, "padded", &err)) << err;
}

TEST_F(ImporterIntegrationTest, DownloadsADiskImageThenImportsIt) {
  if (::access("/dev/loop-control", F_OK) != 0)
    GTEST_SKIP() << "no loop devices (/dev/loop-control) to mount images with";
  std::string tree = scratch_.path() + "/tree";
  write_test_file(tree + "/etc/os-release", "ID=disk\n");
  std::string image = scratch_.path() + "/www/root.img";
  std::string output;
  ASSERT_EQ(run_program({"/usr/sbin/mkfs.ext4", "-q", "-d", tree, image, "16M"}, &output), 0)
      << output;
  std::string err;
  ASSERT_TRUE(import(server_.url("/root.img"), "disk", &err)) << err;
  EXPECT_EQ(read_test_file(rootfs("disk") + "/etc/os-release"), "ID=disk\n");
  // The downloaded image was scratch space next to the tree, and is gone.
  EXPECT_EQ(directory_entries(rootfs_dir()), (std::vector<std::string>{".disk.lock", "disk"}));
}

TEST_F(ImporterIntegrationTest, NeverShowsTheCredentialsOfAUrl) {
  std::string url = "http://user:hunter2@127.0.0.1:" + std::to_string(server_.port()) +
                    "/missing.tar.gz?token=hunter2";
  std::string err = import_error(url, "secret");
  EXPECT_THAT(err, StartsWith("cannot import 'http://***@127.0.0.1:" +
                              std::to_string(server_.port()) + "/missing.tar.gz?***' as secret: "));
  EXPECT_THAT(err, HasSubstr("404"));
  EXPECT_THAT(err, Not(HasSubstr("hunter2")));
  EXPECT_THAT(err, Not(HasSubstr("user")));
}

TEST_F(ImporterIntegrationTest, ImportsARegistryImageByTag) {
  test_support::RegistryServer registry(scratch_.path());
  std::string err;
  ASSERT_TRUE(registry.start(&err)) << err;
  test_support::TestImage image = test_support::write_test_oci_layout(
      scratch_.path() + "/layout", "v1", host_oci_architecture());
  ASSERT_TRUE(registry.push_oci_layout(scratch_.path() + "/layout", "v1", "sdme/test", &err))
      << err;

  ASSERT_TRUE(import(registry.host() + "/sdme/test:v1", "pulled", &err)) << err;
  // The second layer's whiteouts removed `removed` and `opaque/old`.
  EXPECT_EQ(tree_listing(rootfs("pulled")),
            (std::vector<std::string>{"etc/", "etc/hostname", "etc/os-release", "link", "opaque/",
                                      "opaque/new"}));
  EXPECT_EQ(read_test_file(rootfs("pulled") + "/etc/hostname"), "layer2\n");
  // The config the registry served, whose digest the manifest names.
  EXPECT_EQ(read_test_file(image_config_path(rootfs_dir(), "pulled")), image.config);

  std::string reference = registry.host() + "/sdme/test:v2";
  EXPECT_EQ(import_error("docker://" + reference, "missing"),
            "cannot import 'docker://" + reference +
                "' as missing: image sdme/test:v2 not found in registry " + registry.host() +
                " (check the name and tag)");
}

// The built program, as a person or the unit runs it.
class ImportProgramTest : public ::testing::Test {
 protected:
  ImportProgramTest()
      : state_(std::string("SDME_STATE_DIR"), scratch_.path() + "/state"),
        unit_path_(std::string("SDME_UNIT_PATH"), scratch_.path() + "/etc/sdme"),
        log_target_(std::string("SDME_LOG_TARGET"), "stderr") {}

  int run(std::vector<std::string> arguments, std::string* output) {
    arguments.insert(arguments.begin(), std::string(SDME_TEST_HELPER_DIR) + "/sdme-import");
    return run_program(arguments, output);
  }
  std::string rootfs(const std::string& name) const {
    return scratch_.path() + "/state/rootfs/" + name;
  }

  ScratchDirectory scratch_;
  ScopedEnvironment state_;
  ScopedEnvironment unit_path_;
  ScopedEnvironment log_target_;
};

TEST_F(ImportProgramTest, ExitsTwoWithTheUsageForAUsageError) {
  std::string output;
  EXPECT_EQ(run({"--bogus", "a", "b"}, &output), 2);
  EXPECT_THAT(output, StartsWith("sdme-import: unknown option '--bogus'\nUsage: sdme-import "));
  EXPECT_EQ(run({"--help"}, &output), 0);
  EXPECT_EQ(output, std::string(import_usage()));
}

TEST_F(ImportProgramTest, ExitsOneWhenTheImportFails) {
  std::string output;
  EXPECT_EQ(run({scratch_.path() + "/missing", "name"}, &output), 1);
  EXPECT_EQ(output, "sdme-import: " + scratch_.path() + "/missing: no such file or directory\n");
  EXPECT_EQ(entry_kind(rootfs("name")), "missing");
}

TEST_F(ImportProgramTest, ImportsADirectory) {
  write_test_file(scratch_.path() + "/tree/etc/os-release", "ID=program\n");
  std::string output;
  EXPECT_EQ(run({"--no-boot", scratch_.path() + "/tree", "tree"}, &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("sdme-import: Imported tree\n"));
  EXPECT_EQ(read_test_file(rootfs("tree") + "/etc/os-release"), "ID=program\n");
  EXPECT_EQ(run({"--no-boot", scratch_.path() + "/tree", "tree"}, &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("sdme-import: tree is already imported; nothing to do\n"));
}

// As sdme-import@NAME.service: the drop-in the generator writes names the
// .sdme files; Import= is read from them again, drop-ins included.
TEST_F(ImportProgramTest, UnitFormReadsTheSdmeFilesTheDropInNames) {
  write_test_file(scratch_.path() + "/tree/etc/os-release", "ID=unit\n");
  const std::string sdme_file = scratch_.path() + "/etc/sdme/web.sdme";
  write_test_file(sdme_file,
                  "[Container]\nRootfs=from-unit\nImport=/nonexistent\nExec=/bin/true\n");
  write_test_file(scratch_.path() + "/etc/sdme/web.sdme.d/10-source.conf",
                  "[Container]\nImport=" + scratch_.path() + "/tree\n");
  ScopedEnvironment files(kImportFilesVariable, sdme_file);

  std::string output;
  EXPECT_EQ(run({"--unit=from-unit"}, &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("Imported from-unit\n"));
  EXPECT_EQ(read_test_file(rootfs("from-unit") + "/etc/os-release"), "ID=unit\n");
}

TEST_F(ImportProgramTest, UnitFormWithoutTheDropInPointsAtDaemonReload) {
  std::string output;
  EXPECT_EQ(run({"--unit=nothing"}, &output), 1);
  EXPECT_EQ(output,
            "sdme-import: SDME_IMPORT_FILES is not set: --unit=nothing runs as "
            "sdme-import@nothing.service, whose drop-in the generator writes for the .sdme files "
            "with Import= and Rootfs=nothing; add them and run systemctl daemon-reload\n");
  EXPECT_EQ(entry_kind(rootfs("nothing")), "missing");
}

TEST_F(ImportProgramTest, UnitFormWhenTheFileNoLongerImportsPointsAtDaemonReload) {
  const std::string sdme_file = scratch_.path() + "/etc/sdme/web.sdme";
  write_test_file(sdme_file, "[Container]\nRootfs=other\nImport=/srv/other.tar\n");
  ScopedEnvironment files(kImportFilesVariable, sdme_file);
  std::string output;
  EXPECT_EQ(run({"--unit=debian"}, &output), 1);
  EXPECT_EQ(output, "sdme-import: none of " + sdme_file +
                        " imports rootfs 'debian' any more; run systemctl daemon-reload\n");
}

}  // namespace
}  // namespace sdme::import
