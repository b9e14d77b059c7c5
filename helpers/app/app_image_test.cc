// Tests for reading an application's image config and user database from
// disk: the fields that come through, every error word for word, and no
// symlink followed out of the tree.
#include "helpers/app/app_image.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/paths.h"
#include "import/formats/oci_manifest.h"
#include "tests/support/test_support.h"

namespace sdme::app {
namespace {

using test_support::ScratchDirectory;
using test_support::write_test_file;

// What `docker inspect nginx:1.27` shows of its config, trimmed.
constexpr std::string_view kNginxConfig = R"({
  "architecture": "amd64",
  "os": "linux",
  "config": {
    "ExposedPorts": {"80/tcp": {}},
    "Env": [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "NGINX_VERSION=1.27.3"
    ],
    "Entrypoint": ["/docker-entrypoint.sh"],
    "Cmd": ["nginx", "-g", "daemon off;"],
    "WorkingDir": "/usr/share/nginx/html",
    "User": "nginx:nginx",
    "StopSignal": "SIGQUIT"
  },
  "rootfs": {"type": "layers", "diff_ids": []}
})";

class AppImageTest : public ::testing::Test {
 protected:
  const std::string& rootfs_dir() const { return scratch_.path(); }
  std::string config_path() const { return image_config_path(rootfs_dir(), "nginx"); }
  void write_config(std::string_view text) { write_test_file(config_path(), std::string(text)); }

  std::string read_error() {
    AppSpec spec;
    std::string err;
    EXPECT_FALSE(read_app_image(rootfs_dir(), "nginx", &spec, &err));
    return err;
  }

 private:
  ScratchDirectory scratch_;
};

TEST_F(AppImageTest, ReadsTheImagesRuntimeConfig) {
  write_config(kNginxConfig);
  AppSpec spec;
  std::string err;
  ASSERT_TRUE(read_app_image(rootfs_dir(), "nginx", &spec, &err)) << err;
  EXPECT_EQ(spec.entrypoint, std::vector<std::string>({"/docker-entrypoint.sh"}));
  EXPECT_EQ(spec.cmd, std::vector<std::string>({"nginx", "-g", "daemon off;"}));
  EXPECT_EQ(
      spec.environment,
      std::vector<std::string>({"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                "NGINX_VERSION=1.27.3"}));
  EXPECT_EQ(spec.user, "nginx:nginx");
  EXPECT_EQ(spec.working_directory, "/usr/share/nginx/html");
  EXPECT_EQ(spec.stop_signal, "SIGQUIT");
}

TEST_F(AppImageTest, FieldsTheImageDoesNotSetAreEmpty) {
  write_config(R"({"os": "linux", "architecture": "amd64",
                   "config": {"Entrypoint": null, "Cmd": []}})");
  AppSpec spec{{"stale"}, {"stale"}, {"A=1"}, "stale", "/stale", "SIGINT"};
  std::string err;
  ASSERT_TRUE(read_app_image(rootfs_dir(), "nginx", &spec, &err)) << err;
  EXPECT_TRUE(spec.entrypoint.empty());
  EXPECT_TRUE(spec.cmd.empty());
  EXPECT_TRUE(spec.environment.empty());
  EXPECT_EQ(spec.user, "");
  EXPECT_EQ(spec.working_directory, "");
  EXPECT_EQ(spec.stop_signal, "");
}

TEST_F(AppImageTest, MissingConfigMeansNotImportedFromAnImage) {
  EXPECT_EQ(read_error(),
            "rootfs nginx was not imported from an OCI or Docker image (there is no " +
                config_path() +
                "); name the application's image in AppImage= (a registry reference, an OCI "
                "layout or archive, or a docker save archive), which imports it with its "
                "config");
}

TEST_F(AppImageTest, SymlinkInPlaceOfTheConfigIsRefused) {
  // A valid config elsewhere: the link must be refused, not followed.
  std::string elsewhere = rootfs_dir() + "/elsewhere.json";
  write_test_file(elsewhere, std::string(kNginxConfig));
  ASSERT_EQ(::symlink(elsewhere.c_str(), config_path().c_str()), 0);
  EXPECT_EQ(read_error(), config_path() +
                              " is a symlink, not the file sdme-import writes; remove " +
                              rootfs_dir() + "/nginx and import it again from its image");
}

TEST_F(AppImageTest, DirectoryInPlaceOfTheConfigIsRefused) {
  std::filesystem::create_directory(config_path());
  EXPECT_EQ(read_error(), config_path() + " is a directory, not a regular file; remove " +
                              rootfs_dir() + "/nginx and import it again from its image");
}

TEST_F(AppImageTest, OversizeConfigIsRefused) {
  write_config("");
  // Sparse: a byte over the limit costs no disk.
  ASSERT_EQ(::truncate(config_path().c_str(), import::kMaxConfigSize + 1), 0);
  EXPECT_EQ(read_error(), config_path() + " is larger than 16777216 bytes; remove " + rootfs_dir() +
                              "/nginx and import it again from its image");
}

TEST_F(AppImageTest, ConfigAtTheLimitIsRead) {
  std::string text(kNginxConfig);
  text.append(import::kMaxConfigSize - text.size(), ' ');
  write_config(text);
  AppSpec spec;
  std::string err;
  ASSERT_TRUE(read_app_image(rootfs_dir(), "nginx", &spec, &err)) << err;
  EXPECT_EQ(spec.stop_signal, "SIGQUIT");
}

TEST_F(AppImageTest, InvalidJsonGivesTheParsersMessage) {
  write_config(R"({"config": {"Cmd": ["nginx"])");
  EXPECT_EQ(read_error(), config_path() + ": not valid JSON");
}

TEST_F(AppImageTest, NotAnObjectGivesTheParsersMessage) {
  write_config(R"(["nginx"])");
  EXPECT_EQ(read_error(), config_path() + ": not a JSON object");
}

TEST_F(AppImageTest, UnusableRuntimeConfigRefusesTheImage) {
  write_config(R"({"os": "linux", "architecture": "amd64",
                   "config": {"Env": ["PATH=/bin", "JUSTANAME"], "Cmd": ["nginx"]}})");
  EXPECT_EQ(read_error(), config_path() +
                              ": config.Env[1] \"JUSTANAME\" is not NAME=VALUE; the image cannot "
                              "run as an application");
}

TEST_F(AppImageTest, RelativeWorkingDirectoryRefusesTheImage) {
  write_config(R"({"config": {"WorkingDir": "srv", "Cmd": ["nginx"]}})");
  EXPECT_EQ(read_error(), config_path() +
                              ": config.WorkingDir \"srv\" is not an absolute path; the image "
                              "cannot run as an application");
}

constexpr std::string_view kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "nginx:x:101:101:nginx user:/nonexistent:/bin/false\n";
constexpr std::string_view kGroup =
    "root:x:0:\n"
    "nginx:x:101:\n"
    "www-data:x:33:nginx\n";
// What a symlink out of the tree would find: the test asserts it is not.
constexpr std::string_view kOutsidePasswd = "intruder:x:4242:4242::/home/intruder:/bin/sh\n";
constexpr std::string_view kOutsideGroup = "intruders:x:4343:\n";

class AppIdentityTest : public ::testing::Test {
 protected:
  AppIdentityTest() {
    tree_ = scratch_.path() + "/tree";
    outside_ = scratch_.path() + "/outside";
    std::filesystem::create_directories(tree_);
    write_test_file(outside_ + "/etc/passwd", std::string(kOutsidePasswd));
    write_test_file(outside_ + "/etc/group", std::string(kOutsideGroup));
  }

  AppIdentity resolve(std::string_view user) {
    AppIdentity identity{12345, 12345, "/stale"};
    std::string err;
    EXPECT_TRUE(read_app_identity(tree_, user, &identity, &err)) << user << ": " << err;
    return identity;
  }

  std::string resolve_error(std::string_view user) {
    AppIdentity identity;
    std::string err;
    EXPECT_FALSE(read_app_identity(tree_, user, &identity, &err)) << user;
    return err;
  }

  ScratchDirectory scratch_;
  std::string tree_, outside_;
};

TEST_F(AppIdentityTest, ResolvesAgainstTheTreesPasswdAndGroup) {
  write_test_file(tree_ + "/etc/passwd", std::string(kPasswd));
  write_test_file(tree_ + "/etc/group", std::string(kGroup));
  AppIdentity nginx = resolve("nginx");
  EXPECT_EQ(nginx.uid, 101u);
  EXPECT_EQ(nginx.gid, 101u);
  EXPECT_EQ(nginx.home, "/nonexistent");
  AppIdentity www = resolve("nginx:www-data");
  EXPECT_EQ(www.uid, 101u);
  EXPECT_EQ(www.gid, 33u);
  AppIdentity root = resolve("");
  EXPECT_EQ(root.uid, 0u);
  EXPECT_EQ(root.gid, 0u);
  EXPECT_EQ(root.home, "/root");
}

TEST_F(AppIdentityTest, MissingFilesReadAsEmpty) {
  AppIdentity root = resolve("");
  EXPECT_EQ(root.uid, 0u);
  EXPECT_EQ(root.gid, 0u);
  EXPECT_EQ(root.home, "/");
  AppIdentity numeric = resolve("1000:1000");
  EXPECT_EQ(numeric.uid, 1000u);
  EXPECT_EQ(numeric.gid, 1000u);
  EXPECT_EQ(resolve_error("nginx"), "user 'nginx' is not in the app's /etc/passwd");

  // An etc without the files reads the same.
  std::filesystem::create_directory(tree_ + "/etc");
  EXPECT_EQ(resolve("1000").gid, 0u);
  EXPECT_EQ(resolve_error("nginx"), "user 'nginx' is not in the app's /etc/passwd");

  // A group file alone still names groups.
  write_test_file(tree_ + "/etc/group", std::string(kGroup));
  EXPECT_EQ(resolve("1000:www-data").gid, 33u);
}

TEST_F(AppIdentityTest, EtcSymlinkOutOfTheTreeIsNotFollowed) {
  for (const std::string& target : {outside_ + "/etc", std::string("../outside/etc")}) {
    std::filesystem::remove(tree_ + "/etc");
    ASSERT_EQ(::symlink(target.c_str(), (tree_ + "/etc").c_str()), 0) << target;
    EXPECT_EQ(resolve_error("intruder"), "user 'intruder' is not in the app's /etc/passwd")
        << target;
    EXPECT_EQ(resolve_error(":intruders"), "group 'intruders' is not in the app's /etc/group")
        << target;
    AppIdentity root = resolve("4242");
    EXPECT_EQ(root.gid, 0u) << target;
    EXPECT_EQ(root.home, "/") << target;
  }
}

TEST_F(AppIdentityTest, FileSymlinksOutOfTheTreeAreNotFollowed) {
  std::filesystem::create_directory(tree_ + "/etc");
  ASSERT_EQ(::symlink((outside_ + "/etc/passwd").c_str(), (tree_ + "/etc/passwd").c_str()), 0);
  ASSERT_EQ(::symlink("../../outside/etc/group", (tree_ + "/etc/group").c_str()), 0);
  EXPECT_EQ(resolve_error("intruder"), "user 'intruder' is not in the app's /etc/passwd");
  EXPECT_EQ(resolve_error(":intruders"), "group 'intruders' is not in the app's /etc/group");
}

TEST_F(AppIdentityTest, EtcThatIsAFileReadsAsMissing) {
  write_test_file(tree_ + "/etc", std::string(kPasswd));
  EXPECT_EQ(resolve_error("nginx"), "user 'nginx' is not in the app's /etc/passwd");
}

TEST_F(AppIdentityTest, DirectoryInPlaceOfPasswdIsAnError) {
  std::filesystem::create_directories(tree_ + "/etc/passwd");
  EXPECT_EQ(resolve_error(""), tree_ +
                                   "/etc/passwd is a directory, not a regular file; replace it "
                                   "with the app's user database or remove it");
}

TEST_F(AppIdentityTest, OversizeGroupIsRefused) {
  write_test_file(tree_ + "/etc/passwd", std::string(kPasswd));
  write_test_file(tree_ + "/etc/group", "");
  ASSERT_EQ(::truncate((tree_ + "/etc/group").c_str(), kMaxUserDatabaseSize + 1), 0);
  EXPECT_EQ(resolve_error("nginx"),
            tree_ +
                "/etc/group is larger than 16777216 bytes; an app's user database is never "
                "that big");
}

TEST_F(AppIdentityTest, MissingTreeIsAnError) {
  std::filesystem::remove(tree_);
  EXPECT_EQ(resolve_error(""), "cannot open " + tree_ + ": No such file or directory");
}

}  // namespace
}  // namespace sdme::app
