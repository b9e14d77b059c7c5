// Tests for SSH=: finding and enabling sshd, its drop-in, host keys of the
// container's own, and taking all of it back.
#include <gtest/gtest.h>

#include "helpers/provision/markers.h"
#include "helpers/provision/ssh_host_keys.h"
#include "helpers/provision/sshd_config.h"
#include "helpers/provision/sshd_setup.h"
#include "helpers/provision/sshd_unit.h"
#include "helpers/provision/test_tree.h"

namespace sdme::provision {
namespace {

using ::sdme::test_support::directory_entries;
using ::sdme::test_support::entry_kind;
using ::sdme::test_support::link_target;
using ::sdme::test_support::read_test_file;

constexpr char kSshdConfig[] =
    "Include /etc/ssh/sshd_config.d/*.conf\n"
    "KbdInteractiveAuthentication no\n"
    "UsePAM yes\n";
constexpr char kWantsLink[] = "/etc/systemd/system/multi-user.target.wants/ssh.service";
constexpr char kKeyUnit[] = "/etc/systemd/system/sdme-ssh-host-keys.service";
constexpr char kUnitDropIn[] = "/etc/systemd/system/ssh.service.d/50-sdme.conf";

class SshdTest : public ProvisionTreeTest {
 protected:
  // Debian with openssh-server installed, not enabled.
  void install_debian_sshd() {
    lower_file("/usr/lib/systemd/system/ssh.service", "[Service]\nExecStart=/usr/sbin/sshd -D\n");
    lower_file("/usr/sbin/sshd", "");
    lower_file("/etc/ssh/sshd_config", kSshdConfig);
  }
  void set_up(const SshSettings& settings) {
    std::string err;
    EXPECT_TRUE(set_up_sshd(tree_, settings, &err)) << err;
  }
  std::string set_up_error(const SshSettings& settings) {
    std::string err;
    EXPECT_FALSE(set_up_sshd(tree_, settings, &err));
    return err;
  }
  // What an earlier --ssh run left in the upper layer.
  void copy_merged_to_upper(const std::string& path) {
    std::filesystem::create_directories(std::filesystem::path(upper(path)).parent_path());
    std::filesystem::copy(merged(path), upper(path), std::filesystem::copy_options::copy_symlinks);
  }
};

TEST_F(SshdTest, DropInText) {
  EXPECT_EQ(sshd_drop_in(22, false),
            "# Written by sdme-provision from SSH= at every start; changes here are lost.\n"
            "# sshd uses the first value it reads for a keyword; 00- sorts this file first.\n"
            "Port 22\n"
            "PermitRootLogin prohibit-password\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            "HostKey /etc/ssh/ssh_host_rsa_key\n"
            "HostKey /etc/ssh/ssh_host_ecdsa_key\n"
            "HostKey /etc/ssh/ssh_host_ed25519_key\n");
  EXPECT_EQ(sshd_drop_in(2222, true),
            "# Written by sdme-provision from SSH= at every start; changes here are lost.\n"
            "# sshd uses the first value it reads for a keyword; 00- sorts this file first.\n"
            "Port 2222\n"
            "PermitRootLogin yes\n"
            "PasswordAuthentication yes\n"
            "KbdInteractiveAuthentication no\n"
            "HostKey /etc/ssh/ssh_host_rsa_key\n"
            "HostKey /etc/ssh/ssh_host_ecdsa_key\n"
            "HostKey /etc/ssh/ssh_host_ed25519_key\n");
}

TEST_F(SshdTest, HostKeyUnitAndDropInText) {
  EXPECT_EQ(host_key_unit("ssh.service"),
            "# Written by sdme-provision from SSH= at every start; changes here are lost.\n"
            "# Makes this container's own SSH host keys at its first boot, with its own\n"
            "# ssh-keygen; sdme removed those its root file system came with.\n"
            "[Unit]\n"
            "Description=SSH host keys of this container\n"
            "Before=ssh.service\n"
            "\n"
            "[Service]\n"
            "Type=oneshot\n"
            "RemainAfterExit=yes\n"
            "ExecStart=/usr/bin/ssh-keygen -A\n");
  EXPECT_EQ(sshd_unit_drop_in(),
            "# Written by sdme-provision from SSH= at every start; changes here are lost.\n"
            "[Unit]\n"
            "Wants=sdme-ssh-host-keys.service\n"
            "After=sdme-ssh-host-keys.service\n");
}

TEST_F(SshdTest, IncludeLines) {
  EXPECT_TRUE(sshd_config_includes_drop_ins(kSshdConfig));
  EXPECT_TRUE(sshd_config_includes_drop_ins("  include\t/etc/ssh/sshd_config.d/*.conf\n"));
  EXPECT_FALSE(sshd_config_includes_drop_ins("#Include /etc/ssh/sshd_config.d/*.conf\n"));
  EXPECT_TRUE(sshd_config_includes_drop_ins("Include sshd_config.d/*.conf\n"));
  EXPECT_TRUE(sshd_config_includes_drop_ins("Include /x/*.conf\t/etc/ssh/sshd_config.d/*.conf\n"));
  EXPECT_TRUE(sshd_config_includes_drop_ins(
      "Include /usr/etc/ssh/sshd_config.d/*.conf /etc/ssh/sshd_config.d/*.conf\n"));
  EXPECT_FALSE(sshd_config_includes_drop_ins("Include /etc/ssh/other/*.conf\n"));
  EXPECT_FALSE(sshd_config_includes_drop_ins("Include /usr/etc/ssh/sshd_config.d/*.conf\n"));
  EXPECT_FALSE(sshd_config_includes_drop_ins("Port 22\n"));
}

TEST_F(SshdTest, EnablesConfiguresAndPreparesHostKeys) {
  install_debian_sshd();
  set_up({true, 2222, false});
  EXPECT_EQ(link_target(merged(kWantsLink)), "/usr/lib/systemd/system/ssh.service");
  EXPECT_EQ(read_test_file(merged("/etc/ssh/sshd_config.d/00-sdme.conf")),
            sshd_drop_in(2222, false));
  EXPECT_EQ(read_test_file(merged(kKeyUnit)), host_key_unit("ssh.service"));
  EXPECT_EQ(read_test_file(merged(kUnitDropIn)), sshd_unit_drop_in());
  EXPECT_EQ(read_test_file(merged("/etc/ssh/sshd_config")), kSshdConfig);
}

TEST_F(SshdTest, SecondRunChangesNothing) {
  install_debian_sshd();
  set_up({true, 22, false});
  for (const char* path : {"/etc/ssh/sshd_config.d/00-sdme.conf", kKeyUnit, kUnitDropIn})
    age(merged(path));
  age(merged(kWantsLink));
  std::vector<struct timespec> before;
  for (const char* path :
       {"/etc/ssh/sshd_config.d/00-sdme.conf", kKeyUnit, kUnitDropIn, kWantsLink})
    before.push_back(mtime(merged(path)));
  set_up({true, 22, false});
  size_t i = 0;
  for (const char* path :
       {"/etc/ssh/sshd_config.d/00-sdme.conf", kKeyUnit, kUnitDropIn, kWantsLink})
    EXPECT_TRUE(same_time(mtime(merged(path)), before[i++])) << path;
}

TEST_F(SshdTest, FedoraUnitUnderItsOwnName) {
  lower_file("/usr/lib/systemd/system/sshd.service", "[Service]\n");
  lower_file("/usr/sbin/sshd", "");
  lower_file("/etc/ssh/sshd_config", kSshdConfig);
  set_up({true, 22, false});
  EXPECT_EQ(link_target(merged("/etc/systemd/system/multi-user.target.wants/sshd.service")),
            "/usr/lib/systemd/system/sshd.service");
  EXPECT_EQ(read_test_file(merged("/etc/systemd/system/sdme-ssh-host-keys.service"))
                    .find("Before=sshd.service\n") != std::string::npos,
            true);
  EXPECT_EQ(entry_kind(merged("/etc/systemd/system/sshd.service.d/50-sdme.conf")), "file");
}

TEST_F(SshdTest, UnitUnderLibAndArchsBinaryInUsrBin) {
  lower_file("/lib/systemd/system/ssh.service", "[Service]\n");
  lower_file("/usr/bin/sshd", "");
  lower_file("/etc/ssh/sshd_config", kSshdConfig);
  set_up({true, 22, false});
  EXPECT_EQ(link_target(merged(kWantsLink)), "/lib/systemd/system/ssh.service");
}

TEST_F(SshdTest, OpenSuseVendorConfigInUsrEtc) {
  lower_file("/usr/lib/systemd/system/sshd.service", "[Service]\n");
  lower_file("/usr/sbin/sshd", "");
  lower_file("/usr/etc/ssh/sshd_config",
             "Include /usr/etc/ssh/sshd_config.d/*.conf\nInclude /etc/ssh/sshd_config.d/*.conf\n");
  set_up({true, 22, false});
  EXPECT_EQ(read_test_file(merged("/etc/ssh/sshd_config.d/00-sdme.conf")), sshd_drop_in(22, false));
  // The administrator's own file is the one sshd reads.
  lower_file("/etc/ssh/sshd_config", "Port 22\n");
  EXPECT_NE(set_up_error({true, 22, false}).find("does not read /etc/ssh/sshd_config.d"),
            std::string::npos);
}

TEST_F(SshdTest, AliasLinkIsNotTheUnit) {
  // Debian's sshd.service alias: only ssh.service is a unit file.
  install_debian_sshd();
  std::filesystem::create_symlink("ssh.service", merged("/usr/lib/systemd/system/sshd.service"));
  set_up({true, 22, false});
  EXPECT_EQ(link_target(merged(kWantsLink)), "/usr/lib/systemd/system/ssh.service");
}

TEST_F(SshdTest, UnitEnabledByTheImageIsLeftAsItIs) {
  install_debian_sshd();
  std::filesystem::create_directories(merged("/etc/systemd/system/multi-user.target.wants"));
  std::filesystem::create_symlink("/lib/systemd/system/ssh.service", merged(kWantsLink));
  set_up({true, 22, false});
  EXPECT_EQ(link_target(merged(kWantsLink)), "/lib/systemd/system/ssh.service");
}

constexpr char kNoSshd[] =
    "SSH=yes, but the container's root file system has no sshd (no ssh.service or sshd.service "
    "in /usr/lib/systemd/system, or no /usr/sbin/sshd); install openssh-server in it";

TEST_F(SshdTest, MissingSshdIsAnErrorThatChangesNothing) {
  EXPECT_EQ(set_up_error({true, 22, false}), kNoSshd);
  lower_file("/usr/lib/systemd/system/ssh.service", "[Service]\n");
  EXPECT_EQ(set_up_error({true, 22, false}), kNoSshd);
  EXPECT_EQ(directory_entries(merged("/etc")), std::vector<std::string>{});
}

TEST_F(SshdTest, UnitOnlyBehindASymlinkedLibIsNotFound) {
  std::string host_lib = scratch_->path() + "/host-lib";
  test_support::write_test_file(host_lib + "/systemd/system/ssh.service", "[Service]\n");
  std::filesystem::create_directory_symlink(host_lib, merged("/lib"));
  lower_file("/usr/sbin/sshd", "");
  EXPECT_EQ(set_up_error({true, 22, false}), kNoSshd);
}

TEST_F(SshdTest, MaskedUnitIsAnError) {
  install_debian_sshd();
  std::filesystem::create_directories(merged("/etc/systemd/system"));
  std::filesystem::create_symlink("/dev/null", merged("/etc/systemd/system/ssh.service"));
  EXPECT_EQ(set_up_error({true, 22, false}),
            "SSH=yes, but ssh.service is masked in the container "
            "(/etc/systemd/system/ssh.service links to /dev/null); remove that link from the "
            "container, or set SSH=no");
  EXPECT_EQ(entry_kind(merged("/etc/ssh/sshd_config.d")), "missing");
}

TEST_F(SshdTest, SshdConfigWithoutIncludeIsAnError) {
  install_debian_sshd();
  lower_file("/etc/ssh/sshd_config", "Port 22\nUsePAM yes\n");
  EXPECT_EQ(set_up_error({true, 22, false}),
            "SSH=yes, but the container's /etc/ssh/sshd_config does not read "
            "/etc/ssh/sshd_config.d (OpenSSH before 8.2, or an edited file); add the line "
            "'Include /etc/ssh/sshd_config.d/*.conf' at its top");
  EXPECT_EQ(entry_kind(merged("/etc/ssh/sshd_config.d")), "missing");
  std::filesystem::remove(merged("/etc/ssh/sshd_config"));
  EXPECT_EQ(set_up_error({true, 22, false}),
            "SSH=yes, but the container has no /etc/ssh/sshd_config; install openssh-server in "
            "its root file system");
}

TEST_F(SshdTest, HostKeysOfTheLowerLayerGoThoseOfTheUpperLayerStay) {
  install_debian_sshd();
  lower_file("/etc/ssh/ssh_host_ed25519_key", "lower private\n");
  lower_file("/etc/ssh/ssh_host_ed25519_key.pub", "lower public\n");
  lower_file("/etc/ssh/ssh_host_rsa_key", "lower private\n");
  lower_file("/etc/ssh/ssh_host_dsa_key", "lower private\n");
  own_file("/etc/ssh/ssh_host_ecdsa_key", "own private\n");
  own_file("/etc/ssh/ssh_host_ecdsa_key.pub", "own public\n");
  lower_file("/etc/ssh/ssh_known_hosts", "not a host key\n");
  bool lower = false;
  std::string err;
  ASSERT_TRUE(host_key_comes_from_lower_layer(tree_, "ssh_host_ed25519_key", &lower, &err)) << err;
  EXPECT_TRUE(lower);
  ASSERT_TRUE(host_key_comes_from_lower_layer(tree_, "ssh_host_ecdsa_key", &lower, &err)) << err;
  EXPECT_FALSE(lower);
  ASSERT_TRUE(host_key_comes_from_lower_layer(tree_, "ssh_host_rsa_key.pub", &lower, &err)) << err;
  EXPECT_FALSE(lower);

  set_up({true, 22, false});
  EXPECT_EQ(directory_entries(merged("/etc/ssh")),
            (std::vector<std::string>{"ssh_host_ecdsa_key", "ssh_host_ecdsa_key.pub",
                                      "ssh_known_hosts", "sshd_config", "sshd_config.d"}));
}

TEST_F(SshdTest, TurningSshOffRemovesWhatItWrote) {
  install_debian_sshd();
  set_up({true, 22, false});
  for (const char* path :
       {"/etc/ssh/sshd_config.d/00-sdme.conf", kKeyUnit, kUnitDropIn, kWantsLink})
    copy_merged_to_upper(path);
  set_up({false, 22, false});
  for (const char* path :
       {"/etc/ssh/sshd_config.d/00-sdme.conf", kKeyUnit, kUnitDropIn, kWantsLink})
    EXPECT_EQ(entry_kind(merged(path)), "missing") << path;
  EXPECT_EQ(read_test_file(merged("/etc/ssh/sshd_config")), kSshdConfig);
}

TEST_F(SshdTest, TurningSshOffLeavesTheAdministratorsFiles) {
  install_debian_sshd();
  own_file("/etc/ssh/sshd_config.d/00-sdme.conf", "Port 2200\n");
  own_file(kKeyUnit, "[Service]\nExecStart=/bin/true\n");
  own_file("/etc/ssh/sshd_config.d/50-admin.conf", "PermitRootLogin no\n");
  std::filesystem::create_directories(merged("/etc/systemd/system/multi-user.target.wants"));
  std::filesystem::create_symlink("/lib/systemd/system/other.service", merged(kWantsLink));
  copy_merged_to_upper(kWantsLink);
  // Enabled by the image (in the lower layer only), as Debian does.
  std::filesystem::create_symlink(
      "/usr/lib/systemd/system/sshd.service",
      merged("/etc/systemd/system/multi-user.target.wants/sshd.service"));
  set_up({false, 22, false});
  EXPECT_EQ(read_test_file(merged("/etc/ssh/sshd_config.d/00-sdme.conf")), "Port 2200\n");
  EXPECT_EQ(read_test_file(merged(kKeyUnit)), "[Service]\nExecStart=/bin/true\n");
  EXPECT_EQ(entry_kind(merged("/etc/ssh/sshd_config.d/50-admin.conf")), "file");
  EXPECT_EQ(link_target(merged(kWantsLink)), "/lib/systemd/system/other.service");
  EXPECT_EQ(entry_kind(merged("/etc/systemd/system/multi-user.target.wants/sshd.service")),
            "symlink");
}

TEST_F(SshdTest, TurningSshOffOnATreeThatNeverHadItDoesNothing) {
  set_up({false, 22, false});
  EXPECT_EQ(directory_entries(merged_), std::vector<std::string>{});
}

}  // namespace
}  // namespace sdme::provision
