// Tests for sdme-dns: /etc/resolv.conf and the resolved mask, written
// through a container's real overlay mount in a scratch directory (they
// need root).
#include "helpers/dns/container_dns.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "helpers/overlay/overlay_mount.h"
#include "tests/support/test_support.h"

namespace sdme::dns {
namespace {

using ::sdme::test_support::directory_entries;
using ::sdme::test_support::entry_kind;
using ::sdme::test_support::link_target;
using ::sdme::test_support::permission_bits;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScopedEnvironment;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

constexpr char kSymlinkRefusal[] =
    " is a symlink, and sdme does not follow symlinks made by a container; replace it with a "
    "directory inside the container";

class ContainerDnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting overlayfs needs root";
    scratch_.emplace();
    lower_ = scratch_->path() + "/lower";
    std::filesystem::create_directories(lower_ + "/etc");
    ::chmod(lower_.c_str(), 0755);
    ::chmod((lower_ + "/etc").c_str(), 0755);
    state_ = scratch_->path() + "/state";
    state_environment_.emplace("SDME_STATE_DIR", state_);
  }
  void TearDown() override {
    state_environment_.reset();
    scratch_.reset();  // unmounts whatever a test left mounted
  }

  // What sdme-overlay does before sdme-dns runs.
  void mount(bool ephemeral = false) {
    OverlayMountRequest request;
    request.container_name = "web";
    request.lower = lower_;
    request.ephemeral = ephemeral;
    overlay::OverlayMountResult result;
    std::string err;
    ASSERT_TRUE(overlay::mount_overlay(request, &result, &err)) << err;
  }
  void unmount() {
    std::vector<std::string> warnings;
    std::string err;
    ASSERT_TRUE(overlay::unmount_overlay("web", &warnings, &err)) << err;
  }
  void set_up(DnsNetwork mode) {
    std::string err;
    EXPECT_TRUE(set_up_container_dns("web", mode, &err)) << err;
  }
  std::string set_up_error(DnsNetwork mode) {
    std::string err;
    EXPECT_FALSE(set_up_container_dns("web", mode, &err));
    return err;
  }

  std::string container() const { return state_ + "/containers/web"; }
  std::string merged() const { return container() + "/merged"; }
  std::string upper() const { return container() + "/upper"; }
  std::string resolv_conf() const { return merged() + "/etc/resolv.conf"; }
  std::string resolved_mask() const {
    return merged() + "/etc/systemd/system/systemd-resolved.service";
  }

  std::optional<ScratchDirectory> scratch_;
  std::optional<ScopedEnvironment> state_environment_;
  std::string lower_;
  std::string state_;
};

TEST_F(ContainerDnsTest, HostNetworkWritesPlaceholderAndMasksResolved) {
  mount();
  set_up(DnsNetwork::kHost);
  EXPECT_EQ(entry_kind(resolv_conf()), "file");
  EXPECT_EQ(read_test_file(resolv_conf()),
            "# Placeholder written by sdme-dns: this container shares the host's network.\n"
            "# systemd-nspawn --resolv-conf=auto copies the host's resolver configuration\n"
            "# into this file when the container starts.\n");
  EXPECT_EQ(permission_bits(resolv_conf()), 0644u);
  EXPECT_EQ(link_target(resolved_mask()), "/dev/null");
  EXPECT_EQ(permission_bits(merged() + "/etc/systemd"), 0755u);
  EXPECT_EQ(permission_bits(merged() + "/etc/systemd/system"), 0755u);
  EXPECT_EQ(directory_entries(merged() + "/etc"),
            (std::vector<std::string>{"resolv.conf", "systemd"}));
  // overlayfs put the changes into the upper layer; the lower one is as it was.
  EXPECT_EQ(read_test_file(upper() + "/etc/resolv.conf"), kResolvConfPlaceholder);
  EXPECT_EQ(link_target(upper() + "/etc/systemd/system/systemd-resolved.service"), "/dev/null");
  EXPECT_EQ(directory_entries(lower_ + "/etc"), std::vector<std::string>{});
}

TEST_F(ContainerDnsTest, HostNetworkReplacesSymlinkWithoutTouchingItsTarget) {
  // A clone of the host: its /etc/resolv.conf is an absolute link, which on
  // the host leads to the host's own file.
  std::string host_file = scratch_->path() + "/host-resolv.conf";
  write_test_file(host_file, "nameserver 192.0.2.1\n");
  std::filesystem::create_symlink(host_file, lower_ + "/etc/resolv.conf");
  mount();
  set_up(DnsNetwork::kHost);
  EXPECT_EQ(entry_kind(resolv_conf()), "file");
  EXPECT_EQ(read_test_file(resolv_conf()), kResolvConfPlaceholder);
  EXPECT_EQ(read_test_file(host_file), "nameserver 192.0.2.1\n");
  EXPECT_EQ(link_target(lower_ + "/etc/resolv.conf"), host_file);
}

TEST_F(ContainerDnsTest, HostNetworkReplacesDanglingStubLink) {
  mount();
  std::filesystem::create_symlink("../run/systemd/resolve/stub-resolv.conf", resolv_conf());
  set_up(DnsNetwork::kHost);
  EXPECT_EQ(read_test_file(resolv_conf()), kResolvConfPlaceholder);
  EXPECT_EQ(entry_kind(merged() + "/run"), "missing");
  EXPECT_EQ(entry_kind(upper() + "/run"), "missing");
}

TEST_F(ContainerDnsTest, HostNetworkReplacesResolvConfOfTheLowerLayer) {
  write_test_file(lower_ + "/etc/resolv.conf", "nameserver 192.0.2.1\n");
  mount();
  set_up(DnsNetwork::kHost);
  EXPECT_EQ(read_test_file(resolv_conf()), kResolvConfPlaceholder);
  EXPECT_EQ(read_test_file(lower_ + "/etc/resolv.conf"), "nameserver 192.0.2.1\n");
}

TEST_F(ContainerDnsTest, HostNetworkRecreatesResolvConfTheContainerDeleted) {
  write_test_file(lower_ + "/etc/resolv.conf", "nameserver 192.0.2.1\n");
  mount();
  std::filesystem::remove(resolv_conf());
  set_up(DnsNetwork::kHost);
  EXPECT_EQ(read_test_file(resolv_conf()), kResolvConfPlaceholder);
}

TEST_F(ContainerDnsTest, HostNetworkTwiceLeavesFilesUntouched) {
  mount();
  set_up(DnsNetwork::kHost);
  struct stat first;
  ASSERT_EQ(::lstat(resolv_conf().c_str(), &first), 0);
  set_up(DnsNetwork::kHost);
  struct stat second;
  ASSERT_EQ(::lstat(resolv_conf().c_str(), &second), 0);
  EXPECT_EQ(first.st_ino, second.st_ino);
  EXPECT_EQ(link_target(resolved_mask()), "/dev/null");
  EXPECT_EQ(directory_entries(merged() + "/etc"),
            (std::vector<std::string>{"resolv.conf", "systemd"}));
  EXPECT_EQ(directory_entries(merged() + "/etc/systemd/system"),
            std::vector<std::string>{"systemd-resolved.service"});
}

TEST_F(ContainerDnsTest, HostNetworkRewritesChangedResolvConf) {
  mount();
  set_up(DnsNetwork::kHost);
  write_test_file(resolv_conf(), "nameserver 192.0.2.1\n");
  set_up(DnsNetwork::kHost);
  EXPECT_EQ(read_test_file(resolv_conf()), kResolvConfPlaceholder);
  // The placeholder followed by anything else is not the placeholder.
  write_test_file(resolv_conf(), std::string(kResolvConfPlaceholder) + "nameserver 192.0.2.1\n");
  set_up(DnsNetwork::kHost);
  EXPECT_EQ(read_test_file(resolv_conf()), kResolvConfPlaceholder);
}

TEST_F(ContainerDnsTest, HostNetworkRefusesUnitFileWhereMaskGoes) {
  mount();
  write_test_file(resolved_mask(), "[Service]\nExecStart=/bin/true\n");
  EXPECT_EQ(set_up_error(DnsNetwork::kHost),
            "cannot mask systemd-resolved: " + resolved_mask() +
                " is a unit file of the container's own; remove it inside the container, or give "
                "the container a private network");
  EXPECT_EQ(read_test_file(resolved_mask()), "[Service]\nExecStart=/bin/true\n");
}

TEST_F(ContainerDnsTest, HostNetworkRefusesLinkWhereMaskGoes) {
  mount();
  std::filesystem::create_directories(merged() + "/etc/systemd/system");
  std::filesystem::create_symlink("/lib/systemd/system/other.service", resolved_mask());
  EXPECT_EQ(set_up_error(DnsNetwork::kHost),
            "cannot mask systemd-resolved: " + resolved_mask() +
                " is a link of the container's own to /lib/systemd/system/other.service; remove it "
                "inside the container, or give the container a private network");
  EXPECT_EQ(link_target(resolved_mask()), "/lib/systemd/system/other.service");
}

TEST_F(ContainerDnsTest, MaskOfTheLowerLayerIsLeftAloneByBothModes) {
  std::filesystem::create_directories(lower_ + "/etc/systemd/system");
  std::filesystem::create_symlink("/dev/null",
                                  lower_ + "/etc/systemd/system/systemd-resolved.service");
  mount();
  set_up(DnsNetwork::kHost);
  EXPECT_EQ(directory_entries(upper() + "/etc"), std::vector<std::string>{"resolv.conf"});
  set_up(DnsNetwork::kPrivate);
  EXPECT_EQ(link_target(resolved_mask()), "/dev/null");
  EXPECT_EQ(directory_entries(upper() + "/etc"), std::vector<std::string>{"resolv.conf"});
}

TEST_F(ContainerDnsTest, RefusesToFollowSymlinkedEtcOutOfTheContainer) {
  std::string host_etc = scratch_->path() + "/host-etc";
  std::filesystem::create_directory(host_etc);
  mount();
  std::filesystem::remove_all(merged() + "/etc");
  std::filesystem::create_directory_symlink(host_etc, merged() + "/etc");
  EXPECT_EQ(set_up_error(DnsNetwork::kHost),
            "cannot write /etc/resolv.conf: " + merged() + "/etc" + kSymlinkRefusal);
  EXPECT_EQ(set_up_error(DnsNetwork::kPrivate),
            "cannot write /etc/resolv.conf: " + merged() + "/etc" + kSymlinkRefusal);
  EXPECT_EQ(directory_entries(host_etc), std::vector<std::string>{});
}

TEST_F(ContainerDnsTest, RefusesToFollowSymlinkFurtherDownThePath) {
  std::string host_systemd = scratch_->path() + "/host-systemd";
  std::filesystem::create_directories(host_systemd + "/system");
  std::filesystem::create_directory_symlink(host_systemd, lower_ + "/etc/systemd");
  mount();
  EXPECT_EQ(set_up_error(DnsNetwork::kHost),
            "cannot write /etc/systemd/system/systemd-resolved.service: " + merged() +
                "/etc/systemd" + kSymlinkRefusal);
  EXPECT_EQ(directory_entries(host_systemd + "/system"), std::vector<std::string>{});
  // Nothing of sdme's can be behind the link, so private mode has nothing
  // to take back there.
  set_up(DnsNetwork::kPrivate);
  EXPECT_EQ(link_target(resolv_conf()), "../run/systemd/resolve/stub-resolv.conf");
  EXPECT_EQ(directory_entries(host_systemd + "/system"), std::vector<std::string>{});
}

TEST_F(ContainerDnsTest, HostNetworkRecreatesDirectoriesTheContainerDeleted) {
  write_test_file(lower_ + "/etc/systemd/system/getty.target.wants/getty@tty1.service", "");
  mount();
  std::filesystem::remove_all(merged() + "/etc/systemd");
  set_up(DnsNetwork::kHost);
  // overlayfs made the new directories opaque: what the container deleted
  // stays deleted.
  EXPECT_EQ(directory_entries(merged() + "/etc/systemd/system"),
            std::vector<std::string>{"systemd-resolved.service"});
}

TEST_F(ContainerDnsTest, WritesThroughTheOverlayWhichCopiesUpDirectories) {
  // Written into the upper layer directly, /etc would get sdme's mode and
  // owner; through the overlay it gets the lower layer's, as copy-up does.
  ::chmod((lower_ + "/etc").c_str(), 0750);
  ASSERT_EQ(::chown((lower_ + "/etc").c_str(), 12, 34), 0);
  mount();
  set_up(DnsNetwork::kPrivate);
  struct stat status;
  ASSERT_EQ(::lstat((upper() + "/etc").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0750u);
  EXPECT_EQ(status.st_uid, 12u);
  EXPECT_EQ(status.st_gid, 34u);
}

TEST_F(ContainerDnsTest, RefusesDirectoryInPlaceOfResolvConf) {
  mount();
  std::filesystem::create_directories(resolv_conf());
  EXPECT_EQ(set_up_error(DnsNetwork::kHost),
            resolv_conf() + " is not a file; remove it inside the container");
  EXPECT_EQ(set_up_error(DnsNetwork::kPrivate),
            resolv_conf() + " is not a file; remove it inside the container");
}

TEST_F(ContainerDnsTest, PrivateNetworkLinksStubAndTakesBackOwnMask) {
  mount();
  set_up(DnsNetwork::kHost);
  set_up(DnsNetwork::kPrivate);
  EXPECT_EQ(entry_kind(resolv_conf()), "symlink");
  EXPECT_EQ(link_target(resolv_conf()), "../run/systemd/resolve/stub-resolv.conf");
  EXPECT_EQ(entry_kind(resolved_mask()), "missing");
  EXPECT_EQ(entry_kind(upper() + "/etc/systemd/system/systemd-resolved.service"), "missing");
  set_up(DnsNetwork::kPrivate);
  EXPECT_EQ(link_target(resolv_conf()), "../run/systemd/resolve/stub-resolv.conf");
  // Back to the host network: the placeholder replaces the link.
  set_up(DnsNetwork::kHost);
  EXPECT_EQ(read_test_file(resolv_conf()), kResolvConfPlaceholder);
}

TEST_F(ContainerDnsTest, PrivateNetworkTakesBackOwnMaskAfterARestart) {
  mount();
  set_up(DnsNetwork::kHost);
  unmount();
  mount();
  set_up(DnsNetwork::kPrivate);
  EXPECT_EQ(entry_kind(resolved_mask()), "missing");
}

TEST_F(ContainerDnsTest, PrivateNetworkCreatesNoUnitDirectory) {
  mount();
  set_up(DnsNetwork::kPrivate);
  EXPECT_EQ(directory_entries(merged() + "/etc"), std::vector<std::string>{"resolv.conf"});
  EXPECT_EQ(directory_entries(upper() + "/etc"), std::vector<std::string>{"resolv.conf"});
}

TEST_F(ContainerDnsTest, PrivateNetworkKeepsResolvedUnitsItDidNotWrite) {
  mount();
  std::filesystem::create_directories(merged() + "/etc/systemd/system");
  std::filesystem::create_symlink("/lib/systemd/system/other.service", resolved_mask());
  set_up(DnsNetwork::kPrivate);
  EXPECT_EQ(link_target(resolved_mask()), "/lib/systemd/system/other.service");

  std::filesystem::remove(resolved_mask());
  write_test_file(resolved_mask(), "[Service]\n");
  set_up(DnsNetwork::kPrivate);
  EXPECT_EQ(read_test_file(resolved_mask()), "[Service]\n");
}

TEST_F(ContainerDnsTest, PrivateNetworkReplacesPlaceholderFileAndForeignLink) {
  mount();
  write_test_file(resolv_conf(), "nameserver 192.0.2.1\n");
  set_up(DnsNetwork::kPrivate);
  EXPECT_EQ(link_target(resolv_conf()), "../run/systemd/resolve/stub-resolv.conf");
  std::filesystem::remove(resolv_conf());
  std::filesystem::create_symlink("/run/NetworkManager/resolv.conf", resolv_conf());
  set_up(DnsNetwork::kPrivate);
  EXPECT_EQ(link_target(resolv_conf()), "../run/systemd/resolve/stub-resolv.conf");
}

TEST_F(ContainerDnsTest, UsesTheEphemeralUpperLayerWhileItsTmpfsIsMounted) {
  mount(/*ephemeral=*/true);
  set_up(DnsNetwork::kHost);
  std::string ephemeral_upper = container() + "/ephemeral/upper";
  EXPECT_EQ(read_test_file(ephemeral_upper + "/etc/resolv.conf"), kResolvConfPlaceholder);
  // The mask in the ephemeral layer is recognised as sdme's own.
  set_up(DnsNetwork::kPrivate);
  EXPECT_EQ(link_target(ephemeral_upper + "/etc/resolv.conf"),
            "../run/systemd/resolve/stub-resolv.conf");
  EXPECT_EQ(link_target(resolv_conf()), "../run/systemd/resolve/stub-resolv.conf");
  EXPECT_EQ(entry_kind(resolved_mask()), "missing");
  EXPECT_EQ(entry_kind(upper()), "missing");
}

TEST_F(ContainerDnsTest, NeedsTheOverlayMountedFirst) {
  EXPECT_EQ(set_up_error(DnsNetwork::kHost),
            merged() + " is not mounted; run sdme-overlay mount web first");
  EXPECT_EQ(entry_kind(state_), "missing");

  // After a stop, merged/ is an empty directory on the host's disk.
  mount();
  unmount();
  EXPECT_EQ(set_up_error(DnsNetwork::kPrivate),
            merged() + " is not mounted; run sdme-overlay mount web first");
  EXPECT_EQ(directory_entries(merged()), std::vector<std::string>{});
  EXPECT_EQ(directory_entries(upper()), std::vector<std::string>{});
}

TEST_F(ContainerDnsTest, RefusesAnotherFileSystemMountedAtMerged) {
  std::filesystem::create_directories(merged());
  ASSERT_EQ(::mount("tmpfs", merged().c_str(), "tmpfs", 0, nullptr), 0);
  EXPECT_EQ(set_up_error(DnsNetwork::kHost),
            merged() +
                " is a mount point of a tmpfs file system, not of sdme's overlay; unmount it and "
                "run sdme-overlay mount web first");
  EXPECT_EQ(directory_entries(merged()), std::vector<std::string>{});
}

TEST_F(ContainerDnsTest, RefusesInvalidContainerNames) {
  std::string err;
  EXPECT_FALSE(set_up_container_dns("../x", DnsNetwork::kHost, &err));
  EXPECT_EQ(err, "container name '../x' must start with a letter or digit");
  EXPECT_FALSE(set_up_container_dns("a\\x2db", DnsNetwork::kPrivate, &err));
  EXPECT_EQ(err, "container name 'a\\\\x2db' may contain only letters, digits, '-' and '.'");
  EXPECT_EQ(entry_kind(state_), "missing");
}

}  // namespace
}  // namespace sdme::dns
