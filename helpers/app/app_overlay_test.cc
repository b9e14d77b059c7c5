// sdme-app end to end on a real overlay (needs root): the program itself
// runs against a container mounted by sdme-overlay's library, as the unit
// runs it; a second run changes nothing in the upper layer, byte for byte
// and time stamp for time stamp; a run without an image takes the unit
// back; a bad image leaves the upper layer as it was. The app's tree is
// mounted at merged/sdme/app/root, its writes kept in app/upper, shifted
// into the container's UID range when it has one, and taken down with the
// container's overlay.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "common/paths.h"
#include "helpers/app/app_mount.h"
#include "helpers/app/app_setup.h"
#include "helpers/app/app_unit.h"
#include "helpers/container/mounts.h"
#include "helpers/overlay/overlay_mount.h"
#include "helpers/overlay/uid_shift.h"
#include "tests/support/container_overlay_fixture.h"
#include "tests/support/test_support.h"

namespace sdme::app {
namespace {

using ::sdme::test_support::ContainerOverlayFixture;
using ::sdme::test_support::entry_kind;
using ::sdme::test_support::link_target;
using ::sdme::test_support::mount_points_under;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::tree_snapshot;
using ::sdme::test_support::write_test_file;

constexpr char kContainerPasswd[] = "root:x:0:0:root:/root:/bin/bash\n";
constexpr char kContainerGroup[] = "root:x:0:\n";

class AppOverlayTest : public ContainerOverlayFixture {
 protected:
  void SetUp() override {
    ContainerOverlayFixture::SetUp();
    if (IsSkipped()) return;
    write_test_file(lower_ + "/etc/passwd", kContainerPasswd);
    write_test_file(lower_ + "/etc/group", kContainerGroup);
    ::chmod(lower_.c_str(), 0755);
    // An imported rootfs whose image runs as nginx (101:102).
    const std::string rootfs_dir = state_ + "/rootfs";
    write_test_file(image_config_path(rootfs_dir, "nginx"),
                    R"({"os": "linux", "architecture": "amd64",
                        "config": {"Cmd": ["/usr/sbin/nginx"], "User": "nginx"}})");
    write_test_file(rootfs_dir + "/nginx/etc/passwd",
                    "nginx:x:101:102:nginx:/var/cache/nginx:/bin/false\n");
    write_test_file(rootfs_dir + "/nginx/etc/group", "nginx:x:102:\n");

    write_test_file(rootfs_dir + "/nginx/usr/share/nginx/index.html", "welcome\n");
    ::chmod((rootfs_dir + "/nginx").c_str(), 0755);
    rootfs_ = rootfs_dir + "/nginx";

    mount_container(private_users());
  }
  // The container's PrivateUsers=: none here.
  virtual std::string private_users() const { return ""; }

  // Which file system is mounted at `path`, "" when none.
  std::string mounted_type(const std::string& path) const {
    container::MountPoint mount_point;
    std::string err;
    EXPECT_TRUE(container::find_mount_point(path, &mount_point, &err)) << err;
    return mount_point.filesystem_type;
  }

  int run(const std::vector<std::string>& arguments) {
    return run_on_container(SDME_APP_PATH, arguments);
  }

  std::string app_root(std::string_view path) const {
    return merged(kAppRootDirectory) + std::string(path);
  }
  std::string app_upper(std::string_view path) const {
    return state_ + "/containers/web/app/upper" + std::string(path);
  }

  std::string rootfs_;
};

TEST_F(AppOverlayTest, WritesTheAppIntoTheUpperLayerOnce) {
  ASSERT_EQ(run({"--image=nginx"}), 0);
  EXPECT_TRUE(read_test_file(upper(kAppUnitPath)).starts_with(kAppUnitMarker));
  EXPECT_EQ(link_target(upper(kAppUnitLinkPath)), kAppUnitPath);
  EXPECT_EQ(entry_kind(upper(kAppRootDirectory)), "directory");
  EXPECT_EQ(
      read_test_file(upper("/etc/passwd")),
      std::string(kContainerPasswd) + "sdme-app-101:x:101:102::/nonexistent:/usr/sbin/nologin\n");
  EXPECT_EQ(read_test_file(upper("/etc/group")),
            std::string(kContainerGroup) + "sdme-app-102:x:102:\n");
  // The lower layer is never written.
  EXPECT_EQ(read_test_file(lower_ + "/etc/passwd"), kContainerPasswd);

  const std::string before = tree_snapshot(upper(""));
  ASSERT_EQ(run({"--image=nginx"}), 0);
  EXPECT_EQ(tree_snapshot(upper("")), before);
}

TEST_F(AppOverlayTest, WithoutAnImageTakesTheUnitBack) {
  ASSERT_EQ(run({"--image=nginx"}), 0);
  ASSERT_EQ(run({}), 0);
  EXPECT_EQ(entry_kind(merged(kAppUnitPath)), "missing");
  EXPECT_EQ(entry_kind(merged(kAppUnitLinkPath)), "missing");
  // The user stays: files the app made belong to it.
  EXPECT_NE(read_test_file(merged("/etc/passwd")).find("sdme-app-101:"), std::string::npos);
}

TEST_F(AppOverlayTest, AnEphemeralContainersAppKeepsItsWritesOnTheTmpfs) {
  unmount_container();
  mount_container("", /*ephemeral=*/true);
  ASSERT_EQ(run({"--image=nginx"}), 0);
  write_test_file(app_root("/var/cache/nginx/state"), "written\n");
  EXPECT_EQ(read_test_file(state_ + "/containers/web/ephemeral/app-upper/var/cache/nginx/state"),
            "written\n");
  EXPECT_EQ(entry_kind(app_upper("/var")), "missing");
  // The stop takes the tmpfs, and the app's writes with it.
  unmount_container();
  EXPECT_EQ(entry_kind(state_ + "/containers/web/ephemeral"), "missing");
}

TEST_F(AppOverlayTest, MakesAWorkingDirectoryTheImageLacks) {
  write_test_file(image_config_path(state_ + "/rootfs", "nginx"),
                  R"({"os": "linux", "architecture": "amd64",
                      "config": {"Cmd": ["/usr/sbin/nginx"], "User": "nginx",
                                 "WorkingDir": "/srv/data"}})");
  ASSERT_EQ(run({"--image=nginx"}), 0);
  EXPECT_EQ(entry_kind(app_upper("/srv/data")), "directory");
  EXPECT_EQ(entry_kind(rootfs_ + "/srv"), "missing");
  // As the working directory of the app's unit.
  EXPECT_NE(read_test_file(upper(kAppUnitPath)).find("WorkingDirectory=/srv/data\n"),
            std::string::npos);
}

TEST_F(AppOverlayTest, ABadImageLeavesTheUpperLayerAsItWas) {
  const std::string before = tree_snapshot(upper(""));
  EXPECT_EQ(run({"--image=redis"}), 1);
  EXPECT_EQ(tree_snapshot(upper("")), before);
}

TEST_F(AppOverlayTest, MountsTheAppTreeWithItsOwnWritableLayer) {
  ASSERT_EQ(run({"--image=nginx"}), 0);
  EXPECT_EQ(mounted_type(app_root("")), "overlay");
  EXPECT_EQ(read_test_file(app_root("/usr/share/nginx/index.html")), "welcome\n");
  // The app's writes land in its own layer, never in the image.
  write_test_file(app_root("/var/cache/nginx/state"), "written\n");
  EXPECT_EQ(read_test_file(app_upper("/var/cache/nginx/state")), "written\n");
  EXPECT_EQ(entry_kind(rootfs_ + "/var"), "missing");
  EXPECT_EQ(entry_kind(upper("/sdme/app/root/var")), "missing");

  // A second run leaves the mount as it is: nothing stacks.
  ASSERT_EQ(run({"--image=nginx"}), 0);
  EXPECT_EQ(mount_points_under(app_root("")), std::vector<std::string>{app_root("")});
  EXPECT_EQ(read_test_file(app_root("/var/cache/nginx/state")), "written\n");
}

TEST_F(AppOverlayTest, WithoutAnImageUnmountsTheAppTreeAndKeepsItsLayer) {
  ASSERT_EQ(run({"--image=nginx"}), 0);
  write_test_file(app_root("/var/cache/nginx/state"), "written\n");
  ASSERT_EQ(run({}), 0);
  EXPECT_EQ(mounted_type(app_root("")), "");
  EXPECT_EQ(entry_kind(app_root("/usr")), "missing");
  EXPECT_EQ(read_test_file(app_upper("/var/cache/nginx/state")), "written\n");
  // And once more, with nothing mounted.
  ASSERT_EQ(run({}), 0);
  // The layer comes back with the image.
  ASSERT_EQ(run({"--image=nginx"}), 0);
  EXPECT_EQ(read_test_file(app_root("/var/cache/nginx/state")), "written\n");
}

TEST_F(AppOverlayTest, UnmountingTheContainerUnmountsTheAppTreeFirst) {
  ASSERT_EQ(run({"--image=nginx"}), 0);
  unmount_container();  // no "detached" warning
  EXPECT_EQ(mount_points_under(state_), std::vector<std::string>{});
}

TEST_F(AppOverlayTest, RefusesAForeignMountAtTheAppRoot) {
  ASSERT_EQ(run({"--image=nginx"}), 0);
  ASSERT_EQ(run({}), 0);
  std::string err;
  ASSERT_TRUE(container::mount_filesystem("tmpfs", "tmpfs", app_root(""), "mode=0755", &err))
      << err;
  EXPECT_FALSE(mount_app_tree("web", "nginx", &err));
  EXPECT_EQ(err, app_root("") +
                     " is already a mount point of a tmpfs file system, not of the app's tree; "
                     "unmount it (sdme-overlay umount web) and start the container again");
}

TEST_F(AppOverlayTest, RefusesAMountPointThatLeadsOutOfTheContainer) {
  ASSERT_EQ(run({"--image=nginx"}), 0);
  ASSERT_EQ(run({}), 0);
  const std::string elsewhere = scratch_->path() + "/elsewhere";
  std::filesystem::create_directories(elsewhere + "/app/root");
  std::filesystem::remove_all(merged("/sdme"));
  std::filesystem::create_directory_symlink(elsewhere, merged("/sdme"));
  std::string err;
  EXPECT_FALSE(mount_app_tree("web", "nginx", &err));
  EXPECT_EQ(err, app_root("") +
                     " is not a directory of the container's own (a symlink on the way leads "
                     "elsewhere, or it is missing); remove /sdme/app/root in the container and "
                     "start it again");
  EXPECT_EQ(mount_points_under(elsewhere), std::vector<std::string>{});
  // Nor is anything unmounted there.
  ASSERT_EQ(run({}), 0);
}

TEST_F(AppOverlayTest, RefusesAnAppLayerMadeForAUserNamespace) {
  const std::string app_upper_dir = app_upper("");
  std::filesystem::create_directories(app_upper_dir);
  write_test_file(app_upper_dir + "/kept", "data\n");
  ASSERT_EQ(::chown(app_upper_dir.c_str(), 0x80000, 0x80000), 0);
  ASSERT_EQ(run({"--image=nginx"}), 1);
  std::string err;
  EXPECT_FALSE(mount_app_tree("web", "nginx", &err));
  EXPECT_NE(err.find("the upper layer " + app_upper_dir + " belongs to UID 524288"),
            std::string::npos)
      << err;
  EXPECT_EQ(mounted_type(app_root("")), "");
  EXPECT_EQ(entry_kind(state_ + "/containers/web/app/work"), "missing");
}

// The container in a user namespace: the app's tree is shown in its range.
class ShiftedAppOverlayTest : public AppOverlayTest {
 protected:
  std::string private_users() const override { return "pick"; }
};

TEST_F(ShiftedAppOverlayTest, ShowsTheImageInTheContainersRange) {
  ASSERT_EQ(::chown((rootfs_ + "/usr/share/nginx/index.html").c_str(), 101, 102), 0);
  struct stat container_root;
  ASSERT_EQ(::stat(upper("").c_str(), &container_root), 0);
  const uid_t base = container_root.st_uid;
  ASSERT_TRUE(overlay::is_picked_base(base));

  ASSERT_EQ(run({"--image=nginx"}), 0);
  struct stat index, app_layer, image_index;
  ASSERT_EQ(::stat(app_root("/usr/share/nginx/index.html").c_str(), &index), 0);
  EXPECT_EQ(index.st_uid, base + 101);
  EXPECT_EQ(index.st_gid, base + 102);
  ASSERT_EQ(::stat(app_upper("").c_str(), &app_layer), 0);
  EXPECT_EQ(app_layer.st_uid, base);
  EXPECT_EQ(app_layer.st_gid, base);
  // On disk the image is as imported, and the view's mount point is gone.
  ASSERT_EQ(::stat((rootfs_ + "/usr/share/nginx/index.html").c_str(), &image_index), 0);
  EXPECT_EQ(image_index.st_uid, 101u);
  EXPECT_EQ(entry_kind(state_ + "/containers/web/app/idmapped-lower"), "missing");
  EXPECT_EQ(mount_points_under(state_), (std::vector<std::string>{merged(""), app_root("")}));

  ASSERT_EQ(run({"--image=nginx"}), 0);
  unmount_container();
  EXPECT_EQ(mount_points_under(state_), std::vector<std::string>{});

  // Started again without the user namespace, the app's layer is refused.
  std::filesystem::remove_all(upper(""));
  std::filesystem::remove_all(state_ + "/containers/web/work");
  mount_container("");
  std::filesystem::create_directories(app_root(""));
  std::string err;
  EXPECT_FALSE(mount_app_tree("web", "nginx", &err));
  EXPECT_EQ(err, "the upper layer " + app_upper("") + " belongs to UID " + std::to_string(base) +
                     ", its files made for a user namespace; without one (PrivateUsers=, "
                     "Security=) the container's root would not own them. Go back to the earlier "
                     "setting, or remove " +
                     app_upper("") + " to start the container afresh");
  EXPECT_EQ(mounted_type(app_root("")), "");
}

}  // namespace
}  // namespace sdme::app
