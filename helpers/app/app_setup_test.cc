// Tests for what sdme-app does to a container's tree, on two plain
// directories standing for the merged tree and its upper layer
// (helpers/provision/test_tree.h): the unit and its link, the app's user
// and group, the mount point, taking back, and a bad image refused before
// anything is written.
#include "helpers/app/app_setup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "common/paths.h"
#include "helpers/app/app_unit.h"
#include "helpers/provision/test_tree.h"

namespace sdme::app {
namespace {

using provision::ProvisionTreeTest;
using test_support::entry_kind;
using test_support::link_target;
using test_support::permission_bits;
using test_support::read_test_file;
using test_support::tree_listing;
using test_support::write_test_file;

constexpr char kContainerPasswd[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
constexpr char kContainerGroup[] =
    "root:x:0:\n"
    "daemon:x:1:\n";

std::string config_with_user(const std::string& user) {
  return R"({"os": "linux", "architecture": "amd64", "config": {"Cmd": ["/usr/sbin/nginx"], "User": ")" +
         user + R"("}})";
}

class AppSetupTest : public ProvisionTreeTest {
 protected:
  std::string rootfs_dir() const { return scratch_->path() + "/rootfs"; }

  // An imported rootfs "nginx" whose config runs as `user`, with its own
  // user database.
  void image(const std::string& user) {
    write_test_file(image_config_path(rootfs_dir(), "nginx"), config_with_user(user));
    write_test_file(
        rootfs_dir() + "/nginx/etc/passwd",
        "root:x:0:0:root:/root:/bin/sh\nnginx:x:101:102:nginx:/var/cache/nginx:/bin/false\n");
    write_test_file(rootfs_dir() + "/nginx/etc/group", "root:x:0:\nnginx:x:102:\n");
  }

  void expect_user_databases_untouched(const std::string& user);

  static AppRequest nginx_request() {
    AppRequest request;
    request.container_name = "web";
    request.image_rootfs = "nginx";
    return request;
  }

  AppSetup read_setup() {
    AppSetup setup;
    std::string err;
    EXPECT_TRUE(read_app_setup(rootfs_dir(), nginx_request(), &setup, &err)) << err;
    return setup;
  }

  void write(const AppSetup& setup) {
    std::string err;
    EXPECT_TRUE(write_app_setup(tree_, setup, &err)) << err;
  }

  void container_user_database() {
    lower_file("/etc/passwd", kContainerPasswd);
    lower_file("/etc/group", kContainerGroup);
  }
};

TEST_F(AppSetupTest, WritesTheUnitAndItsLink) {
  image("nginx");
  container_user_database();
  AppSetup setup = read_setup();
  write(setup);
  std::string unit = read_test_file(merged(std::string(kAppUnitPath)));
  EXPECT_EQ(unit, setup.unit_text);
  EXPECT_TRUE(unit.starts_with(std::string(kAppUnitMarker) + "\n")) << unit;
  EXPECT_NE(unit.find("Description=Application image nginx\n"), std::string::npos) << unit;
  EXPECT_NE(unit.find("RootDirectory=/sdme/app/root\n"), std::string::npos) << unit;
  EXPECT_NE(unit.find("User=101\n"), std::string::npos) << unit;
  EXPECT_EQ(permission_bits(merged(std::string(kAppUnitPath))), 0644u);
  EXPECT_EQ(link_target(merged(std::string(kAppUnitLinkPath))), kAppUnitPath);
}

TEST_F(AppSetupTest, MakesTheMountPointOfTheAppsTree) {
  image("");
  write(read_setup());
  EXPECT_EQ(entry_kind(merged("/sdme/app/root")), "directory");
  EXPECT_EQ(permission_bits(merged("/sdme/app/root")), 0755u);
}

TEST_F(AppSetupTest, AddsTheAppsUserAndGroupOnce) {
  image("nginx");
  container_user_database();
  ::chmod(merged("/etc/group").c_str(), 0664);
  AppSetup setup = read_setup();
  EXPECT_EQ(setup.identity.uid, 101u);
  EXPECT_EQ(setup.identity.gid, 102u);
  write(setup);
  EXPECT_EQ(
      read_test_file(merged("/etc/passwd")),
      std::string(kContainerPasswd) + "sdme-app-101:x:101:102::/nonexistent:/usr/sbin/nologin\n");
  EXPECT_EQ(read_test_file(merged("/etc/group")),
            std::string(kContainerGroup) + "sdme-app-102:x:102:\n");
  EXPECT_EQ(permission_bits(merged("/etc/group")), 0664u);

  // A second run changes nothing, not even an mtime.
  for (const char* path : {"/etc/passwd", "/etc/group", "/etc/systemd/system/sdme-app.service"})
    age(merged(path));
  const std::string passwd = read_test_file(merged("/etc/passwd"));
  const std::string group = read_test_file(merged("/etc/group"));
  write(read_setup());
  EXPECT_EQ(read_test_file(merged("/etc/passwd")), passwd);
  EXPECT_EQ(read_test_file(merged("/etc/group")), group);
  for (const char* path : {"/etc/passwd", "/etc/group", "/etc/systemd/system/sdme-app.service"})
    EXPECT_TRUE(same_time(mtime(merged(path)), {1000000000, 0})) << path;
}

// An image running as `user` leaves the container's /etc/passwd and
// /etc/group as they were, time stamps included.
void AppSetupTest::expect_user_databases_untouched(const std::string& user) {
  image(user);
  container_user_database();
  age(merged("/etc/passwd"));
  age(merged("/etc/group"));
  write(read_setup());
  EXPECT_EQ(read_test_file(merged("/etc/passwd")), kContainerPasswd);
  EXPECT_EQ(read_test_file(merged("/etc/group")), kContainerGroup);
  EXPECT_TRUE(same_time(mtime(merged("/etc/passwd")), {1000000000, 0}));
  EXPECT_TRUE(same_time(mtime(merged("/etc/group")), {1000000000, 0}));
}

TEST_F(AppSetupTest, AddsNothingForRoot) { expect_user_databases_untouched(""); }

TEST_F(AppSetupTest, AddsNothingWhenTheContainerListsTheIds) {
  expect_user_databases_untouched("1:1");
}

TEST_F(AppSetupTest, TakesBackTheUnitAndLinkButNotTheUser) {
  image("nginx");
  container_user_database();
  AppSetup setup = read_setup();
  write(setup);
  // What the overlay shows in merged/ is the upper layer's.
  own_file(std::string(kAppUnitPath), setup.unit_text);
  std::filesystem::create_directories(upper("/etc/systemd/system/multi-user.target.wants"));
  std::filesystem::create_symlink(kAppUnitPath, upper(std::string(kAppUnitLinkPath)));
  const std::string passwd = read_test_file(merged("/etc/passwd"));

  std::string err;
  ASSERT_TRUE(take_back_app(tree_, &err)) << err;
  EXPECT_EQ(entry_kind(merged(std::string(kAppUnitPath))), "missing");
  EXPECT_EQ(entry_kind(merged(std::string(kAppUnitLinkPath))), "missing");
  EXPECT_EQ(read_test_file(merged("/etc/passwd")), passwd);
  // A second take-back finds nothing to do.
  EXPECT_TRUE(take_back_app(tree_, &err)) << err;
}

TEST_F(AppSetupTest, TakeBackKeepsTheAdministratorsUnit) {
  own_file(std::string(kAppUnitPath), "[Service]\nExecStart=/bin/true\n");
  std::string err;
  ASSERT_TRUE(take_back_app(tree_, &err)) << err;
  EXPECT_EQ(read_test_file(merged(std::string(kAppUnitPath))), "[Service]\nExecStart=/bin/true\n");
}

TEST_F(AppSetupTest, AnImageWithoutAConfigIsRefusedBeforeAnythingIsWritten) {
  std::filesystem::create_directories(rootfs_dir() + "/nginx");
  AppSetup setup;
  std::string err;
  EXPECT_FALSE(read_app_setup(rootfs_dir(), nginx_request(), &setup, &err));
  EXPECT_EQ(err, "rootfs nginx was not imported from an OCI or Docker image (there is no " +
                     image_config_path(rootfs_dir(), "nginx") +
                     "); name the application's image in AppImage= (a registry reference, an OCI "
                     "layout or archive, or a docker save archive), which imports it with its "
                     "config");
  EXPECT_TRUE(tree_listing(merged_).empty());
}

TEST_F(AppSetupTest, AUserTheImageLacksIsRefused) {
  image("nobody");
  AppSetup setup;
  std::string err;
  EXPECT_FALSE(read_app_setup(rootfs_dir(), nginx_request(), &setup, &err));
  EXPECT_NE(err.find("nobody"), std::string::npos) << err;
}

TEST_F(AppSetupTest, TheRequestsOverridesAndPodReachTheUnit) {
  image("nginx");
  AppRequest request = nginx_request();
  request.exec = std::vector<std::string>{"/usr/sbin/nginx", "-g", "daemon off;"};
  request.environment = {"GREETING=hello world"};
  request.user = "0";
  request.working_directory = "/srv";
  request.network_namespace = "/run/sdme/app-pod/netns";
  AppSetup setup;
  std::string err;
  ASSERT_TRUE(read_app_setup(rootfs_dir(), request, &setup, &err)) << err;
  EXPECT_EQ(setup.identity.uid, 0u);
  const std::string& unit = setup.unit_text;
  EXPECT_NE(unit.find("ExecStart=/usr/sbin/nginx -g \"daemon off;\"\n"), std::string::npos) << unit;
  EXPECT_NE(unit.find("Environment=\"GREETING=hello world\"\n"), std::string::npos) << unit;
  EXPECT_NE(unit.find("WorkingDirectory=/srv\n"), std::string::npos) << unit;
  EXPECT_NE(unit.find("NetworkNamespacePath=/run/sdme/app-pod/netns\n"), std::string::npos) << unit;
  EXPECT_EQ(unit.find("User="), std::string::npos) << unit;
}

}  // namespace
}  // namespace sdme::app
