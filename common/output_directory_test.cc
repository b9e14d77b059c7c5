// Tests for writing beneath an output directory: files and links are
// created with their parents, nothing is replaced, and no symbolic link
// below the directory is followed.
#include "common/output_directory.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sdme {
namespace {

namespace fs = std::filesystem;

class OutputDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sdme-output-directory-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr) << std::strerror(errno);
    root_ = pattern;
    out_ = root_ + "/out";
    ASSERT_EQ(::mkdir(out_.c_str(), 0755), 0);
    std::string err;
    ASSERT_TRUE(directory_.open(out_, &err)) << err;
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string contents(const std::string& path) {
    std::ifstream stream(path, std::ios::binary);
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
  }

  // Every name below `dir`, relative, sorted by the iterator's walk order.
  static std::vector<std::string> tree(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
      names.push_back(entry.path().lexically_relative(dir).string());
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string root_, out_;
  OutputDirectory directory_;
};

TEST_F(OutputDirectoryTest, CreatesFilesWithTheirParentsAndMode) {
  std::string err;
  EXPECT_EQ(directory_.create_file("web.service", "[Unit]\n", 0644, &err),
            CreateOutcome::kCreated);
  EXPECT_EQ(directory_.create_file("x.service.d/50-a.conf", "[Service]\n", 0600, &err),
            CreateOutcome::kCreated);
  EXPECT_EQ(tree(out_), (std::vector<std::string>{"web.service", "x.service.d",
                                                  "x.service.d/50-a.conf"}));
  EXPECT_EQ(contents(out_ + "/web.service"), "[Unit]\n");
  struct stat status;
  ASSERT_EQ(::stat((out_ + "/x.service.d/50-a.conf").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0600u);
}

// The mode is the one asked for, whatever the umask.
TEST_F(OutputDirectoryTest, ModeIgnoresTheUmask) {
  mode_t saved = ::umask(077);
  OutputDirectory directory;
  std::string err;
  bool opened = directory.open(out_, &err);
  CreateOutcome outcome = directory.create_file("web.service", "x", 0644, &err);
  ::umask(saved);
  ASSERT_TRUE(opened) << err;
  EXPECT_EQ(outcome, CreateOutcome::kCreated) << err;
  struct stat status;
  ASSERT_EQ(::stat((out_ + "/web.service").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0644u);
}

TEST_F(OutputDirectoryTest, NeverReplacesAndLeavesNoTemporaryFile) {
  std::string err;
  std::ofstream(out_ + "/web.service") << "theirs\n";
  ASSERT_EQ(::symlink("/dev/null", (out_ + "/db.service").c_str()), 0);
  EXPECT_EQ(directory_.create_file("web.service", "ours\n", 0644, &err), CreateOutcome::kExists);
  EXPECT_EQ(directory_.create_file("db.service", "ours\n", 0644, &err), CreateOutcome::kExists);
  EXPECT_EQ(directory_.create_symlink("web.service", "../a.service", &err),
            CreateOutcome::kExists);
  EXPECT_EQ(contents(out_ + "/web.service"), "theirs\n");
  EXPECT_EQ(fs::read_symlink(out_ + "/db.service"), "/dev/null");
  EXPECT_EQ(tree(out_), (std::vector<std::string>{"db.service", "web.service"}));
}

TEST_F(OutputDirectoryTest, CreatesSymlinks) {
  std::string err;
  EXPECT_EQ(directory_.create_symlink("machines.target.wants/web.service", "../web.service", &err),
            CreateOutcome::kCreated);
  EXPECT_EQ(directory_.create_symlink("machines.target.wants/db.service", "../db.service", &err),
            CreateOutcome::kCreated);
  EXPECT_EQ(fs::read_symlink(out_ + "/machines.target.wants/web.service"), "../web.service");
  EXPECT_EQ(fs::read_symlink(out_ + "/machines.target.wants/db.service"), "../db.service");
}

// The last directory a link went into stays open; going to another one
// and back must still put each link where it names.
TEST_F(OutputDirectoryTest, SymlinksInDirectoriesOneAfterAnother) {
  std::string err;
  for (const char* link : {"a.target.wants/x.service", "a.target.wants/y.service",
                           "b.target.wants/x.service", "a.target.wants/z.service",
                           "x.service.d/y.d/z.conf", "x.service.d/w.conf"})
    EXPECT_EQ(directory_.create_symlink(link, "../x.service", &err), CreateOutcome::kCreated)
        << link << ": " << err;
  EXPECT_EQ(directory_.create_file("x.service.d/y.d/v.conf", "x", 0644, &err),
            CreateOutcome::kCreated);
  EXPECT_EQ(tree(out_), (std::vector<std::string>{
                            "a.target.wants", "a.target.wants/x.service",
                            "a.target.wants/y.service", "a.target.wants/z.service",
                            "b.target.wants", "b.target.wants/x.service", "x.service.d",
                            "x.service.d/w.conf", "x.service.d/y.d", "x.service.d/y.d/v.conf",
                            "x.service.d/y.d/z.conf"}));
}

// Another generator may have planted a link where a directory goes; it
// must not carry our files out of the output directory.
TEST_F(OutputDirectoryTest, DoesNotFollowASymlinkedDirectory) {
  const std::string elsewhere = root_ + "/elsewhere";
  ASSERT_EQ(::mkdir(elsewhere.c_str(), 0755), 0);
  ASSERT_EQ(::symlink(elsewhere.c_str(), (out_ + "/multi-user.target.wants").c_str()), 0);
  std::string err;
  EXPECT_EQ(directory_.create_symlink("multi-user.target.wants/machines.target", "/x", &err),
            CreateOutcome::kFailed);
  EXPECT_EQ(err, out_ + "/multi-user.target.wants: is a symbolic link, not a directory; not "
                        "following it");
  EXPECT_EQ(directory_.create_file("multi-user.target.wants/x.conf", "x", 0644, &err),
            CreateOutcome::kFailed);
  EXPECT_TRUE(fs::is_empty(elsewhere));
}

TEST_F(OutputDirectoryTest, RefusesAFileWhereADirectoryGoes) {
  std::ofstream(out_ + "/x.service.d") << "in the way";
  std::string err;
  EXPECT_EQ(directory_.create_file("x.service.d/a.conf", "x", 0644, &err), CreateOutcome::kFailed);
  EXPECT_EQ(err, out_ + "/x.service.d: exists and is not a directory");
}

TEST_F(OutputDirectoryTest, RefusesPathsThatLeaveTheDirectory) {
  std::string err;
  for (const char* relative : {"../x.service", "a/../../x", "/etc/x", "a//b", ""}) {
    EXPECT_EQ(directory_.create_file(relative, "x", 0644, &err), CreateOutcome::kFailed)
        << relative;
    EXPECT_EQ(err, out_ + "/" + relative + ": not a plain relative path");
  }
  EXPECT_EQ(tree(root_), std::vector<std::string>{"out"});
}

TEST_F(OutputDirectoryTest, OpenFailsForAMissingDirectory) {
  OutputDirectory missing;
  std::string err;
  EXPECT_FALSE(missing.open(root_ + "/missing", &err));
  EXPECT_EQ(err, root_ + "/missing: cannot open the directory: No such file or directory");
}

}  // namespace
}  // namespace sdme
