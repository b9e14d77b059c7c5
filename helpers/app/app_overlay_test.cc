// sdme-app end to end on a real overlay (needs root): the program itself
// runs against a container mounted by sdme-overlay's library, as the unit
// runs it; a second run changes nothing in the upper layer, byte for byte
// and time stamp for time stamp; a run without an image takes the unit
// back; a bad image leaves the upper layer as it was.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/paths.h"
#include "helpers/app/app_setup.h"
#include "helpers/app/app_unit.h"
#include "helpers/overlay/overlay_mount.h"
#include "tests/support/test_support.h"

namespace sdme::app {
namespace {

using ::sdme::test_support::entry_kind;
using ::sdme::test_support::link_target;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScopedEnvironment;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

constexpr char kContainerPasswd[] = "root:x:0:0:root:/root:/bin/bash\n";
constexpr char kContainerGroup[] = "root:x:0:\n";

// Every entry below `root`: path, mode, owner, mtime and content.
std::string snapshot(const std::string& root) {
  std::vector<std::string> lines;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    std::string path = entry.path().string();
    struct stat status;
    if (::lstat(path.c_str(), &status) != 0) continue;
    std::ostringstream line;
    line << entry.path().lexically_relative(root).string() << " mode=" << std::oct << status.st_mode
         << std::dec << " uid=" << status.st_uid << " gid=" << status.st_gid
         << " mtime=" << status.st_mtim.tv_sec << "." << status.st_mtim.tv_nsec;
    if (S_ISREG(status.st_mode)) line << " content=" << read_test_file(path);
    if (S_ISLNK(status.st_mode)) line << " target=" << std::filesystem::read_symlink(path).string();
    lines.push_back(line.str());
  }
  std::sort(lines.begin(), lines.end());
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

class AppOverlayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting overlayfs needs root";
    scratch_.emplace();
    lower_ = scratch_->path() + "/lower";
    state_ = scratch_->path() + "/state";
    state_environment_.emplace("SDME_STATE_DIR", state_);
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

    overlay::OverlayMountResult result;
    OverlayMountRequest request;
    request.container_name = "web";
    request.lower = lower_;
    std::string err;
    ASSERT_TRUE(overlay::mount_overlay(request, &result, &err)) << err;
  }
  void TearDown() override {
    state_environment_.reset();
    scratch_.reset();  // unmounts
  }

  // Runs the program as the unit would; its exit status.
  int run(const std::vector<std::string>& arguments) {
    std::vector<std::string> argv_strings = {SDME_APP_PATH, "web"};
    argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& argument : argv_strings) argv.push_back(argument.data());
    argv.push_back(nullptr);
    pid_t child = ::fork();
    if (child == 0) {
      ::setenv("SDME_LOG_TARGET", "stderr", 1);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string merged(std::string_view path) const {
    return state_ + "/containers/web/merged" + std::string(path);
  }
  std::string upper(std::string_view path) const {
    return state_ + "/containers/web/upper" + std::string(path);
  }

  std::optional<ScratchDirectory> scratch_;
  std::optional<ScopedEnvironment> state_environment_;
  std::string lower_;
  std::string state_;
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

  const std::string before = snapshot(upper(""));
  ASSERT_EQ(run({"--image=nginx"}), 0);
  EXPECT_EQ(snapshot(upper("")), before);
}

TEST_F(AppOverlayTest, WithoutAnImageTakesTheUnitBack) {
  ASSERT_EQ(run({"--image=nginx"}), 0);
  ASSERT_EQ(run({}), 0);
  EXPECT_EQ(entry_kind(merged(kAppUnitPath)), "missing");
  EXPECT_EQ(entry_kind(merged(kAppUnitLinkPath)), "missing");
  // The user stays: files the app made belong to it.
  EXPECT_NE(read_test_file(merged("/etc/passwd")).find("sdme-app-101:"), std::string::npos);
}

TEST_F(AppOverlayTest, ABadImageLeavesTheUpperLayerAsItWas) {
  const std::string before = snapshot(upper(""));
  EXPECT_EQ(run({"--image=redis"}), 1);
  EXPECT_EQ(snapshot(upper("")), before);
}

}  // namespace
}  // namespace sdme::app
