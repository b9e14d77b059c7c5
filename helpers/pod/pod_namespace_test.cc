// Tests for the pod's network namespace: made for real in a scratch
// directory (root), looked at from inside through setns() in a thread.
#include "helpers/pod/pod_namespace.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/file_descriptor.h"
#include "tests/support/test_support.h"

namespace sdme::pod {
namespace {

using ::sdme::test_support::ScratchDirectory;

TEST(PodPathsTest, UnderThePodsDirectory) {
  EXPECT_EQ(pod_directory("/run/sdme/pods", "duo"), "/run/sdme/pods/duo");
  EXPECT_EQ(pod_namespace_file("/run/sdme/pods", "duo"), "/run/sdme/pods/duo/netns");
}

TEST(PodPathsTest, APlainFileIsNoNamespaceMount) {
  EXPECT_FALSE(is_namespace_mount("/proc/self/status"));
  EXPECT_FALSE(is_namespace_mount("/nonexistent/netns"));
}

// What a thread that joined the namespace sees.
struct NamespaceView {
  bool joined = false;
  bool loopback_up = false;
  std::vector<std::string> interfaces;
};

NamespaceView look_inside(const std::string& namespace_file) {
  NamespaceView view;
  std::thread inside([&] {
    FileDescriptor ns(::open(namespace_file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns.valid() || ::setns(ns.get(), CLONE_NEWNET) != 0) return;
    view.joined = true;
    FileDescriptor socket_fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    struct ifreq request {};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    if (socket_fd.valid() && ::ioctl(socket_fd.get(), SIOCGIFFLAGS, &request) == 0)
      view.loopback_up = (request.ifr_flags & IFF_UP) != 0;
    if (struct if_nameindex* names = ::if_nameindex()) {
      for (struct if_nameindex* name = names; name->if_index != 0; ++name)
        view.interfaces.push_back(name->if_name);
      ::if_freenameindex(names);
    }
  });
  inside.join();
  return view;
}

ino_t inode_of(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0 ? status.st_ino : 0;
}

class PodNamespaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "making network namespaces needs root";
    scratch_.emplace();
    pods_ = scratch_->path() + "/run/sdme/pods";
  }
  void TearDown() override {
    if (scratch_) {
      std::string err;
      remove_pod(pods_, "duo", &err);
    }
  }

  std::optional<ScratchDirectory> scratch_;
  std::string pods_;
};

TEST_F(PodNamespaceTest, CreateMakesANamespaceWithOnlyLoopbackUp) {
  std::string err;
  ASSERT_TRUE(create_pod(pods_, "duo", &err)) << err;
  const std::string file = pods_ + "/duo/netns";
  EXPECT_TRUE(is_namespace_mount(file));
  // Not this process's own network namespace.
  EXPECT_NE(inode_of(file), inode_of("/proc/self/ns/net"));
  NamespaceView view = look_inside(file);
  ASSERT_TRUE(view.joined);
  EXPECT_TRUE(view.loopback_up);
  EXPECT_EQ(view.interfaces, std::vector<std::string>{"lo"});
}

TEST_F(PodNamespaceTest, CreateTwiceKeepsTheNamespace) {
  std::string err;
  ASSERT_TRUE(create_pod(pods_, "duo", &err)) << err;
  const std::string file = pods_ + "/duo/netns";
  ino_t first = inode_of(file);
  ASSERT_TRUE(create_pod(pods_, "duo", &err)) << err;
  EXPECT_EQ(inode_of(file), first);
  // One mount, not two stacked ones.
  EXPECT_EQ(test_support::mount_points_under(file).size(), 1u);
}

TEST_F(PodNamespaceTest, RemoveLeavesNothingAndSucceedsAgain) {
  std::string err;
  ASSERT_TRUE(create_pod(pods_, "duo", &err)) << err;
  ASSERT_TRUE(remove_pod(pods_, "duo", &err)) << err;
  EXPECT_FALSE(std::filesystem::exists(pods_ + "/duo"));
  EXPECT_TRUE(test_support::mount_points_under(pods_).empty());
  EXPECT_TRUE(remove_pod(pods_, "duo", &err)) << err;
  EXPECT_TRUE(remove_pod(pods_, "never-made", &err)) << err;
}

TEST_F(PodNamespaceTest, FailureLeavesNothingBehind) {
  // The pods directory is a file: nothing can be made beneath it.
  std::filesystem::create_directories(scratch_->path() + "/run/sdme");
  test_support::write_test_file(pods_, "");
  std::string err;
  EXPECT_FALSE(create_pod(pods_, "duo", &err));
  EXPECT_EQ(err.find("cannot create " + pods_), 0u) << err;
  EXPECT_TRUE(std::filesystem::is_regular_file(pods_));
}

}  // namespace
}  // namespace sdme::pod
