// Tests for inspecting an imported tree (through hand-made trees whose
// symlinks point out to the host) and for installing packages in it, with a
// fake systemd-nspawn that records how it was called and fails on demand,
// and once with the real one on a tiny tree.
#include "import/package_install.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/strings.h"
#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using ::sdme::test_support::entry_kind;
using ::sdme::test_support::link_target;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScopedEnvironment;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;
using ::testing::HasSubstr;

constexpr const char* kAdvice =
    "; install them in the image yourself or set ImportInstallPackages=no";

void write_executable(const std::string& path, const std::string& content) {
  write_test_file(path, content);
  ::chmod(path.c_str(), 0755);
}

void make_symlink(const std::string& target, const std::string& path) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::filesystem::create_symlink(target, path);
}

class PackageInstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "the helpers' tests run as root";
    scratch_.emplace();
    // Named like a temporary directory next to the rootfs, which nspawn
    // could not make a host name of.
    root_ = scratch_->path() + "/.__";
    std::filesystem::create_directories(root_);
  }
  void TearDown() override { scratch_.reset(); }

  std::string in_tree(const std::string& path) const { return root_ + path; }

  TreeInfo inspect() {
    TreeInfo info;
    std::string err;
    EXPECT_TRUE(inspect_tree(root_, &info, &err)) << err;
    return info;
  }

  // A Debian-shaped tree without systemd: merged /usr, apt-get, a shell.
  void make_debian_tree_without_systemd() {
    make_symlink("usr/bin", in_tree("/bin"));
    make_symlink("usr/lib", in_tree("/lib"));
    write_executable(in_tree("/usr/bin/sh"), "");
    write_executable(in_tree("/usr/bin/apt-get"), "");
    write_test_file(in_tree("/usr/lib/os-release"), "PRETTY_NAME=\"Debian\"\nID=debian\n");
    make_symlink("../usr/lib/os-release", in_tree("/etc/os-release"));
  }

  // A Fedora-shaped container image: merged /usr (with /usr/sbin apart, as
  // before Fedora 42), dnf, a shell, no systemd, util-linux or pam.
  void make_rhel_tree_without_systemd() {
    make_symlink("usr/bin", in_tree("/bin"));
    make_symlink("usr/sbin", in_tree("/sbin"));
    make_symlink("usr/lib", in_tree("/lib"));
    make_symlink("usr/lib64", in_tree("/lib64"));
    std::filesystem::create_directories(in_tree("/usr/sbin"));
    std::filesystem::create_directories(in_tree("/usr/lib64"));
    write_executable(in_tree("/usr/bin/bash"), "");
    make_symlink("bash", in_tree("/usr/bin/sh"));
    write_executable(in_tree("/usr/bin/dnf5"), "");
    make_symlink("dnf5", in_tree("/usr/bin/dnf"));
    write_test_file(in_tree("/usr/lib/os-release"), "NAME=\"Fedora Linux\"\nID=fedora\n");
    make_symlink("../usr/lib/os-release", in_tree("/etc/os-release"));
  }

  // A NixOS tree as a Nix build makes it for containers: the system in
  // /nix/store, the profile's generation links, /sbin/init and
  // /etc/os-release linked into the store with absolute links.
  void make_nixos_tree() {
    std::string system = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-nixos-system-nixos-24.11";
    std::string systemd = "/nix/store/abcdfghijklmnpqrsvwxyz0123456789-systemd-256.10";
    write_executable(in_tree(systemd + "/lib/systemd/systemd"), "");
    make_symlink(systemd, in_tree(system + "/systemd"));
    write_executable(in_tree(system + "/init"), "#! /nix/store/x-bash/bin/bash\n");
    write_test_file(in_tree("/nix/store/zyxwvsrqpnmlkjihgfdcba9876543210-etc/etc/os-release"),
                    "NAME=NixOS\nID=nixos\nVERSION_ID=\"24.11\"\n");
    make_symlink(system, in_tree("/nix/var/nix/profiles/system-1-link"));
    make_symlink("system-1-link", in_tree("/nix/var/nix/profiles/system"));
    make_symlink(system + "/init", in_tree("/sbin/init"));
    make_symlink("/nix/store/zyxwvsrqpnmlkjihgfdcba9876543210-etc/etc/os-release",
                 in_tree("/etc/os-release"));
  }

  // Writes a fake systemd-nspawn that records its arguments (NUL-separated)
  // and stdin, finds --directory= as ROOT, then runs `body`.
  std::string write_fake_nspawn(const std::string& body) {
    std::string path = scratch_->path() + "/fake-nspawn";
    write_executable(path,
                     "#!/bin/sh\n"
                     "record='" +
                         scratch_->path() +
                         "'\n"
                         "printf '%s\\0' \"$0\" > \"$record/argv\"\n"
                         "for argument in \"$@\"; do printf '%s\\0' \"$argument\" >> "
                         "\"$record/argv\"; done\n"
                         "cat > \"$record/stdin\"\n"
                         "root=\n"
                         "for argument in \"$@\"; do case \"$argument\" in --directory=*) "
                         "root=\"${argument#--directory=}\";; esac; done\n" +
                         body);
    return path;
  }

  std::vector<std::string> recorded_arguments() {
    std::string text = read_test_file(scratch_->path() + "/argv");
    std::vector<std::string> arguments = split(text, '\0');
    if (!arguments.empty() && arguments.back().empty()) arguments.pop_back();
    return arguments;
  }

  // install_packages' error for systemd and dbus with a fake nspawn.
  std::string install_error(const std::string& fake_body) {
    make_debian_tree_without_systemd();
    ScopedEnvironment nspawn("SDME_NSPAWN", write_fake_nspawn(fake_body));
    std::string err;
    TreeInfo info = inspect();
    EXPECT_FALSE(install_packages(root_, info, {"systemd", "dbus"}, &err));
    return err;
  }

  std::optional<ScratchDirectory> scratch_;
  std::string root_;
};

TEST_F(PackageInstallTest, FindsSystemdDbusAndAptInAMergedUsrTree) {
  make_debian_tree_without_systemd();
  write_executable(in_tree("/usr/lib/systemd/systemd"), "");
  write_executable(in_tree("/usr/bin/dbus-daemon"), "");
  TreeInfo info = inspect();
  EXPECT_TRUE(info.has_systemd);
  EXPECT_TRUE(info.has_dbus);
  EXPECT_TRUE(info.has_shell);
  EXPECT_EQ(info.package_manager, "apt-get");
  EXPECT_EQ(info.os_id, "debian");
  EXPECT_TRUE(missing_packages(info).empty());
}

TEST_F(PackageInstallTest, ReportsWhatATreeWithoutSystemdLacks) {
  make_debian_tree_without_systemd();
  TreeInfo info = inspect();
  EXPECT_FALSE(info.has_systemd);
  EXPECT_FALSE(info.has_dbus);
  EXPECT_EQ(missing_packages(info), (std::vector<std::string>{"systemd", "dbus"}));
}

TEST_F(PackageInstallTest, AbsoluteSymlinksResolveInsideTheTree) {
  // /lib/systemd -> /opt/systemd is the tree's /opt, which the host lacks.
  ASSERT_EQ(entry_kind("/opt/sdme-test-systemd"), "missing");
  make_symlink("/opt/sdme-test-systemd", in_tree("/lib/systemd"));
  write_executable(in_tree("/opt/sdme-test-systemd/systemd"), "");
  make_symlink("/opt/sdme-test-broker", in_tree("/usr/bin/dbus-broker"));
  write_executable(in_tree("/opt/sdme-test-broker"), "");
  make_symlink("/usr/lib/os-release", in_tree("/etc/os-release"));
  write_test_file(in_tree("/usr/lib/os-release"), "ID=fedora\n");
  write_executable(in_tree("/usr/bin/dnf-3"), "");
  make_symlink("/usr/bin/dnf-3", in_tree("/usr/bin/dnf"));
  TreeInfo info = inspect();
  EXPECT_TRUE(info.has_systemd);
  EXPECT_TRUE(info.has_dbus);
  EXPECT_EQ(info.package_manager, "dnf");
  EXPECT_EQ(info.os_id, "fedora");
}

TEST_F(PackageInstallTest, NeverFollowsSymlinksOutToTheHost) {
  // The host has all of these; the tree only points at them.
  for (const char* host_path :
       {"/usr/lib/systemd/systemd", "/usr/bin/apt-get", "/usr/lib/os-release", "/bin/sh"})
    ASSERT_NE(entry_kind(host_path), "missing") << host_path << " is this test's premise";
  make_symlink("/usr", in_tree("/usr"));
  make_symlink("/usr/bin", in_tree("/bin"));
  make_symlink("/usr/lib", in_tree("/lib"));
  make_symlink("/usr/sbin", in_tree("/sbin"));
  make_symlink("/usr/lib/os-release", in_tree("/etc/os-release"));
  TreeInfo info = inspect();
  EXPECT_FALSE(info.has_systemd);
  EXPECT_FALSE(info.has_shell);
  EXPECT_EQ(info.package_manager, "");
  EXPECT_EQ(info.os_id, "");
}

TEST_F(PackageInstallTest, DotDotStopsAtTheTreesRoot) {
  std::string escape = "../../../../../../../../../..";
  make_symlink(escape + "/usr/lib/os-release", in_tree("/etc/os-release"));
  make_symlink(escape + "/usr/lib", in_tree("/lib"));
  make_symlink(escape + "/usr/bin", in_tree("/bin"));
  TreeInfo info = inspect();
  EXPECT_FALSE(info.has_systemd);
  EXPECT_FALSE(info.has_shell);
  EXPECT_EQ(info.os_id, "");
}

TEST_F(PackageInstallTest, ReadsUsrLibOsReleaseWhenEtcHasNone) {
  write_test_file(in_tree("/usr/lib/os-release"),
                  "# comment\nNAME=\"openSUSE Tumbleweed\"\nID=\"opensuse-tumbleweed\"\n");
  EXPECT_EQ(inspect().os_id, "opensuse-tumbleweed");
}

TEST_F(PackageInstallTest, OnlyExecutableFilesCount) {
  write_test_file(in_tree("/usr/lib/systemd/systemd"), "");  // mode 0644
  std::filesystem::create_directories(in_tree("/usr/bin/apt-get"));
  write_executable(in_tree("/usr/bin/yum"), "");
  write_executable(in_tree("/sbin/apk"), "");
  TreeInfo info = inspect();
  EXPECT_FALSE(info.has_systemd);
  EXPECT_EQ(info.package_manager, "yum");
}

TEST_F(PackageInstallTest, FindsApkInSbin) {
  write_executable(in_tree("/sbin/apk"), "");
  write_test_file(in_tree("/etc/os-release"), "ID=alpine\n");
  TreeInfo info = inspect();
  EXPECT_EQ(info.package_manager, "apk");
  EXPECT_EQ(info.os_id, "alpine");
}

TEST_F(PackageInstallTest, AMissingTreeIsAnError) {
  TreeInfo info;
  std::string err;
  EXPECT_FALSE(inspect_tree(root_ + "/missing", &info, &err));
  EXPECT_EQ(err, "cannot open the imported tree " + root_ + "/missing: No such file or directory");
}

TEST_F(PackageInstallTest, NamesPackagesAsEachFamilyDoes) {
  TreeInfo info;
  info.has_systemd = true;
  info.package_manager = "zypper";
  EXPECT_EQ(missing_packages(info), (std::vector<std::string>{"dbus-1"}));
  info.package_manager = "pacman";
  EXPECT_EQ(missing_packages(info), (std::vector<std::string>{"dbus"}));
}

TEST_F(PackageInstallTest, ARhelFamilyTreeAlsoNeedsUtilLinuxAndPam) {
  make_rhel_tree_without_systemd();
  TreeInfo info = inspect();
  EXPECT_EQ(info.package_manager, "dnf");
  EXPECT_FALSE(info.has_login);
  EXPECT_FALSE(info.has_pam);
  EXPECT_EQ(missing_boot_packages(info), (std::vector<std::string>{"systemd", "dbus"}));
  EXPECT_EQ(missing_login_packages(info), (std::vector<std::string>{"util-linux", "pam"}));
  EXPECT_EQ(missing_packages(info),
            (std::vector<std::string>{"systemd", "dbus", "util-linux", "pam"}));

  // With systemd and dbus in place, only what machinectl needs is missing.
  write_executable(in_tree("/usr/lib/systemd/systemd"), "");
  write_executable(in_tree("/usr/bin/dbus-broker"), "");
  EXPECT_EQ(missing_packages(inspect()), (std::vector<std::string>{"util-linux", "pam"}));
}

TEST_F(PackageInstallTest, UtilLinuxCoreIsNotEnoughForLogin) {
  make_rhel_tree_without_systemd();
  // What util-linux-core brings: no login, no PAM service for it.
  write_executable(in_tree("/usr/sbin/agetty"), "");
  write_executable(in_tree("/usr/bin/mount"), "");
  EXPECT_FALSE(inspect().has_login);
  // login without its PAM service, and the service without login.
  write_executable(in_tree("/usr/bin/login"), "");
  EXPECT_FALSE(inspect().has_login);
  std::filesystem::remove(in_tree("/usr/bin/login"));
  write_test_file(in_tree("/etc/pam.d/login"), "auth include system-auth\n");
  EXPECT_FALSE(inspect().has_login);
  // Both, with /bin/login reached through the merged /usr.
  write_executable(in_tree("/usr/bin/login"), "");
  TreeInfo info = inspect();
  EXPECT_TRUE(info.has_login);
  EXPECT_EQ(missing_login_packages(info), (std::vector<std::string>{"pam"}));
}

TEST_F(PackageInstallTest, FindsPamUnixWhereTheRhelFamilyKeepsIt) {
  make_rhel_tree_without_systemd();
  // The library alone is not the pam package.
  write_test_file(in_tree("/usr/lib64/libpam.so.0"), "");
  EXPECT_FALSE(inspect().has_pam);
  // Through the /lib64 -> usr/lib64 link, and not executable.
  write_test_file(in_tree("/usr/lib64/security/pam_unix.so"), "");
  EXPECT_TRUE(inspect().has_pam);
  std::filesystem::remove_all(in_tree("/usr/lib64/security"));
  // 32-bit trees keep modules in lib.
  write_test_file(in_tree("/usr/lib/security/pam_unix.so"), "");
  EXPECT_TRUE(inspect().has_pam);
  // A directory of that name is no module.
  std::filesystem::remove_all(in_tree("/usr/lib/security"));
  std::filesystem::create_directories(in_tree("/usr/lib64/security/pam_unix.so"));
  EXPECT_FALSE(inspect().has_pam);
}

TEST_F(PackageInstallTest, LoginAndPamOnTheHostDoNotCount) {
  for (const char* host_path :
       {"/usr/bin/login", "/etc/pam.d/login", "/usr/lib/x86_64-linux-gnu/security/pam_unix.so"})
    if (entry_kind(host_path) == "missing") GTEST_SKIP() << "no " << host_path << " on this host";
  make_rhel_tree_without_systemd();
  write_executable(in_tree("/usr/bin/login"), "");
  // ".." stops at the tree's root, where this link points at itself.
  make_symlink("../../../../../../../../etc/pam.d", in_tree("/etc/pam.d"));
  make_symlink("/usr/lib/x86_64-linux-gnu/security", in_tree("/usr/lib64/security"));
  TreeInfo info = inspect();
  EXPECT_FALSE(info.has_login);
  EXPECT_FALSE(info.has_pam);
}

TEST_F(PackageInstallTest, YumTreesAreRhelFamilyToo) {
  TreeInfo info;
  info.has_systemd = info.has_dbus = true;
  info.package_manager = "yum";
  EXPECT_EQ(missing_packages(info), (std::vector<std::string>{"util-linux", "pam"}));
  info.has_login = true;
  EXPECT_EQ(missing_packages(info), (std::vector<std::string>{"pam"}));
}

TEST_F(PackageInstallTest, OnlyTheRhelFamilyGetsUtilLinuxAndPam) {
  // Debian and the others carry login and PAM in their base images, under
  // other names; nothing is asked of them.
  for (const char* manager : {"apt-get", "zypper", "pacman", "apk", ""}) {
    TreeInfo info;
    info.has_systemd = info.has_dbus = true;
    info.package_manager = manager;
    EXPECT_TRUE(missing_login_packages(info).empty()) << manager;
    EXPECT_TRUE(missing_packages(info).empty()) << manager;
  }
}

TEST_F(PackageInstallTest, ANixosTreeHasSystemdThroughItsInit) {
  make_nixos_tree();
  TreeInfo info = inspect();
  EXPECT_TRUE(info.is_nixos);
  EXPECT_EQ(info.os_id, "nixos");
  EXPECT_TRUE(info.has_systemd);
  EXPECT_FALSE(info.has_dbus);  // not where other trees keep it, and not needed
  EXPECT_EQ(info.package_manager, "");
  EXPECT_TRUE(missing_packages(info).empty());
}

TEST_F(PackageInstallTest, ANixosTreeWithoutOsReleaseIsKnownByItsProfile) {
  // Straight from a Nix build, before a first boot has written /etc.
  make_nixos_tree();
  std::filesystem::remove(in_tree("/etc/os-release"));
  TreeInfo info = inspect();
  EXPECT_TRUE(info.is_nixos);
  EXPECT_EQ(info.os_id, "");
  EXPECT_TRUE(info.has_systemd);
  EXPECT_TRUE(missing_packages(info).empty());
}

TEST_F(PackageInstallTest, ANixosTreeWithoutSbinInitCannotBoot) {
  make_nixos_tree();
  std::filesystem::remove(in_tree("/sbin/init"));
  TreeInfo info = inspect();
  EXPECT_TRUE(info.is_nixos);
  EXPECT_FALSE(info.has_systemd);
  EXPECT_EQ(missing_packages(info), (std::vector<std::string>{"systemd"}));
  ScopedEnvironment nspawn("SDME_NSPAWN", root_ + "/no-such-nspawn");
  std::string err;
  EXPECT_FALSE(install_packages(root_, info, missing_packages(info), &err));
  EXPECT_EQ(err,
            "cannot install systemd in the imported NixOS tree: NixOS brings its own systemd, "
            "which systemd-nspawn --boot starts through /sbin/init, and this tree has none; "
            "make /sbin/init a link to /nix/var/nix/profiles/system/init in the image, or set "
            "ImportInstallPackages=no");
}

TEST_F(PackageInstallTest, ANixosInitMustBeInTheTree) {
  // The host's /sbin/init is no init of the tree's.
  ASSERT_NE(entry_kind("/sbin/init"), "missing") << "this test's premise";
  write_test_file(in_tree("/etc/os-release"), "ID=nixos\n");
  make_symlink("/host/init", in_tree("/sbin/init"));
  TreeInfo info = inspect();
  EXPECT_TRUE(info.is_nixos);
  EXPECT_FALSE(info.has_systemd);
  std::filesystem::remove(in_tree("/sbin/init"));
  make_symlink("../../../../../../../../../../sbin/init", in_tree("/sbin/init"));
  EXPECT_FALSE(inspect().has_systemd);
}

TEST_F(PackageInstallTest, AnInitAloneIsNoNixos) {
  // A Debian tree with some other init (busybox, say) still lacks systemd.
  make_debian_tree_without_systemd();
  write_executable(in_tree("/usr/bin/busybox"), "");
  make_symlink("/usr/bin/busybox", in_tree("/sbin/init"));
  TreeInfo info = inspect();
  EXPECT_FALSE(info.is_nixos);
  EXPECT_FALSE(info.has_systemd);
  EXPECT_EQ(missing_packages(info), (std::vector<std::string>{"systemd", "dbus"}));
}

TEST_F(PackageInstallTest, AptGetScript) {
  EXPECT_EQ(install_script("apt-get", {"systemd", "dbus"}),
            "set -e\n"
            "export DEBIAN_FRONTEND=noninteractive\n"
            "apt-get update\n"
            "apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold "
            "'systemd' 'dbus'\n"
            "apt-get clean\n");
}

TEST_F(PackageInstallTest, ScriptsForEveryFamily) {
  EXPECT_EQ(install_script("dnf", {"systemd"}),
            "set -e\ndnf install -y --setopt=install_weak_deps=False 'systemd'\ndnf clean all\n");
  EXPECT_EQ(install_script("yum", {"systemd"}),
            "set -e\nyum install -y 'systemd'\nyum clean all\n");
  EXPECT_EQ(install_script("zypper", {"dbus-1"}),
            "set -e\nzypper --non-interactive install --no-recommends 'dbus-1'\nzypper clean "
            "--all\n");
  EXPECT_EQ(install_script("pacman", {"systemd"}),
            "set -e\npacman -Sy --noconfirm --needed 'systemd'\n");
  EXPECT_EQ(install_script("apk", {"dbus"}), "set -e\napk add --no-cache 'dbus'\n");
  EXPECT_EQ(install_script("emerge", {"systemd"}), "");
  // A name is one word to the shell, whatever it holds.
  EXPECT_EQ(install_script("apk", {"a'b; rm -rf /"}),
            "set -e\napk add --no-cache 'a'\\''b; rm -rf /'\n");
}

TEST_F(PackageInstallTest, NspawnCommandLine) {
  std::vector<std::string> expected = {"/x/nspawn",      "--quiet",
                                       "--register=no",  "--pipe",
                                       "--as-pid2",      "--resolv-conf=bind-host",
                                       "--timezone=off", "--link-journal=no",
                                       "--settings=no",  "--directory=/r/t",
                                       "--machine=m-1",  "--",
                                       "/bin/sh",        "-c",
                                       "set -e\n"};
  EXPECT_EQ(install_command("/x/nspawn", "/r/t", "m-1", "set -e\n", false), expected);
  expected.insert(expected.begin() + 3, "--keep-unit");
  EXPECT_EQ(install_command("/x/nspawn", "/r/t", "m-1", "set -e\n", true), expected);
}

TEST_F(PackageInstallTest, EachInstallHasItsOwnMachineName) {
  std::string first = install_machine_name();
  std::string second = install_machine_name();
  EXPECT_NE(first, second);
  EXPECT_THAT(first, ::testing::MatchesRegex("sdme-import-[0-9]+-[0-9]+"));
}

TEST_F(PackageInstallTest, KeepsTheUnitInsideAService) {
  ScopedEnvironment invocation("INVOCATION_ID", "0123456789abcdef0123456789abcdef");
  EXPECT_TRUE(should_keep_unit());
}

TEST_F(PackageInstallTest, InstallsAndPutsTheTreeBackInOrder) {
  make_debian_tree_without_systemd();
  make_symlink("../run/systemd/resolve/stub-resolv.conf", in_tree("/etc/resolv.conf"));
  // What the real nspawn and apt-get would do: a mount point for
  // resolv.conf, systemd, a machine ID from the postinst.
  std::string fake = write_fake_nspawn(
      "if [ -L \"$root/etc/resolv.conf\" ]; then echo symlink > \"$record/resolv\"; fi\n"
      ": > \"$root/etc/resolv.conf\"\n"
      "mkdir -p \"$root/usr/lib/systemd\" \"$root/var/lib/dbus\"\n"
      "touch \"$root/usr/lib/systemd/systemd\"; chmod 755 \"$root/usr/lib/systemd/systemd\"\n"
      "echo 0123 > \"$root/etc/machine-id\"; echo 0123 > \"$root/var/lib/dbus/machine-id\"\n"
      "echo Setting up systemd\n");
  ScopedEnvironment nspawn("SDME_NSPAWN", fake);
  TreeInfo info = inspect();
  std::string err;
  ASSERT_TRUE(install_packages(root_, info, {"systemd", "dbus"}, &err)) << err;

  std::vector<std::string> arguments = recorded_arguments();
  std::string machine;
  for (const std::string& argument : arguments)
    if (argument.starts_with("--machine=")) machine = argument.substr(10);
  EXPECT_THAT(machine, ::testing::StartsWith("sdme-import-"));
  EXPECT_EQ(arguments,
            install_command(fake, root_, machine, install_script("apt-get", {"systemd", "dbus"}),
                            should_keep_unit()));
  EXPECT_EQ(read_test_file(scratch_->path() + "/stdin"), "");
  EXPECT_EQ(entry_kind(scratch_->path() + "/resolv"), "missing") << "nspawn saw the symlink";
  EXPECT_EQ(link_target(in_tree("/etc/resolv.conf")), "../run/systemd/resolve/stub-resolv.conf");
  EXPECT_EQ(entry_kind(in_tree("/etc/.sdme-import-resolv.conf")), "missing");
  EXPECT_EQ(entry_kind(in_tree("/etc/machine-id")), "missing");
  EXPECT_EQ(entry_kind(in_tree("/var/lib/dbus/machine-id")), "missing");
  EXPECT_TRUE(inspect().has_systemd);
}

TEST_F(PackageInstallTest, InstallsUtilLinuxAndPamWithDnf) {
  make_rhel_tree_without_systemd();
  write_executable(in_tree("/usr/lib/systemd/systemd"), "");
  write_executable(in_tree("/usr/bin/dbus-broker"), "");
  std::string fake = write_fake_nspawn(
      "mkdir -p \"$root/usr/lib64/security\" \"$root/etc/pam.d\"\n"
      ": > \"$root/usr/lib64/security/pam_unix.so\"\n"
      ": > \"$root/etc/pam.d/login\"\n"
      ": > \"$root/usr/bin/login\"; chmod 755 \"$root/usr/bin/login\"\n");
  ScopedEnvironment nspawn("SDME_NSPAWN", fake);
  TreeInfo info = inspect();
  std::string err;
  ASSERT_TRUE(install_packages(root_, info, missing_packages(info), &err)) << err;
  std::vector<std::string> arguments = recorded_arguments();
  ASSERT_FALSE(arguments.empty());
  EXPECT_EQ(arguments.back(),
            "set -e\ndnf install -y --setopt=install_weak_deps=False 'util-linux' 'pam'\n"
            "dnf clean all\n");
  EXPECT_TRUE(missing_packages(inspect()).empty());
}

TEST_F(PackageInstallTest, RemovesTheResolvConfMountPointItCausedAndKeepsTheImages) {
  make_debian_tree_without_systemd();
  write_test_file(in_tree("/etc/machine-id"), "");
  ScopedEnvironment nspawn("SDME_NSPAWN",
                           write_fake_nspawn(": > \"$root/etc/resolv.conf\"\n"
                                             "mkdir -p \"$root/usr/lib/systemd\"\n"
                                             "touch \"$root/usr/lib/systemd/systemd\"\n"
                                             "chmod 755 \"$root/usr/lib/systemd/systemd\"\n"
                                             "echo 0123 > \"$root/etc/machine-id\"\n"));
  std::string err;
  ASSERT_TRUE(install_packages(root_, inspect(), {"systemd"}, &err)) << err;
  EXPECT_EQ(entry_kind(in_tree("/etc/resolv.conf")), "missing");
  // The image had a machine-id: it is the image's to keep.
  EXPECT_EQ(read_test_file(in_tree("/etc/machine-id")), "0123\n");

  write_test_file(in_tree("/etc/resolv.conf"), "nameserver 192.0.2.1\n");
  ASSERT_TRUE(install_packages(root_, inspect(), {"dbus"}, &err)) << err;
  EXPECT_EQ(read_test_file(in_tree("/etc/resolv.conf")), "");
}

TEST_F(PackageInstallTest, ReportsAFailedInstallWithItsStatusAndOutput) {
  EXPECT_EQ(install_error("echo 'Reading package lists...'\n"
                          "echo 'E: Unable to locate package systemd' >&2\n"
                          "exit 100\n"),
            std::string("installing systemd dbus in the imported tree with apt-get failed (exit "
                        "status 100): Reading package lists...; E: Unable to locate package "
                        "systemd") +
                kAdvice);
}

TEST_F(PackageInstallTest, ReportsAFailureWithoutOutput) {
  EXPECT_EQ(install_error("exit 1\n"),
            std::string("installing systemd dbus in the imported tree with apt-get failed (exit "
                        "status 1)") +
                kAdvice);
}

TEST_F(PackageInstallTest, ReportsAKilledInstall) {
  EXPECT_EQ(install_error("echo dying\nkill -KILL $$\n"),
            std::string("installing systemd dbus in the imported tree with apt-get failed (killed "
                        "by signal SIGKILL): dying") +
                kAdvice);
}

TEST_F(PackageInstallTest, KeepsOnlyTheLastLinesOfALongOutput) {
  std::string err = install_error(
      "i=0; while [ $i -lt 3000 ]; do echo \"Get:$i some package\"; i=$((i+1)); done\n"
      "echo 'E: Sub-process /usr/bin/dpkg returned an error code (1)'\n"
      "exit 100\n");
  EXPECT_THAT(err, HasSubstr("(exit status 100): ...Get:2991 some package; "));
  EXPECT_THAT(err, HasSubstr("E: Sub-process /usr/bin/dpkg returned an error code (1)" +
                             std::string(kAdvice)));
  EXPECT_LT(err.size(), 1000u);
}

TEST_F(PackageInstallTest, SuccessThatInstalledNothingIsAFailure) {
  EXPECT_EQ(install_error("echo done\n"),
            std::string("installing systemd dbus in the imported tree with apt-get reported "
                        "success, but the tree still has no /usr/lib/systemd/systemd") +
                kAdvice);
}

TEST_F(PackageInstallTest, ATreeWithoutAPackageManager) {
  write_test_file(in_tree("/etc/os-release"), "ID=scratch\n");
  std::string err;
  EXPECT_FALSE(install_packages(root_, inspect(), {"systemd", "dbus"}, &err));
  EXPECT_EQ(err, std::string("cannot install systemd dbus in the imported tree (ID=scratch): it "
                             "has no package manager (looked for apt-get, dnf, yum, zypper, "
                             "pacman and apk)") +
                     kAdvice);
}

TEST_F(PackageInstallTest, ATreeWithoutAShell) {
  write_executable(in_tree("/usr/bin/apt-get"), "");
  std::string err;
  EXPECT_FALSE(install_packages(root_, inspect(), {"systemd"}, &err));
  EXPECT_EQ(err, std::string("cannot install systemd in the imported tree: it has no /bin/sh to "
                             "run apt-get with") +
                     kAdvice);
}

TEST_F(PackageInstallTest, AMissingNspawn) {
  make_debian_tree_without_systemd();
  ScopedEnvironment nspawn("SDME_NSPAWN", root_ + "/no-such-nspawn");
  std::string err;
  EXPECT_FALSE(install_packages(root_, inspect(), {"systemd"}, &err));
  EXPECT_EQ(err, "installing systemd in the imported tree with apt-get failed: cannot run " +
                     root_ + "/no-such-nspawn: No such file or directory" + kAdvice);
}

TEST_F(PackageInstallTest, NothingToInstallRunsNothing) {
  ScopedEnvironment nspawn("SDME_NSPAWN", root_ + "/no-such-nspawn");
  std::string err;
  EXPECT_TRUE(install_packages(root_, TreeInfo{}, {}, &err)) << err;
}

// The real systemd-nspawn on a tree of dash, cat and chmod, whose
// "apt-get" is a script: proves the command line works with systemd 252,
// the install runs inside the tree (not on the host), sees a resolv.conf,
// and its failure comes back with its status.
class RealNspawnTest : public PackageInstallTest {
 protected:
  void SetUp() override {
    PackageInstallTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_NE(entry_kind("/usr/bin/systemd-nspawn"), "missing")
        << "systemd-container is a build dependency";
    make_symlink("usr/bin", in_tree("/bin"));
    make_symlink("usr/lib", in_tree("/lib"));
    make_symlink("usr/lib64", in_tree("/lib64"));
    for (const char* program : {"dash", "cat", "chmod"}) {
      std::filesystem::create_directories(in_tree("/usr/bin"));
      std::filesystem::copy_file(std::string("/usr/bin/") + program,
                                 in_tree("/usr/bin/") + program);
    }
    std::filesystem::rename(in_tree("/usr/bin/dash"), in_tree("/usr/bin/sh"));
    // The libraries dash, cat and chmod need, as ldd names them here.
    for (const char* library : {"/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"}) {
      if (entry_kind(library) == "missing") GTEST_SKIP() << "not an x86-64 Debian host";
      std::string target = in_tree(std::string("/usr") + library);
      std::filesystem::create_directories(std::filesystem::path(target).parent_path());
      std::filesystem::copy_file(library, target);
    }
    std::filesystem::create_directories(in_tree("/usr/lib/systemd"));
    write_test_file(in_tree("/etc/os-release"), "ID=debian\n");
    nspawn_.emplace("SDME_NSPAWN", "/usr/bin/systemd-nspawn");
  }
  void TearDown() override {
    nspawn_.reset();
    PackageInstallTest::TearDown();
  }
  std::optional<ScopedEnvironment> nspawn_;
};

TEST_F(RealNspawnTest, InstallsInsideTheTree) {
  write_executable(in_tree("/usr/bin/apt-get"),
                   "#!/bin/sh\n"
                   "case \"$1\" in update|clean) exit 0;; esac\n"
                   "cat /etc/resolv.conf > /dev/null || exit 7\n"
                   ": > /usr/lib/systemd/systemd\n"
                   "chmod 755 /usr/lib/systemd/systemd\n"
                   "echo \"$*\" > /installed-by-apt-get\n");
  std::string err;
  ASSERT_TRUE(install_packages(root_, inspect(), {"systemd", "dbus"}, &err)) << err;
  EXPECT_EQ(read_test_file(in_tree("/installed-by-apt-get")),
            "install -y --no-install-recommends -o Dpkg::Options::=--force-confold systemd dbus\n");
  EXPECT_EQ(entry_kind("/installed-by-apt-get"), "missing");
  EXPECT_EQ(entry_kind(in_tree("/etc/resolv.conf")), "missing");
  EXPECT_TRUE(inspect().has_systemd);
}

TEST_F(RealNspawnTest, ReportsTheFailureOfTheInstall) {
  write_executable(in_tree("/usr/bin/apt-get"),
                   "#!/bin/sh\n"
                   "case \"$1\" in update) echo 'Hit:1 local'; exit 0;; esac\n"
                   "echo 'E: Unable to locate package systemd' >&2\n"
                   "exit 100\n");
  std::string err;
  EXPECT_FALSE(install_packages(root_, inspect(), {"systemd", "dbus"}, &err));
  EXPECT_THAT(err, HasSubstr("installing systemd dbus in the imported tree with apt-get failed "
                             "(exit status 100): Hit:1 local; "));
  EXPECT_THAT(err, HasSubstr("E: Unable to locate package systemd"));
  EXPECT_THAT(err, ::testing::EndsWith(kAdvice));
}

}  // namespace
}  // namespace sdme::import
