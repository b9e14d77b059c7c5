// Tests for sdme-dns: /etc/resolv.conf and the resolved mask in a
// container's upper layer.
#include "helpers/container_dns.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "helpers/overlay_mount.h"
#include "helpers/test_support.h"

namespace sdme {
namespace {

using ::sdme::test_support::directory_entries;
using ::sdme::test_support::entry_kind;
using ::sdme::test_support::link_target;
using ::sdme::test_support::permission_bits;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScopedEnvironment;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

class ContainerDnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "the helpers' tests run as root";
    scratch_.emplace();
    upper_ = scratch_->path() + "/upper";
    std::filesystem::create_directory(upper_);
  }
  void TearDown() override { scratch_.reset(); }

  void set_up(NetworkMode mode) {
    std::string err;
    EXPECT_TRUE(set_up_dns_in_layer(upper_, mode, &err)) << err;
  }
  std::string set_up_error(NetworkMode mode) {
    std::string err;
    EXPECT_FALSE(set_up_dns_in_layer(upper_, mode, &err));
    return err;
  }
  std::string resolv_conf() const { return upper_ + "/etc/resolv.conf"; }
  std::string resolved_mask() const {
    return upper_ + "/etc/systemd/system/systemd-resolved.service";
  }

  std::optional<ScratchDirectory> scratch_;
  std::string upper_;
};

TEST_F(ContainerDnsTest, HostNetworkWritesPlaceholderAndMasksResolved) {
  set_up(NetworkMode::kHost);
  EXPECT_EQ(entry_kind(resolv_conf()), "file");
  EXPECT_EQ(read_test_file(resolv_conf()),
            "# Placeholder written by sdme-dns: this container shares the host's network.\n"
            "# systemd-nspawn --resolv-conf=auto mounts the host's resolver configuration\n"
            "# over this file when the container starts.\n");
  EXPECT_EQ(permission_bits(resolv_conf()), 0644u);
  EXPECT_EQ(link_target(resolved_mask()), "/dev/null");
  EXPECT_EQ(permission_bits(upper_ + "/etc/systemd"), 0755u);
  EXPECT_EQ(directory_entries(upper_ + "/etc"),
            (std::vector<std::string>{"resolv.conf", "systemd"}));
}

TEST_F(ContainerDnsTest, HostNetworkReplacesSymlinkWithoutTouchingItsTarget) {
  std::string host_file = scratch_->path() + "/host-resolv.conf";
  write_test_file(host_file, "nameserver 192.0.2.1\n");
  std::filesystem::create_directories(upper_ + "/etc");
  std::filesystem::create_symlink(host_file, resolv_conf());
  set_up(NetworkMode::kHost);
  EXPECT_EQ(entry_kind(resolv_conf()), "file");
  EXPECT_EQ(read_test_file(resolv_conf()), kResolvConfPlaceholder);
  EXPECT_EQ(read_test_file(host_file), "nameserver 192.0.2.1\n");
}

TEST_F(ContainerDnsTest, HostNetworkReplacesDanglingStubLink) {
  std::filesystem::create_directories(upper_ + "/etc");
  std::filesystem::create_symlink("../run/systemd/resolve/stub-resolv.conf", resolv_conf());
  set_up(NetworkMode::kHost);
  EXPECT_EQ(read_test_file(resolv_conf()), kResolvConfPlaceholder);
  EXPECT_EQ(entry_kind(upper_ + "/run"), "missing");
}

TEST_F(ContainerDnsTest, HostNetworkReplacesWhiteoutOfDeletedResolvConf) {
  std::filesystem::create_directories(upper_ + "/etc");
  ASSERT_EQ(::mknod(resolv_conf().c_str(), S_IFCHR | 0000, makedev(0, 0)), 0);
  set_up(NetworkMode::kHost);
  EXPECT_EQ(read_test_file(resolv_conf()), kResolvConfPlaceholder);
}

TEST_F(ContainerDnsTest, HostNetworkTwiceLeavesFilesUntouched) {
  set_up(NetworkMode::kHost);
  struct stat first;
  ASSERT_EQ(::lstat(resolv_conf().c_str(), &first), 0);
  set_up(NetworkMode::kHost);
  struct stat second;
  ASSERT_EQ(::lstat(resolv_conf().c_str(), &second), 0);
  EXPECT_EQ(first.st_ino, second.st_ino);
  EXPECT_EQ(link_target(resolved_mask()), "/dev/null");
  EXPECT_EQ(directory_entries(upper_ + "/etc"),
            (std::vector<std::string>{"resolv.conf", "systemd"}));
}

TEST_F(ContainerDnsTest, HostNetworkRewritesChangedResolvConf) {
  write_test_file(resolv_conf(), "nameserver 192.0.2.1\n");
  set_up(NetworkMode::kHost);
  EXPECT_EQ(read_test_file(resolv_conf()), kResolvConfPlaceholder);
}

TEST_F(ContainerDnsTest, HostNetworkRefusesUnitFileWhereMaskGoes) {
  write_test_file(resolved_mask(), "[Service]\nExecStart=/bin/true\n");
  EXPECT_EQ(set_up_error(NetworkMode::kHost),
            "cannot mask systemd-resolved: " + resolved_mask() +
                " is a unit file of the container's own; remove it inside the container, or give "
                "the container a private network");
  EXPECT_EQ(read_test_file(resolved_mask()), "[Service]\nExecStart=/bin/true\n");
}

TEST_F(ContainerDnsTest, RefusesToFollowSymlinkedDirectoryOutOfTheLayer) {
  std::string host_etc = scratch_->path() + "/host-etc";
  std::filesystem::create_directory(host_etc);
  std::filesystem::create_directory_symlink(host_etc, upper_ + "/etc");
  EXPECT_EQ(set_up_error(NetworkMode::kHost),
            "cannot create /etc in the upper layer: " + upper_ +
                "/etc is a symlink, and sdme does not follow symlinks made by a container; "
                "replace it with a directory inside the container");
  EXPECT_EQ(set_up_error(NetworkMode::kPrivate),
            "cannot create /etc in the upper layer: " + upper_ +
                "/etc is a symlink, and sdme does not follow symlinks made by a container; "
                "replace it with a directory inside the container");
  EXPECT_EQ(directory_entries(host_etc), std::vector<std::string>{});
}

TEST_F(ContainerDnsTest, RefusesWhenContainerDeletedTheDirectory) {
  std::filesystem::create_directories(upper_ + "/etc");
  std::string systemd = upper_ + "/etc/systemd";
  ASSERT_EQ(::mknod(systemd.c_str(), S_IFCHR | 0000, makedev(0, 0)), 0);
  EXPECT_EQ(set_up_error(NetworkMode::kHost),
            "cannot write /etc/systemd/system/systemd-resolved.service: /etc/systemd/system or a "
            "directory above it was deleted inside the container; recreate it there");
}

TEST_F(ContainerDnsTest, RefusesDirectoryInPlaceOfResolvConf) {
  std::filesystem::create_directories(resolv_conf());
  EXPECT_EQ(set_up_error(NetworkMode::kHost),
            resolv_conf() + " is not a file; remove it inside the container");
  EXPECT_EQ(set_up_error(NetworkMode::kPrivate),
            resolv_conf() + " is not a file; remove it inside the container");
}

TEST_F(ContainerDnsTest, PrivateNetworkLinksStubAndTakesBackOwnMask) {
  set_up(NetworkMode::kHost);
  set_up(NetworkMode::kPrivate);
  EXPECT_EQ(entry_kind(resolv_conf()), "symlink");
  EXPECT_EQ(link_target(resolv_conf()), "../run/systemd/resolve/stub-resolv.conf");
  EXPECT_EQ(entry_kind(resolved_mask()), "missing");
  set_up(NetworkMode::kPrivate);
  EXPECT_EQ(link_target(resolv_conf()), "../run/systemd/resolve/stub-resolv.conf");
  // Back to the host network: the placeholder replaces the link.
  set_up(NetworkMode::kHost);
  EXPECT_EQ(read_test_file(resolv_conf()), kResolvConfPlaceholder);
}

TEST_F(ContainerDnsTest, PrivateNetworkCreatesNoUnitDirectory) {
  set_up(NetworkMode::kPrivate);
  EXPECT_EQ(directory_entries(upper_ + "/etc"), std::vector<std::string>{"resolv.conf"});
}

TEST_F(ContainerDnsTest, PrivateNetworkKeepsResolvedUnitsItDidNotWrite) {
  std::filesystem::create_directories(upper_ + "/etc/systemd/system");
  std::filesystem::create_symlink("/lib/systemd/system/other.service", resolved_mask());
  set_up(NetworkMode::kPrivate);
  EXPECT_EQ(link_target(resolved_mask()), "/lib/systemd/system/other.service");

  std::filesystem::remove(resolved_mask());
  write_test_file(resolved_mask(), "[Service]\n");
  set_up(NetworkMode::kPrivate);
  EXPECT_EQ(read_test_file(resolved_mask()), "[Service]\n");
}

TEST_F(ContainerDnsTest, PrivateNetworkReplacesPlaceholderFileAndForeignLink) {
  write_test_file(resolv_conf(), "nameserver 192.0.2.1\n");
  set_up(NetworkMode::kPrivate);
  EXPECT_EQ(link_target(resolv_conf()), "../run/systemd/resolve/stub-resolv.conf");
  std::filesystem::remove(resolv_conf());
  std::filesystem::create_symlink("/run/NetworkManager/resolv.conf", resolv_conf());
  set_up(NetworkMode::kPrivate);
  EXPECT_EQ(link_target(resolv_conf()), "../run/systemd/resolve/stub-resolv.conf");
}

// set_up_container_dns() finds the upper layer from the container's name.
class ContainerDnsByNameTest : public ContainerDnsTest {
 protected:
  void SetUp() override {
    ContainerDnsTest::SetUp();
    if (IsSkipped()) return;
    state_ = scratch_->path() + "/state";
    state_environment_.emplace("SDME_STATE_DIR", state_);
    lower_ = scratch_->path() + "/lower";
    write_test_file(lower_ + "/etc/hostname", "lower\n");
    ::chmod(lower_.c_str(), 0755);
  }
  void TearDown() override {
    state_environment_.reset();
    ContainerDnsTest::TearDown();
  }
  std::string container(const std::string& name) const { return state_ + "/containers/" + name; }

  std::optional<ScopedEnvironment> state_environment_;
  std::string state_;
  std::string lower_;
};

TEST_F(ContainerDnsByNameTest, UsesPersistentUpperLayer) {
  OverlayMountRequest request{"web-foo", lower_, false, {}, false};
  OverlayMountResult result;
  std::string err;
  ASSERT_TRUE(mount_overlay(request, &result, &err)) << err;
  ASSERT_TRUE(set_up_container_dns("web-foo", NetworkMode::kHost, &err)) << err;
  EXPECT_EQ(read_test_file(container("web-foo") + "/upper/etc/resolv.conf"),
            kResolvConfPlaceholder);
  EXPECT_EQ(read_test_file(container("web-foo") + "/merged/etc/resolv.conf"),
            kResolvConfPlaceholder);
}

TEST_F(ContainerDnsByNameTest, UsesEphemeralUpperLayerWhileItsTmpfsIsMounted) {
  OverlayMountRequest request{"web", lower_, false, {}, true};
  OverlayMountResult result;
  std::string err;
  ASSERT_TRUE(mount_overlay(request, &result, &err)) << err;
  ASSERT_TRUE(set_up_container_dns("web", NetworkMode::kPrivate, &err)) << err;
  EXPECT_EQ(link_target(container("web") + "/ephemeral/upper/etc/resolv.conf"),
            "../run/systemd/resolve/stub-resolv.conf");
  EXPECT_EQ(link_target(container("web") + "/merged/etc/resolv.conf"),
            "../run/systemd/resolve/stub-resolv.conf");
  EXPECT_EQ(entry_kind(container("web") + "/upper"), "missing");
}

TEST_F(ContainerDnsByNameTest, NeedsTheOverlayPreparedFirst) {
  std::string err;
  EXPECT_FALSE(set_up_container_dns("web", NetworkMode::kHost, &err));
  EXPECT_EQ(err, "the upper layer " + container("web") +
                     "/upper does not exist; run 'sdme-overlay mount web' first");
  EXPECT_EQ(entry_kind(state_), "missing");
}

TEST_F(ContainerDnsByNameTest, RefusesInvalidContainerNames) {
  std::string err;
  EXPECT_FALSE(set_up_container_dns("../x", NetworkMode::kHost, &err));
  EXPECT_EQ(err, "container name '../x' must start with a letter or digit");
  EXPECT_FALSE(set_up_container_dns("a\\x2db", NetworkMode::kPrivate, &err));
  EXPECT_EQ(err, "container name 'a\\x2db' may contain only letters, digits, '-' and '.'");
  EXPECT_EQ(entry_kind(state_), "missing");
}

}  // namespace
}  // namespace sdme
