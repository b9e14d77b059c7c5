// Tests for opening and creating paths beneath a directory without
// following links. Every open_beneath() and make_directories_beneath() test
// runs twice: with openat2, and with the walk forced as on a kernel (or
// under a seccomp filter) without it. Both must give the same answers.
#include "common/open_beneath.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace sdme {
namespace {

namespace fs = std::filesystem;
using ::sdme::test_support::directory_entries;
using ::sdme::test_support::entry_kind;
using ::sdme::test_support::permission_bits;
using ::sdme::test_support::read_test_file;
using ::sdme::test_support::ScopedUmask;
using ::sdme::test_support::ScratchDirectory;
using ::sdme::test_support::write_test_file;

enum class Resolution { kOpenat2, kWalk };

std::string resolution_name(const ::testing::TestParamInfo<Resolution>& info) {
  return info.param == Resolution::kOpenat2 ? "Openat2" : "Walk";
}

class OpenBeneathTest : public ::testing::TestWithParam<Resolution> {
 protected:
  void SetUp() override {
    force_open_beneath_walk_for_testing(GetParam() == Resolution::kWalk);
    tree_ = scratch_.path() + "/tree";
    outside_ = scratch_.path() + "/outside";
    fs::create_directories(tree_);
    fs::create_directories(outside_ + "/etc");
    write_test_file(outside_ + "/etc/secret", "host\n");
    root_.reset(::open(tree_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(root_.valid());
  }
  void TearDown() override { force_open_beneath_walk_for_testing(false); }

  // The failure of opening RELATIVE, which must fail.
  BeneathFailure failure_of(std::string_view relative, int flags = O_RDONLY) {
    FileDescriptor file;
    BeneathFailure failure;
    EXPECT_FALSE(open_beneath(root_.get(), relative, flags, &file, &failure)) << relative;
    EXPECT_FALSE(file.valid());
    return failure;
  }
  std::string content_of(std::string_view relative) {
    FileDescriptor file;
    BeneathFailure failure;
    if (!open_beneath(root_.get(), relative, O_RDONLY, &file, &failure))
      return "error " + std::to_string(failure.error) + " at '" + failure.component + "'";
    char buffer[256];
    ssize_t size = ::read(file.get(), buffer, sizeof buffer);
    return std::string(buffer, size > 0 ? static_cast<size_t>(size) : 0);
  }

  ScratchDirectory scratch_;
  std::string tree_, outside_;
  FileDescriptor root_;
};

INSTANTIATE_TEST_SUITE_P(BothResolutions, OpenBeneathTest,
                         ::testing::Values(Resolution::kOpenat2, Resolution::kWalk),
                         resolution_name);

TEST_P(OpenBeneathTest, TakesTheWalkOnlyWhenForcedOrWithoutOpenat2) {
  struct open_how how = {};
  how.flags = O_PATH | O_CLOEXEC;
  long probe = ::syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
  if (probe >= 0) ::close(static_cast<int>(probe));
  EXPECT_EQ(open_beneath_uses_openat2(), GetParam() == Resolution::kOpenat2 && probe >= 0);
}

TEST_P(OpenBeneathTest, OpensFilesAndDirectoriesBelow) {
  write_test_file(tree_ + "/etc/systemd/system/web.service", "[Unit]\n");
  EXPECT_EQ(content_of("etc/systemd/system/web.service"), "[Unit]\n");
  EXPECT_EQ(content_of("./etc//systemd/./system/web.service"), "[Unit]\n");
  FileDescriptor directory;
  BeneathFailure failure;
  ASSERT_TRUE(
      open_beneath(root_.get(), "etc/systemd", O_RDONLY | O_DIRECTORY, &directory, &failure))
      << failure.error;
  struct stat status;
  ASSERT_EQ(::fstatat(directory.get(), "system", &status, 0), 0);
  EXPECT_TRUE(S_ISDIR(status.st_mode));
  // "" and "." are the directory itself.
  for (std::string_view itself : {"", ".", "./"}) {
    ASSERT_TRUE(open_beneath(root_.get(), itself, O_PATH | O_DIRECTORY, &directory, &failure))
        << itself;
    ASSERT_EQ(::fstatat(directory.get(), "etc", &status, 0), 0);
  }
}

TEST_P(OpenBeneathTest, RefusesAnAbsoluteSymlinkOnThePath) {
  fs::create_directory_symlink(outside_ + "/etc", tree_ + "/etc");
  BeneathFailure failure = failure_of("etc/secret");
  EXPECT_EQ(failure.error, ELOOP);
  EXPECT_EQ(failure.component, "etc");
  // Even one that would stay inside the tree.
  fs::remove(tree_ + "/etc");
  fs::create_directories(tree_ + "/usr/etc");
  write_test_file(tree_ + "/usr/etc/secret", "inside\n");
  fs::create_directory_symlink(tree_ + "/usr/etc", tree_ + "/etc");
  EXPECT_EQ(failure_of("etc/secret").component, "etc");
}

TEST_P(OpenBeneathTest, RefusesARelativeSymlinkDeeperDown) {
  fs::create_directories(tree_ + "/a/b");
  fs::create_directory_symlink("../../../outside/etc", tree_ + "/a/b/c");
  BeneathFailure failure = failure_of("a/b/c/secret");
  EXPECT_EQ(failure.error, ELOOP);
  EXPECT_EQ(failure.component, "a/b/c");
  // A harmless relative link inside the tree is refused all the same.
  fs::create_directory_symlink("b", tree_ + "/a/d");
  EXPECT_EQ(failure_of("a/d", O_RDONLY | O_DIRECTORY).component, "a/d");
}

TEST_P(OpenBeneathTest, RefusesASymlinkAsTheLastComponentWhateverTheFlags) {
  fs::create_symlink(outside_ + "/etc/secret", tree_ + "/hostname");
  fs::create_directory_symlink(outside_ + "/etc", tree_ + "/etc");
  for (int flags : {O_RDONLY, O_RDONLY | O_NOFOLLOW, O_PATH, O_PATH | O_NOFOLLOW,
                    O_WRONLY | O_TRUNC, O_RDONLY | O_NONBLOCK}) {
    BeneathFailure failure = failure_of("hostname", flags);
    EXPECT_EQ(failure.error, ELOOP) << flags;
    EXPECT_EQ(failure.component, "hostname") << flags;
  }
  BeneathFailure failure = failure_of("etc", O_PATH | O_DIRECTORY);
  EXPECT_EQ(failure.error, ELOOP);
  EXPECT_EQ(failure.component, "etc");
  EXPECT_EQ(read_test_file(outside_ + "/etc/secret"), "host\n");
}

TEST_P(OpenBeneathTest, RefusesDotDotEvenWhenItWouldStayInside) {
  fs::create_directories(tree_ + "/a/b");
  BeneathFailure failure = failure_of("a/../../outside/etc/secret");
  EXPECT_EQ(failure.error, EXDEV);
  EXPECT_EQ(failure.component, "a/..");
  failure = failure_of("a/b/../b", O_RDONLY | O_DIRECTORY);
  EXPECT_EQ(failure.error, EXDEV);
  EXPECT_EQ(failure.component, "a/b/..");
  EXPECT_EQ(failure_of("..").error, EXDEV);
}

TEST_P(OpenBeneathTest, RefusesAnAbsolutePath) {
  BeneathFailure failure = failure_of(outside_ + "/etc/secret");
  EXPECT_EQ(failure.error, EXDEV);
  EXPECT_EQ(failure.component, "");
}

// /proc/self/root and /proc/self/fd/N look like symlinks and lead anywhere;
// a tree holding procfs (a container's /proc bind-mounted) must not lead
// there.
TEST_P(OpenBeneathTest, RefusesMagicLinksUnderProc) {
  FileDescriptor proc(::open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(proc.valid());
  FileDescriptor file;
  BeneathFailure failure;
  EXPECT_FALSE(open_beneath(proc.get(), "root/etc/hostname", O_RDONLY, &file, &failure));
  EXPECT_EQ(failure.error, ELOOP);
  EXPECT_EQ(failure.component, "root");
  FileDescriptor outside(::open(outside_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  std::string through_fd = "fd/" + std::to_string(outside.get()) + "/etc/secret";
  EXPECT_FALSE(open_beneath(proc.get(), through_fd, O_RDONLY, &file, &failure));
  EXPECT_EQ(failure.error, ELOOP);
  EXPECT_EQ(failure.component, "fd/" + std::to_string(outside.get()));
  EXPECT_FALSE(open_beneath(proc.get(), "cwd", O_PATH, &file, &failure));
  EXPECT_EQ(failure.error, ELOOP);
  // What is no link opens.
  EXPECT_TRUE(open_beneath(proc.get(), "status", O_RDONLY, &file, &failure)) << failure.error;
}

TEST_P(OpenBeneathTest, ReportsTheComponentThatIsNoDirectory) {
  write_test_file(tree_ + "/etc/systemd", "a file\n");
  BeneathFailure failure = failure_of("etc/systemd/system/web.service");
  EXPECT_EQ(failure.error, ENOTDIR);
  EXPECT_EQ(failure.component, "etc/systemd");
  failure = failure_of("etc/systemd", O_RDONLY | O_DIRECTORY);
  EXPECT_EQ(failure.error, ENOTDIR);
  EXPECT_EQ(failure.component, "etc/systemd");
}

TEST_P(OpenBeneathTest, ReportsTheFirstMissingComponent) {
  fs::create_directories(tree_ + "/etc");
  BeneathFailure failure = failure_of("etc/systemd/system/web.service");
  EXPECT_EQ(failure.error, ENOENT);
  EXPECT_EQ(failure.component, "etc/systemd");
}

TEST_P(OpenBeneathTest, NeverCreates) {
  BeneathFailure failure = failure_of("new", O_WRONLY | O_CREAT);
  EXPECT_EQ(failure.error, EINVAL);
  EXPECT_EQ(entry_kind(tree_ + "/new"), "missing");
}

TEST_P(OpenBeneathTest, MakesDirectoriesWithTheHooksForTheOnesItCreates) {
  ScopedUmask umask(022);
  fs::create_directories(tree_ + "/etc");
  std::vector<std::string> before, after;
  DirectoryCreation creation;
  creation.mode = 0700;
  creation.before = [&](std::string_view relative, std::string*) {
    before.emplace_back(relative);
    return true;
  };
  creation.after = [&](int, const std::string& name, int fd, std::string_view relative,
                       std::string*) {
    after.push_back(name + " " + std::string(relative));
    return ::fchmod(fd, 0751) == 0;
  };
  FileDescriptor directory;
  BeneathFailure failure;
  ASSERT_TRUE(
      make_directories_beneath(root_.get(), "etc/systemd/system", creation, &directory, &failure))
      << failure.error << " " << failure.component;
  EXPECT_EQ(before, (std::vector<std::string>{"etc/systemd", "etc/systemd/system"}));
  EXPECT_EQ(after, (std::vector<std::string>{"systemd etc/systemd", "system etc/systemd/system"}));
  EXPECT_EQ(permission_bits(tree_ + "/etc/systemd/system"), 0751u);
  // The descriptor is the deepest directory.
  ASSERT_EQ(::mkdirat(directory.get(), "x", 0755), 0);
  EXPECT_EQ(entry_kind(tree_ + "/etc/systemd/system/x"), "directory");
  // All there: no hook runs.
  before.clear();
  after.clear();
  ASSERT_TRUE(
      make_directories_beneath(root_.get(), "etc/systemd/system", creation, &directory, &failure));
  EXPECT_TRUE(before.empty());
  EXPECT_TRUE(after.empty());
}

TEST_P(OpenBeneathTest, MakesDirectoriesWithTheUmaskApplied) {
  ScopedUmask umask(027);
  DirectoryCreation creation;
  creation.mode = 0777;
  FileDescriptor directory;
  BeneathFailure failure;
  ASSERT_TRUE(make_directories_beneath(root_.get(), "a/b", creation, &directory, &failure));
  EXPECT_EQ(permission_bits(tree_ + "/a"), 0750u);
  EXPECT_EQ(permission_bits(tree_ + "/a/b"), 0750u);
}

TEST_P(OpenBeneathTest, MakesNoDirectoryBehindASymlink) {
  fs::create_directory_symlink(outside_ + "/etc", tree_ + "/etc");
  FileDescriptor directory;
  BeneathFailure failure;
  EXPECT_FALSE(
      make_directories_beneath(root_.get(), "etc/systemd/system", {}, &directory, &failure));
  EXPECT_EQ(failure.error, ELOOP);
  EXPECT_EQ(failure.component, "etc");
  EXPECT_EQ(failure.step, BeneathStep::kOpen);
  EXPECT_EQ(directory_entries(outside_ + "/etc"), std::vector<std::string>{"secret"});
  // A dangling one, too: mkdirat would fail with EEXIST; nothing is made
  // where it points.
  fs::remove(tree_ + "/etc");
  fs::create_directory_symlink(outside_ + "/new", tree_ + "/etc");
  EXPECT_FALSE(make_directories_beneath(root_.get(), "etc/x", {}, &directory, &failure));
  EXPECT_EQ(failure.error, ELOOP);
  EXPECT_EQ(failure.component, "etc");
  EXPECT_EQ(entry_kind(outside_ + "/new"), "missing");
}

TEST_P(OpenBeneathTest, MakesNoDirectoryWhereAFileIs) {
  write_test_file(tree_ + "/etc", "");
  FileDescriptor directory;
  BeneathFailure failure;
  EXPECT_FALSE(make_directories_beneath(root_.get(), "etc/systemd", {}, &directory, &failure));
  EXPECT_EQ(failure.error, ENOTDIR);
  EXPECT_EQ(failure.component, "etc");
}

TEST_P(OpenBeneathTest, StopsWhereAHookRefuses) {
  DirectoryCreation creation;
  creation.before = [](std::string_view relative, std::string* err) {
    if (relative != "a/b") return true;
    *err = "not a/b";
    return false;
  };
  FileDescriptor directory;
  BeneathFailure failure;
  EXPECT_FALSE(make_directories_beneath(root_.get(), "a/b/c", creation, &directory, &failure));
  EXPECT_EQ(failure.step, BeneathStep::kRefused);
  EXPECT_EQ(failure.component, "a/b");
  EXPECT_EQ(failure.message, "not a/b");
  EXPECT_EQ(directory_entries(tree_ + "/a"), std::vector<std::string>{});
  creation.before = nullptr;
  creation.after = [](int parent, const std::string& name, int, std::string_view,
                      std::string* err) {
    ::unlinkat(parent, name.c_str(), AT_REMOVEDIR);
    *err = "undone";
    return false;
  };
  EXPECT_FALSE(make_directories_beneath(root_.get(), "a/b/c", creation, &directory, &failure));
  EXPECT_EQ(failure.message, "undone");
  EXPECT_EQ(failure.component, "a/b");
  EXPECT_EQ(directory_entries(tree_ + "/a"), std::vector<std::string>{});
}

TEST_P(OpenBeneathTest, MakesDirectoriesRefusesDotDot) {
  FileDescriptor directory;
  BeneathFailure failure;
  EXPECT_FALSE(make_directories_beneath(root_.get(), "a/../../escaped", {}, &directory, &failure));
  EXPECT_EQ(failure.error, EXDEV);
  EXPECT_EQ(entry_kind(scratch_.path() + "/escaped"), "missing");
  EXPECT_EQ(directory_entries(tree_), std::vector<std::string>{});
}

TEST(OpenInRootTest, ResolvesAbsoluteLinksAndDotDotInsideTheTree) {
  ScratchDirectory scratch;
  std::string tree = scratch.path() + "/tree";
  write_test_file(tree + "/usr/lib/os-release", "ID=inside\n");
  write_test_file(scratch.path() + "/usr/lib/os-release", "ID=outside\n");
  fs::create_directory_symlink("/usr/lib", tree + "/lib");
  fs::create_directory_symlink("../../../usr/lib", tree + "/usr/lib/up");
  FileDescriptor root(::open(tree.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  for (const char* path :
       {"/lib/os-release", "/usr/lib/up/os-release", "/../../usr/lib/os-release"}) {
    FileDescriptor file(open_in_root(root.get(), path, O_RDONLY));
    ASSERT_TRUE(file.valid()) << path << ": " << std::strerror(errno);
    char buffer[64];
    ssize_t size = ::read(file.get(), buffer, sizeof buffer);
    EXPECT_EQ(std::string(buffer, size > 0 ? static_cast<size_t>(size) : 0), "ID=inside\n") << path;
  }
  FileDescriptor proc(::open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC));
  EXPECT_EQ(open_in_root(proc.get(), "root/etc/hostname", O_RDONLY), -1);
  EXPECT_EQ(errno, ELOOP);
}

}  // namespace
}  // namespace sdme
