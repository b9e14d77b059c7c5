// sdme-provision end to end on a real overlay (needs root): the program
// itself runs against a container mounted by sdme-overlay's library, and
// the upper layer is compared before and after a second run, byte for
// byte and time stamp for time stamp.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "helpers/overlay/overlay_mount.h"
#include "helpers/provision/machine_id.h"
#include "helpers/provision/markers.h"
#include "tests/support/container_overlay_fixture.h"
#include "tests/support/test_support.h"

namespace sdme::provision {
namespace {

using ::sdme::test_support::ContainerOverlayFixture;
using ::sdme::test_support::entry_kind;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScopedEnvironment;
using ::sdme::test_support::tree_snapshot;
using ::sdme::test_support::write_test_file;

constexpr char kLowerId[] = "0123456789abcdef0123456789abcdef\n";
constexpr char kKey[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA alice@example";

class ProvisionOverlayTest : public ContainerOverlayFixture {
 protected:
  void SetUp() override {
    ContainerOverlayFixture::SetUp();
    if (IsSkipped()) return;
    ::unsetenv("CREDENTIALS_DIRECTORY");
    // A Debian-like tree with openssh-server installed and its keys made
    // when the image was built: every container from it would share them.
    write_test_file(lower_ + "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
    write_test_file(lower_ + "/etc/shadow", "root:*:19000:0:99999:7:::\n");
    ::chmod((lower_ + "/etc/shadow").c_str(), 0640);
    write_test_file(lower_ + "/etc/machine-id", kLowerId);
    write_test_file(lower_ + "/usr/lib/systemd/system/ssh.service", "[Service]\n");
    write_test_file(lower_ + "/usr/sbin/sshd", "");
    write_test_file(lower_ + "/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n");
    write_test_file(lower_ + "/etc/ssh/ssh_host_ed25519_key", "the image's private key\n");
    write_test_file(lower_ + "/etc/ssh/ssh_host_ed25519_key.pub", "the image's public key\n");
    ::chmod(lower_.c_str(), 0755);
    password_file_ = scratch_->path() + "/root.password";
    write_test_file(password_file_, "hunter2\n");
    ::chmod(password_file_.c_str(), 0600);
    mount_container();
  }

  int run(const std::vector<std::string>& arguments) {
    return run_on_container(SDME_PROVISION_PATH, arguments);
  }
  std::vector<std::string> all_options() const {
    return {"--root-password-file=" + password_file_, std::string("--authorized-keys=") + kKey,
            "--ssh", "--ssh-port=2222"};
  }

  std::string password_file_;
};

TEST_F(ProvisionOverlayTest, HidesTheLowerLayersHostKeysWithWhiteouts) {
  ASSERT_EQ(run(all_options()), 0);
  EXPECT_EQ(entry_kind(merged("/etc/ssh/ssh_host_ed25519_key")), "missing");
  EXPECT_EQ(entry_kind(merged("/etc/ssh/ssh_host_ed25519_key.pub")), "missing");
  // The lower layer keeps them; the upper layer records their removal.
  EXPECT_EQ(read_test_file(lower_ + "/etc/ssh/ssh_host_ed25519_key"), "the image's private key\n");
  struct stat whiteout;
  ASSERT_EQ(::lstat(upper("/etc/ssh/ssh_host_ed25519_key").c_str(), &whiteout), 0);
  EXPECT_TRUE(S_ISCHR(whiteout.st_mode) && whiteout.st_rdev == makedev(0, 0));

  // Keys the container made itself, at its first boot, stay.
  write_test_file(merged("/etc/ssh/ssh_host_ed25519_key"), "the container's own key\n");
  ASSERT_EQ(run(all_options()), 0);
  EXPECT_EQ(read_test_file(merged("/etc/ssh/ssh_host_ed25519_key")), "the container's own key\n");
}

TEST_F(ProvisionOverlayTest, WritesEverythingIntoTheUpperLayer) {
  ASSERT_EQ(run(all_options()), 0);
  std::string id = read_test_file(upper("/etc/machine-id"));
  EXPECT_TRUE(is_valid_machine_id(id));
  EXPECT_NE(id, kLowerId);
  EXPECT_EQ(read_test_file(lower_ + "/etc/machine-id"), kLowerId);
  EXPECT_EQ(read_test_file(upper("/etc/shadow")).substr(0, 8), "root:$y$");
  EXPECT_EQ(read_test_file(lower_ + "/etc/shadow"), "root:*:19000:0:99999:7:::\n");
  EXPECT_EQ(test_support::permission_bits(upper("/etc/shadow")), 0640u);
  EXPECT_EQ(read_test_file(upper("/root/.ssh/authorized_keys")),
            std::string(kAuthorizedKeysMarker) + "\n" + kKey + "\n");
  EXPECT_EQ(entry_kind(upper("/etc/ssh/sshd_config.d/00-sdme.conf")), "file");
  EXPECT_EQ(
      test_support::link_target(upper("/etc/systemd/system/multi-user.target.wants/ssh.service")),
      "/usr/lib/systemd/system/ssh.service");
}

TEST_F(ProvisionOverlayTest, SecondRunLeavesTheUpperLayerByteIdentical) {
  ASSERT_EQ(run(all_options()), 0);
  std::string first = tree_snapshot(upper(""));
  ASSERT_EQ(run(all_options()), 0);
  EXPECT_EQ(tree_snapshot(upper("")), first);
}

TEST_F(ProvisionOverlayTest, RunWithoutOptionsTakesBackKeysAndSsh) {
  ASSERT_EQ(run(all_options()), 0);
  std::string shadow = read_test_file(merged("/etc/shadow"));
  ASSERT_EQ(run({}), 0);
  EXPECT_EQ(entry_kind(merged("/root/.ssh/authorized_keys")), "missing");
  EXPECT_EQ(entry_kind(merged("/etc/ssh/sshd_config.d/00-sdme.conf")), "missing");
  EXPECT_EQ(entry_kind(merged("/etc/systemd/system/sdme-ssh-host-keys.service")), "missing");
  EXPECT_EQ(entry_kind(merged("/etc/systemd/system/ssh.service.d/50-sdme.conf")), "missing");
  EXPECT_EQ(entry_kind(merged("/etc/systemd/system/multi-user.target.wants/ssh.service")),
            "missing");
  // The password and the machine ID stay: no option takes them back.
  EXPECT_EQ(read_test_file(merged("/etc/shadow")), shadow);
  std::string off = tree_snapshot(upper(""));
  ASSERT_EQ(run({}), 0);
  EXPECT_EQ(tree_snapshot(upper("")), off);
}

TEST_F(ProvisionOverlayTest, BadInputChangesNothing) {
  std::string before = tree_snapshot(upper(""));
  ::chmod(password_file_.c_str(), 0644);
  EXPECT_EQ(run(all_options()), 1);
  EXPECT_EQ(tree_snapshot(upper("")), before);
  EXPECT_EQ(run({"--authorized-keys=/nonexistent/keys"}), 1);
  EXPECT_EQ(tree_snapshot(upper("")), before);
  EXPECT_EQ(run({"--bogus"}), 2);
  EXPECT_EQ(run({"--help"}), 0);
  EXPECT_EQ(tree_snapshot(upper("")), before);
}

// Every regular file below `root` that holds `text`.
std::vector<std::string> files_holding(const std::string& root, const std::string& text) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
    if (entry.is_regular_file() && read_test_file(entry.path()).find(text) != std::string::npos)
      found.push_back(entry.path());
  return found;
}

TEST_F(ProvisionOverlayTest, PasswordFromACredentialOnlyEverLandsAsItsHash) {
  std::string credentials = scratch_->path() + "/credentials";
  write_test_file(credentials + "/passwd.plaintext-password.root", "s3cret-plaintext\n");
  ScopedEnvironment credentials_environment("CREDENTIALS_DIRECTORY", credentials);
  ASSERT_EQ(run({}), 0);
  std::string shadow = read_test_file(upper("/etc/shadow"));
  EXPECT_EQ(shadow.substr(0, 8), "root:$y$") << shadow;
  EXPECT_EQ(files_holding(upper(""), "s3cret-plaintext"), std::vector<std::string>{});
  // The same password again keeps the hash: nothing changes.
  std::string first = tree_snapshot(upper(""));
  ASSERT_EQ(run({}), 0);
  EXPECT_EQ(tree_snapshot(upper("")), first);
  // Together with a password file it is refused, and nothing changes.
  EXPECT_EQ(run({"--root-password-file=" + password_file_}), 1);
  EXPECT_EQ(tree_snapshot(upper("")), first);
}

}  // namespace
}  // namespace sdme::provision
