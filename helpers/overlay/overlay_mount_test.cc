// Tests for sdme-overlay's mount and umount, on real overlayfs mounts in a
// scratch directory (they need root).
#include "helpers/overlay/overlay_mount.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "helpers/container/mounts.h"
#include "helpers/overlay/host_clone.h"
#include "tests/support/test_support.h"

namespace sdme::overlay {
namespace {

using ::sdme::test_support::directory_entries;
using ::sdme::test_support::entry_kind;
using ::sdme::test_support::link_target;
using ::sdme::test_support::mount_points_under;
using ::sdme::test_support::opaque_attribute;
using ::sdme::test_support::permission_bits;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScopedEnvironment;
using ::sdme::test_support::ScopedUmask;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

class OverlayMountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting overlayfs needs root";
    scratch_.emplace();
    lower_ = scratch_->path() + "/lower";
    std::filesystem::create_directory(lower_);
    ::chmod(lower_.c_str(), 0755);
    write_test_file(lower_ + "/etc/hostname", "lower\n");
    set_state_dir(scratch_->path() + "/state");
  }
  void TearDown() override {
    state_environment_.reset();
    scratch_.reset();  // unmounts whatever a failed test left
  }

  void set_state_dir(const std::string& state) {
    state_ = state;
    state_environment_.reset();
    state_environment_.emplace("SDME_STATE_DIR", state_);
  }
  std::string container(const std::string& name) const { return state_ + "/containers/" + name; }

  OverlayMountRequest request(const std::string& name) const {
    OverlayMountRequest request;
    request.container_name = name;
    request.lower = lower_;
    return request;
  }

  // Mounts and expects success; returns the result for further checks.
  OverlayMountResult mount(const OverlayMountRequest& request) {
    OverlayMountResult result;
    std::string err;
    EXPECT_TRUE(mount_overlay(request, &result, &err)) << err;
    return result;
  }
  std::string mount_error(const OverlayMountRequest& request) {
    OverlayMountResult result;
    std::string err;
    EXPECT_FALSE(mount_overlay(request, &result, &err));
    return err;
  }
  void unmount(const std::string& name) {
    std::vector<std::string> warnings;
    std::string err;
    EXPECT_TRUE(unmount_overlay(name, &warnings, &err)) << err;
    EXPECT_EQ(warnings, std::vector<std::string>{});
  }
  std::vector<std::string> mounts() const { return mount_points_under(scratch_->path()); }

  std::optional<ScratchDirectory> scratch_;
  std::optional<ScopedEnvironment> state_environment_;
  std::string lower_;
  std::string state_;
};

TEST_F(OverlayMountTest, MountsCopyOnWriteRootAndUnmountsKeepingChanges) {
  std::string merged = container("web") + "/merged";
  EXPECT_EQ(mount(request("web")).merged, merged);
  EXPECT_EQ(mounts(), std::vector<std::string>{merged});
  EXPECT_EQ(read_test_file(merged + "/etc/hostname"), "lower\n");

  write_test_file(merged + "/etc/hostname", "changed\n");
  EXPECT_EQ(read_test_file(lower_ + "/etc/hostname"), "lower\n");
  EXPECT_EQ(read_test_file(container("web") + "/upper/etc/hostname"), "changed\n");

  unmount("web");
  EXPECT_EQ(mounts(), std::vector<std::string>{});
  EXPECT_EQ(read_test_file(container("web") + "/upper/etc/hostname"), "changed\n");
}

TEST_F(OverlayMountTest, CreatesLayoutWithModesForContainerUse) {
  ::chmod(lower_.c_str(), 0751);
  mount(request("web"));
  EXPECT_EQ(permission_bits(state_ + "/containers"), 0700u);
  EXPECT_EQ(permission_bits(container("web")), 0755u);
  EXPECT_EQ(permission_bits(container("web") + "/upper"), 0751u);  // the lower root's
  EXPECT_EQ(permission_bits(container("web") + "/work"), 0700u);
  EXPECT_EQ(entry_kind(container("web") + "/ephemeral"), "missing");
}

TEST_F(OverlayMountTest, MountingTwiceKeepsOneMountAndUnmountingTwiceSucceeds) {
  EXPECT_FALSE(mount(request("web")).already_mounted);
  EXPECT_TRUE(mount(request("web")).already_mounted);
  EXPECT_EQ(mounts(), std::vector<std::string>{container("web") + "/merged"});
  unmount("web");
  unmount("web");
  EXPECT_EQ(mounts(), std::vector<std::string>{});
}

// Other helpers mount inside the root (sdme-app's tree of the app); those
// go first, deepest first, so merged/ is not busy and nothing is detached.
TEST_F(OverlayMountTest, UnmountsMountsBelowTheRootFirst) {
  mount(request("web"));
  const std::string outer = container("web") + "/merged/sdme/app";
  const std::string inner = outer + "/root";
  std::filesystem::create_directories(outer);
  ASSERT_EQ(::mount("tmpfs", outer.c_str(), "tmpfs", 0, nullptr), 0);
  std::filesystem::create_directories(inner);
  ASSERT_EQ(::mount("tmpfs", inner.c_str(), "tmpfs", 0, nullptr), 0);
  ASSERT_EQ(::mount("tmpfs", inner.c_str(), "tmpfs", 0, nullptr), 0);  // stacked
  std::vector<std::string> below;
  std::string err;
  ASSERT_TRUE(container::find_mount_points_below(container("web") + "/merged", &below, &err))
      << err;
  EXPECT_EQ(below, (std::vector<std::string>{inner, outer}));
  unmount("web");  // expects no warning
  EXPECT_EQ(mounts(), std::vector<std::string>{});
}

TEST_F(OverlayMountTest, UnmountingNeverStartedContainerSucceedsAndCreatesNothing) {
  unmount("web-foo");
  EXPECT_EQ(entry_kind(state_), "missing");
}

TEST_F(OverlayMountTest, RefusesMountPointOfAnotherFileSystem) {
  std::string merged = container("web") + "/merged";
  std::filesystem::create_directories(merged);
  ASSERT_EQ(::mount("tmpfs", merged.c_str(), "tmpfs", 0, nullptr), 0);
  EXPECT_EQ(mount_error(request("web")),
            merged +
                " is already a mount point of a tmpfs file system, not of sdme's overlay; unmount "
                "it and start the container again");
}

TEST_F(OverlayMountTest, RefusesInvalidContainerNamesBeforeTouchingPaths) {
  EXPECT_EQ(mount_error(request("../x")),
            "container name '../x' must start with a letter or digit");
  EXPECT_EQ(mount_error(request("a\\x2db")),
            "container name 'a\\\\x2db' may contain only letters, digits, '-' and '.'");
  std::vector<std::string> warnings;
  std::string err;
  EXPECT_FALSE(unmount_overlay("../x", &warnings, &err));
  EXPECT_EQ(err, "container name '../x' must start with a letter or digit");
  EXPECT_EQ(entry_kind(state_), "missing");
}

TEST_F(OverlayMountTest, RefusesUmaskThatHidesFilesFromOtherUsers) {
  ScopedUmask umask(027);
  EXPECT_EQ(mount_error(request("web")),
            "the umask is 0027, which would make files in the upper layer unreadable for non-root "
            "services such as dbus in the container; run sdme-overlay with umask 022 (UMask=0022 "
            "in the unit)");
  EXPECT_EQ(entry_kind(state_), "missing");
}

TEST_F(OverlayMountTest, AcceptsUmaskThatOnlyLimitsGroupWrites) {
  ScopedUmask umask(002);
  mount(request("web"));
  EXPECT_EQ(permission_bits(container("web")), 0755u);
}

TEST_F(OverlayMountTest, MissingLowerIsReportedAndLeavesNothing) {
  OverlayMountRequest missing = request("web");
  missing.lower = scratch_->path() + "/rootfs/debian";
  EXPECT_EQ(mount_error(missing), "lower directory " + missing.lower +
                                      " does not exist; import a root file system there, or "
                                      "point Rootfs= at one that exists");
  EXPECT_EQ(entry_kind(state_), "missing");
}

TEST_F(OverlayMountTest, LowerMustBeAnAbsoluteDirectory) {
  OverlayMountRequest relative = request("web");
  relative.lower = "rootfs/debian";
  EXPECT_EQ(mount_error(relative), "--lower path 'rootfs/debian' is not absolute");

  OverlayMountRequest file = request("web");
  file.lower = lower_ + "/etc/hostname";
  EXPECT_EQ(mount_error(file), "lower directory " + file.lower +
                                   " is not a directory; point Rootfs= at a directory holding a "
                                   "root file system");
  EXPECT_EQ(entry_kind(state_), "missing");
}

TEST_F(OverlayMountTest, RefusesPathsOverlayfsOptionsCannotCarry) {
  for (const char* bad_name : {"lo,wer", "lo:wer", "lo\\wer", "lo wer"}) {
    OverlayMountRequest bad = request("web");
    bad.lower = scratch_->path() + "/" + bad_name;
    std::filesystem::create_directory(bad.lower);
    std::string character = std::string(bad_name).substr(2, 1);
    std::string found = character == " " ? "whitespace" : "'" + character + "'";
    EXPECT_EQ(mount_error(bad), "lower directory '" + bad.lower + "' contains " + found +
                                    ", which overlayfs mount options cannot carry; move the root "
                                    "file system to a path without ',', ':', '\\' or whitespace");
  }
  set_state_dir(scratch_->path() + "/sta:te");
  EXPECT_EQ(mount_error(request("web")),
            "state directory '" + state_ +
                "' contains ':', which overlayfs mount options cannot carry; set SDME_STATE_DIR to "
                "a path without ',', ':', '\\' or whitespace");
  EXPECT_EQ(entry_kind(state_), "missing");
  EXPECT_EQ(entry_kind(scratch_->path() + "/state"), "missing");
}

TEST_F(OverlayMountTest, OpaqueDirectoryHidesLowerContents) {
  write_test_file(lower_ + "/etc/skel/.bashrc", "lower\n");
  OverlayMountRequest opaque = request("web");
  opaque.opaque_directories = {"/etc/skel/"};
  mount(opaque);
  std::string merged = container("web") + "/merged";
  EXPECT_EQ(entry_kind(merged + "/etc/skel"), "directory");
  EXPECT_EQ(directory_entries(merged + "/etc/skel"), std::vector<std::string>{});
  EXPECT_EQ(read_test_file(merged + "/etc/hostname"), "lower\n");
  EXPECT_EQ(opaque_attribute(container("web") + "/upper/etc/skel"), "y");
  EXPECT_EQ(opaque_attribute(container("web") + "/upper/etc"), "");
}

TEST_F(OverlayMountTest, OpaqueDirectoryMissingFromLowerIsCreated) {
  OverlayMountRequest opaque = request("web");
  opaque.opaque_directories = {"/srv/data"};
  mount(opaque);
  EXPECT_EQ(entry_kind(container("web") + "/merged/srv/data"), "directory");
  EXPECT_EQ(permission_bits(container("web") + "/upper/srv"), 0755u);
  EXPECT_EQ(opaque_attribute(container("web") + "/upper/srv/data"), "y");
}

TEST_F(OverlayMountTest, OpaqueDirectoryParentsTakeLowerModeAndOwner) {
  std::filesystem::create_directories(lower_ + "/var/spool/private");
  ::chmod((lower_ + "/var/spool").c_str(), 0750);
  ::chown((lower_ + "/var/spool").c_str(), 12, 34);
  OverlayMountRequest opaque = request("web");
  opaque.opaque_directories = {"/var/spool/private"};
  mount(opaque);
  struct stat status;
  ASSERT_EQ(::stat((container("web") + "/merged/var/spool").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0750u);
  EXPECT_EQ(status.st_uid, 12u);
  EXPECT_EQ(status.st_gid, 34u);
}

TEST_F(OverlayMountTest, OpaqueSystemUnitDirectoryKeepsDbusServiceLink) {
  std::string units = lower_ + "/etc/systemd/system";
  write_test_file(units + "/getty.target.wants/getty@tty1.service", "");
  std::filesystem::create_directory_symlink("/lib/systemd/system/dbus-broker.service",
                                            units + "/dbus.service");
  OverlayMountRequest opaque = request("web");
  opaque.opaque_directories = {"/etc/systemd/system"};
  mount(opaque);
  std::string merged_units = container("web") + "/merged/etc/systemd/system";
  EXPECT_EQ(directory_entries(merged_units), std::vector<std::string>{"dbus.service"});
  EXPECT_EQ(link_target(merged_units + "/dbus.service"), "/lib/systemd/system/dbus-broker.service");

  // The container's own choice survives the next start.
  std::filesystem::remove(merged_units + "/dbus.service");
  std::filesystem::create_directory_symlink("/lib/systemd/system/dbus-daemon.service",
                                            merged_units + "/dbus.service");
  unmount("web");
  mount(opaque);
  EXPECT_EQ(link_target(merged_units + "/dbus.service"), "/lib/systemd/system/dbus-daemon.service");
}

// A directory the container deleted (a whiteout in the upper layer, at it
// or above it) is hidden already: nothing to create, nothing to mark.
TEST_F(OverlayMountTest, OpaqueDirectoryTheContainerDeletedStaysDeleted) {
  std::filesystem::create_directories(lower_ + "/srv/data");
  std::filesystem::create_directories(lower_ + "/opt/app");
  mount(request("web"));
  std::filesystem::remove_all(container("web") + "/merged/srv");
  std::filesystem::remove_all(container("web") + "/merged/opt/app");
  unmount("web");
  ASSERT_EQ(entry_kind(container("web") + "/upper/srv"), "other");
  OverlayMountRequest opaque = request("web");
  opaque.opaque_directories = {"/srv/data", "/opt/app"};
  mount(opaque);
  EXPECT_EQ(entry_kind(container("web") + "/upper/srv"), "other");
  EXPECT_EQ(entry_kind(container("web") + "/upper/opt/app"), "other");
  EXPECT_EQ(entry_kind(container("web") + "/merged/srv"), "missing");
  EXPECT_EQ(entry_kind(container("web") + "/merged/opt/app"), "missing");
}

TEST_F(OverlayMountTest, RefusesBadOpaqueDirectoriesBeforeTouchingPaths) {
  OverlayMountRequest relative = request("web");
  relative.opaque_directories = {"etc/skel"};
  EXPECT_EQ(mount_error(relative), "--opaque path 'etc/skel' is not absolute");
  OverlayMountRequest dot_dot = request("web");
  dot_dot.opaque_directories = {"/etc/../root"};
  EXPECT_EQ(mount_error(dot_dot), "--opaque path '/etc/../root' must not contain '..' components");
  OverlayMountRequest root = request("web");
  root.opaque_directories = {"/"};
  EXPECT_EQ(mount_error(root),
            "--opaque=/ would hide the whole lower layer; name a directory below /");
  EXPECT_EQ(entry_kind(state_), "missing");
}

TEST_F(OverlayMountTest, RefusesOpaqueDirectoryBehindLowerSymlinkAndLeavesNothing) {
  std::filesystem::create_directories(lower_ + "/usr/lib/foo");
  std::filesystem::create_directory_symlink("usr/lib", lower_ + "/lib");
  OverlayMountRequest opaque = request("web");
  opaque.opaque_directories = {"/lib/foo"};
  EXPECT_EQ(mount_error(opaque),
            "cannot create /lib/foo in the upper layer: /lib is a symlink in the lower layer; name "
            "the directory it points to");
  EXPECT_EQ(mounts(), std::vector<std::string>{});
  EXPECT_EQ(entry_kind(state_), "missing");
}

TEST_F(OverlayMountTest, RefusesOpaqueDirectoryBehindUpperSymlink) {
  mount(request("web"));
  unmount("web");
  std::string elsewhere = scratch_->path() + "/elsewhere";
  std::filesystem::create_directory(elsewhere);
  std::filesystem::create_directory_symlink(elsewhere, container("web") + "/upper/srv");
  OverlayMountRequest opaque = request("web");
  opaque.opaque_directories = {"/srv/data"};
  EXPECT_EQ(mount_error(opaque), "cannot create /srv/data in the upper layer: " + container("web") +
                                     "/upper/srv is a symlink, and sdme does not follow symlinks "
                                     "made by a container; replace it with a directory inside "
                                     "the container");
  EXPECT_EQ(directory_entries(elsewhere), std::vector<std::string>{});
}

TEST_F(OverlayMountTest, EphemeralLayerIsTmpfsAndLeavesNothingAfterUnmount) {
  OverlayMountRequest ephemeral = request("web");
  ephemeral.ephemeral = true;
  ephemeral.opaque_directories = {"/etc"};
  mount(ephemeral);
  std::string ephemeral_dir = container("web") + "/ephemeral";
  EXPECT_EQ(mounts(), (std::vector<std::string>{ephemeral_dir, container("web") + "/merged"}));
  container::MountPoint tmpfs;
  std::string err;
  ASSERT_TRUE(container::find_mount_point(ephemeral_dir, &tmpfs, &err)) << err;
  EXPECT_EQ(tmpfs.filesystem_type, "tmpfs");
  EXPECT_EQ(permission_bits(ephemeral_dir), 0755u);
  EXPECT_EQ(opaque_attribute(ephemeral_dir + "/upper/etc"), "y");
  write_test_file(container("web") + "/merged/scratch-file", "temporary\n");
  EXPECT_EQ(read_test_file(ephemeral_dir + "/upper/scratch-file"), "temporary\n");
  EXPECT_EQ(entry_kind(container("web") + "/upper"), "missing");

  unmount("web");
  EXPECT_EQ(mounts(), std::vector<std::string>{});
  EXPECT_EQ(directory_entries(container("web")), std::vector<std::string>{"merged"});
}

TEST_F(OverlayMountTest, EphemeralContainerNeverStartsWithOldChanges) {
  OverlayMountRequest ephemeral = request("web");
  ephemeral.ephemeral = true;
  mount(ephemeral);
  std::string merged = container("web") + "/merged";
  write_test_file(merged + "/old-change", "old\n");
  // A stop that only got the overlay off leaves the tmpfs behind.
  ASSERT_EQ(::umount2(merged.c_str(), 0), 0);
  mount(ephemeral);
  EXPECT_EQ(entry_kind(merged + "/old-change"), "missing");
  EXPECT_EQ(mounts(), (std::vector<std::string>{container("web") + "/ephemeral", merged}));
}

TEST_F(OverlayMountTest, UnmountCopesWithLeftoverEphemeralDirectory) {
  write_test_file(container("web") + "/ephemeral/upper/leftover", "x\n");
  unmount("web");
  EXPECT_EQ(entry_kind(container("web") + "/ephemeral"), "missing");
}

TEST_F(OverlayMountTest, UnmountDetachesBusyOverlayAndWarns) {
  mount(request("web"));
  std::string merged = container("web") + "/merged";
  int busy = ::open((merged + "/etc/hostname").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(busy, 0);
  std::vector<std::string> warnings;
  std::string err;
  EXPECT_TRUE(unmount_overlay("web", &warnings, &err)) << err;
  ::close(busy);
  EXPECT_EQ(warnings,
            std::vector<std::string>{merged + " was busy and has been detached; the kernel frees "
                                              "it once the last process using it exits"});
  EXPECT_EQ(mounts(), std::vector<std::string>{});
}

TEST_F(OverlayMountTest, WritesHostnameThroughTheMountedOverlay) {
  OverlayMountRequest named = request("web");
  named.hostname = "web-db";  // Hostname=web-%i, expanded by systemd
  mount(named);
  std::string merged = container("web") + "/merged";
  EXPECT_EQ(entry_kind(merged + "/etc/hostname"), "file");
  EXPECT_EQ(read_test_file(merged + "/etc/hostname"), "web-db\n");
  EXPECT_EQ(permission_bits(merged + "/etc/hostname"), 0644u);
  EXPECT_EQ(directory_entries(merged + "/etc"), std::vector<std::string>{"hostname"});
  EXPECT_EQ(read_test_file(container("web") + "/upper/etc/hostname"), "web-db\n");
  EXPECT_EQ(read_test_file(lower_ + "/etc/hostname"), "lower\n");
}

TEST_F(OverlayMountTest, HostnameReplacesSymlinkWithoutWritingThroughIt) {
  std::string host_file = scratch_->path() + "/host-hostname";
  write_test_file(host_file, "host\n");
  std::filesystem::remove(lower_ + "/etc/hostname");
  std::filesystem::create_symlink(host_file, lower_ + "/etc/hostname");
  OverlayMountRequest named = request("web");
  named.hostname = "web";
  mount(named);
  std::string merged = container("web") + "/merged";
  EXPECT_EQ(entry_kind(merged + "/etc/hostname"), "file");
  EXPECT_EQ(read_test_file(merged + "/etc/hostname"), "web\n");
  EXPECT_EQ(read_test_file(host_file), "host\n");
  EXPECT_EQ(link_target(lower_ + "/etc/hostname"), host_file);
}

TEST_F(OverlayMountTest, HostnameCreatesMissingEtc) {
  std::filesystem::remove_all(lower_ + "/etc");
  OverlayMountRequest named = request("web");
  named.hostname = "web";
  mount(named);
  std::string merged = container("web") + "/merged";
  EXPECT_EQ(permission_bits(merged + "/etc"), 0755u);
  EXPECT_EQ(read_test_file(merged + "/etc/hostname"), "web\n");
}

TEST_F(OverlayMountTest, SameHostnameIsNotRewrittenAndANewOneIs) {
  OverlayMountRequest named = request("web");
  named.hostname = "web";
  std::string hostname_file = container("web") + "/merged/etc/hostname";
  auto inode = [&] {
    struct stat status;
    return ::lstat(hostname_file.c_str(), &status) == 0 ? status.st_ino : 0;
  };
  mount(named);
  ino_t first = inode();
  ASSERT_NE(first, 0u);
  EXPECT_TRUE(mount(named).already_mounted);
  EXPECT_EQ(inode(), first);
  unmount("web");
  mount(named);
  EXPECT_EQ(inode(), first);

  // Hostname= changed while the overlay stayed mounted, to a name as long.
  named.hostname = "www";
  EXPECT_TRUE(mount(named).already_mounted);
  EXPECT_EQ(read_test_file(hostname_file), "www\n");
  EXPECT_EQ(directory_entries(container("web") + "/merged/etc"),
            std::vector<std::string>{"hostname"});
}

TEST_F(OverlayMountTest, EphemeralContainerGetsHostnameInItsTmpfs) {
  OverlayMountRequest named = request("web");
  named.ephemeral = true;
  named.hostname = "web";
  mount(named);
  EXPECT_EQ(read_test_file(container("web") + "/ephemeral/upper/etc/hostname"), "web\n");
  EXPECT_EQ(entry_kind(container("web") + "/upper"), "missing");
}

TEST_F(OverlayMountTest, RefusesInvalidHostnameBeforeTouchingPaths) {
  OverlayMountRequest named = request("web");
  named.hostname = "web_db";
  EXPECT_EQ(mount_error(named),
            "--hostname: invalid host name 'web_db': only letters, digits, '-' and '.' are "
            "allowed");
  // Run by hand from a unit's text: systemd did not expand the specifier.
  named.hostname = "web-%i";
  EXPECT_EQ(mount_error(named),
            "--hostname: invalid host name 'web-%i': only letters, digits, '-' and '.' are "
            "allowed");
  named.hostname = std::string(65, 'a');
  EXPECT_EQ(mount_error(named),
            "--hostname: invalid host name '" + named.hostname + "': longer than 64 characters");
  EXPECT_EQ(entry_kind(state_), "missing");
}

TEST_F(OverlayMountTest, RefusesSymlinkedEtcAndLeavesNothing) {
  // A root file system whose /etc leads, on the host, to the host's /etc.
  std::string host_etc = scratch_->path() + "/host-etc";
  write_test_file(host_etc + "/hostname", "host\n");
  std::filesystem::remove_all(lower_ + "/etc");
  std::filesystem::create_directory_symlink(host_etc, lower_ + "/etc");
  OverlayMountRequest named = request("web");
  named.hostname = "web";
  EXPECT_EQ(mount_error(named), "cannot write /etc/hostname: " + container("web") +
                                    "/merged/etc is a symlink, and sdme does not follow symlinks "
                                    "made by a container; replace it with a directory inside the "
                                    "container");
  EXPECT_EQ(read_test_file(host_etc + "/hostname"), "host\n");
  EXPECT_EQ(directory_entries(host_etc), std::vector<std::string>{"hostname"});
  EXPECT_EQ(mounts(), std::vector<std::string>{});
  EXPECT_EQ(entry_kind(state_), "missing");
}

TEST_F(OverlayMountTest, HostnameFailureUnmountsAndKeepsTheUpperLayer) {
  mount(request("web"));
  write_test_file(container("web") + "/merged/etc/motd", "the container's data\n");
  std::filesystem::remove(container("web") + "/merged/etc/hostname");
  std::filesystem::create_directory(container("web") + "/merged/etc/hostname");
  unmount("web");

  OverlayMountRequest named = request("web");
  named.hostname = "web";
  EXPECT_EQ(mount_error(named), "cannot write /etc/hostname: " + container("web") +
                                    "/merged/etc/hostname is not a file; remove it inside the "
                                    "container");
  EXPECT_EQ(mounts(), std::vector<std::string>{});
  std::string upper = container("web") + "/upper";
  EXPECT_EQ(read_test_file(upper + "/etc/motd"), "the container's data\n");
  EXPECT_EQ(entry_kind(upper + "/etc/hostname"), "directory");
}

TEST_F(OverlayMountTest, HostnameFailureLeavesAnOverlayMountedBeforeMounted) {
  mount(request("web"));
  std::string merged = container("web") + "/merged";
  std::filesystem::remove(merged + "/etc/hostname");
  std::filesystem::create_directory(merged + "/etc/hostname");
  OverlayMountRequest named = request("web");
  named.hostname = "web";
  EXPECT_EQ(mount_error(named), "cannot write /etc/hostname: " + merged +
                                    "/etc/hostname is not a file; remove it inside the container");
  EXPECT_EQ(mounts(), std::vector<std::string>{merged});
}

TEST_F(OverlayMountTest, HostCloneHidesSdmeStateAndConfiguration) {
  lower_ = scratch_->path() + "/host";
  write_test_file(lower_ + "/etc/hostname", "host\n");
  write_test_file(lower_ + "/etc/sdme/web.sdme", "[Container]\n");
  write_test_file(lower_ + "/usr/lib/sdme/vendor.sdme", "[Container]\n");
  write_test_file(lower_ + "/var/lib/sdme/rootfs/debian/etc/hostname", "debian\n");
  set_state_dir(lower_ + "/var/lib/sdme");
  OverlayMountRequest clone = request("web");
  clone.host_clone = true;
  mount(clone);

  std::string merged = container("web") + "/merged";
  EXPECT_EQ(read_test_file(merged + "/etc/hostname"), "host\n");
  for (const char* hidden : {"/var/lib/sdme", "/etc/sdme", "/usr/lib/sdme"}) {
    EXPECT_EQ(directory_entries(merged + hidden), std::vector<std::string>{}) << hidden;
    EXPECT_EQ(opaque_attribute(container("web") + "/upper" + hidden), "y") << hidden;
  }
  EXPECT_EQ(entry_kind(merged + "/usr/local/lib/sdme"), "missing");
  EXPECT_EQ(entry_kind(container("web") + "/upper/usr/local"), "missing");
}

TEST_F(OverlayMountTest, HostCloneIsNamedAfterItselfNotTheHost) {
  lower_ = scratch_->path() + "/host";
  write_test_file(lower_ + "/etc/hostname", "host\n");
  OverlayMountRequest clone = request("web");
  clone.host_clone = true;
  clone.hostname = "web";
  mount(clone);
  EXPECT_EQ(read_test_file(container("web") + "/merged/etc/hostname"), "web\n");
  EXPECT_EQ(read_test_file(lower_ + "/etc/hostname"), "host\n");
}

TEST(HostCloneHiddenDirectoriesTest, SkipsStateOutsideLowerAndMissingDirectories) {
  if (::geteuid() != 0) GTEST_SKIP() << "the scratch directory is for root's tests";
  ScratchDirectory scratch;
  std::string lower = scratch.path() + "/lower";
  std::filesystem::create_directories(lower + "/usr/local/lib/sdme");
  std::filesystem::create_directories(scratch.path() + "/state");
  EXPECT_EQ(host_clone_hidden_directories(lower, scratch.path() + "/state"),
            std::vector<std::string>{"/usr/local/lib/sdme"});
}

TEST(HostCloneHiddenDirectoriesTest, NamesDirectoriesWhereSymlinksLead) {
  if (::geteuid() != 0) GTEST_SKIP() << "the scratch directory is for root's tests";
  ScratchDirectory scratch;
  std::string lower = scratch.path() + "/lower";
  std::filesystem::create_directories(lower + "/srv/sdme");
  std::filesystem::create_directories(lower + "/var/lib");
  std::filesystem::create_directory_symlink("../../srv/sdme", lower + "/var/lib/sdme");
  std::filesystem::create_directories(lower + "/usr/share/sdme-config");
  std::filesystem::create_directories(lower + "/etc");
  std::filesystem::create_directory_symlink("../usr/share/sdme-config", lower + "/etc/sdme");
  std::filesystem::create_directories(lower + "/usr/lib/sdme");
  EXPECT_EQ(host_clone_hidden_directories(lower, lower + "/var/lib/sdme"),
            (std::vector<std::string>{"/srv/sdme", "/usr/share/sdme-config", "/usr/lib/sdme"}));
  // A link out of the lower tree leads to nothing the container sees.
  std::filesystem::remove(lower + "/etc/sdme");
  std::filesystem::create_directory_symlink(scratch.path(), lower + "/etc/sdme");
  EXPECT_EQ(host_clone_hidden_directories(lower, lower + "/var/lib/sdme"),
            (std::vector<std::string>{"/srv/sdme", "/usr/lib/sdme"}));
}

// overlayfs stacks at most two deep (FILESYSTEM_MAX_STACK_DEPTH), so an
// overlay whose lower layer is itself two overlays deep fails in the kernel,
// after sdme-overlay has created its directories.
class FailedOverlayMountTest : public OverlayMountTest {
 protected:
  void SetUp() override {
    OverlayMountTest::SetUp();
    if (IsSkipped()) return;
    mount(request("base"));
    OverlayMountRequest second = request("second");
    second.lower = container("base") + "/merged";
    mount(second);
    too_deep_ = container("second") + "/merged";
  }
  std::string too_deep_;
};

TEST_F(FailedOverlayMountTest, RemovesEverythingItCreated) {
  OverlayMountRequest failing = request("web");
  failing.lower = too_deep_;
  failing.opaque_directories = {"/etc/skel"};
  EXPECT_EQ(mount_error(failing), "cannot mount overlay at " + container("web") +
                                      "/merged: Invalid argument; the kernel log (journalctl -k) "
                                      "has overlayfs' reason");
  EXPECT_EQ(entry_kind(container("web")), "missing");
  EXPECT_EQ(mounts().size(), 2u);
}

TEST_F(FailedOverlayMountTest, RemovesEphemeralTmpfs) {
  OverlayMountRequest failing = request("web");
  failing.lower = too_deep_;
  failing.ephemeral = true;
  EXPECT_FALSE(mount_error(failing).empty());
  EXPECT_EQ(entry_kind(container("web")), "missing");
  EXPECT_EQ(mounts().size(), 2u);
}

TEST_F(FailedOverlayMountTest, KeepsExistingUpperLayerWithData) {
  mount(request("web"));
  write_test_file(container("web") + "/merged/etc/motd", "the container's data\n");
  unmount("web");

  OverlayMountRequest failing = request("web");
  failing.lower = too_deep_;
  failing.opaque_directories = {"/etc/skel", "/etc"};
  EXPECT_FALSE(mount_error(failing).empty());
  std::string upper = container("web") + "/upper";
  EXPECT_EQ(read_test_file(upper + "/etc/motd"), "the container's data\n");
  EXPECT_EQ(directory_entries(upper + "/etc"), std::vector<std::string>{"motd"});
  EXPECT_EQ(opaque_attribute(upper + "/etc"), "");
  EXPECT_EQ(entry_kind(container("web") + "/work"), "directory");
}

}  // namespace
}  // namespace sdme::overlay
