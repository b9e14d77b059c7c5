// Tests for atomic writes, atomic symlinks, mkdir -p and bounded reads, on a
// fresh directory under /tmp.
#include "common/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sdme {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sdme-atomic-file-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr) << std::strerror(errno);
    directory_ = pattern;
  }

  void TearDown() override {
    std::string command = "rm -rf '" + directory_ + "'";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }

  std::string path(const std::string& name) const { return directory_ + "/" + name; }

  // Every name in `dir` but "." and "..", sorted.
  static std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> names;
    DIR* handle = ::opendir(dir.c_str());
    if (!handle) return names;
    while (struct dirent* entry = ::readdir(handle)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(handle);
    std::sort(names.begin(), names.end());
    return names;
  }

  static std::string contents(const std::string& file) {
    std::ifstream stream(file, std::ios::binary);
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
  }

  static mode_t permissions(const std::string& file) {
    struct stat status;
    if (::stat(file.c_str(), &status) != 0) return 0;
    return status.st_mode & 07777;
  }

  static std::string link_target(const std::string& link) {
    char buffer[4096];
    ssize_t length = ::readlink(link.c_str(), buffer, sizeof buffer);
    return length < 0 ? std::string() : std::string(buffer, static_cast<size_t>(length));
  }

  std::string directory_;
};

TEST_F(AtomicFileTest, WritesContentWithTheRequestedMode) {
  std::string err;
  ASSERT_TRUE(write_file_atomically(path("unit.service"), "[Unit]\nA=b\n", 0644, &err)) << err;
  EXPECT_EQ(contents(path("unit.service")), "[Unit]\nA=b\n");
  EXPECT_EQ(permissions(path("unit.service")), 0644u);
  EXPECT_EQ(entries(directory_), std::vector<std::string>{"unit.service"})
      << "no temporary file may be left behind";
}

TEST_F(AtomicFileTest, ModeIsNotNarrowedByUmask) {
  mode_t old_umask = ::umask(077);
  std::string err;
  bool written = write_file_atomically(path("f"), "x", 0644, &err);
  ::umask(old_umask);
  ASSERT_TRUE(written) << err;
  EXPECT_EQ(permissions(path("f")), 0644u);
  ASSERT_TRUE(write_file_atomically(path("g"), "x", 0600, &err)) << err;
  EXPECT_EQ(permissions(path("g")), 0600u);
}

TEST_F(AtomicFileTest, WritesEmptyAndBinaryContent) {
  std::string err;
  ASSERT_TRUE(write_file_atomically(path("empty"), "", 0644, &err)) << err;
  EXPECT_EQ(contents(path("empty")), "");
  std::string binary("a\0b\xff", 4);
  ASSERT_TRUE(write_file_atomically(path("binary"), binary, 0644, &err)) << err;
  EXPECT_EQ(contents(path("binary")), binary);
}

TEST_F(AtomicFileTest, WritesContentLargerThanOneWrite) {
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>('a' + i % 26);
  std::string err;
  ASSERT_TRUE(write_file_atomically(path("big"), big, 0644, &err)) << err;
  EXPECT_EQ(contents(path("big")), big);
}

TEST_F(AtomicFileTest, ReplacesExistingFile) {
  std::string err;
  ASSERT_TRUE(write_file_atomically(path("f"), "old content that is longer", 0600, &err)) << err;
  ASSERT_TRUE(write_file_atomically(path("f"), "new", 0644, &err)) << err;
  EXPECT_EQ(contents(path("f")), "new");
  EXPECT_EQ(permissions(path("f")), 0644u);
  EXPECT_EQ(entries(directory_), std::vector<std::string>{"f"});
}

TEST_F(AtomicFileTest, GivesTheOwnerAndGroupBeforeTheRename) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  int directory = ::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(directory, 0);
  AtomicWrite how;
  how.mode = 0640;
  how.owner = 12;
  how.group = 34;
  WriteFailure failure;
  EXPECT_EQ(write_file_at(directory, "shadow", "root:x:1::::::\n", how, &failure),
            WriteOutcome::kWritten);
  ::close(directory);
  struct stat status;
  ASSERT_EQ(::stat(path("shadow").c_str(), &status), 0);
  EXPECT_EQ(status.st_uid, 12u);
  EXPECT_EQ(status.st_gid, 34u);
  EXPECT_EQ(status.st_mode & 07777, 0640u);
}

TEST_F(AtomicFileTest, FailsInMissingDirectory) {
  std::string target = path("missing/unit.service");
  std::string err;
  EXPECT_FALSE(write_file_atomically(target, "x", 0644, &err));
  EXPECT_EQ(err,
            "cannot create a temporary file next to " + target + ": No such file or directory");
  EXPECT_EQ(entries(directory_), std::vector<std::string>{});
}

TEST_F(AtomicFileTest, FailedRenameLeavesNoTemporaryFile) {
  // A directory in the way makes rename() fail after the data is written.
  ASSERT_EQ(::mkdir(path("taken").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(path("taken/inside").c_str(), 0755), 0);
  std::string err;
  EXPECT_FALSE(write_file_atomically(path("taken"), "x", 0644, &err));
  EXPECT_EQ(err, "cannot write " + path("taken") + ": Is a directory");
  EXPECT_EQ(entries(directory_), std::vector<std::string>{"taken"});
}

TEST_F(AtomicFileTest, SymlinkIsCreated) {
  std::string err;
  ASSERT_TRUE(symlink_atomically("../web.service", path("web.link"), &err)) << err;
  EXPECT_EQ(link_target(path("web.link")), "../web.service");
  EXPECT_EQ(entries(directory_), std::vector<std::string>{"web.link"});
}

TEST_F(AtomicFileTest, SymlinkReplacesExistingLinkAndFile) {
  std::string err;
  ASSERT_TRUE(symlink_atomically("old", path("link"), &err)) << err;
  ASSERT_TRUE(symlink_atomically("new", path("link"), &err)) << err;
  EXPECT_EQ(link_target(path("link")), "new");
  ASSERT_TRUE(write_file_atomically(path("file"), "x", 0644, &err)) << err;
  ASSERT_TRUE(symlink_atomically("target", path("file"), &err)) << err;
  EXPECT_EQ(link_target(path("file")), "target");
  EXPECT_EQ(entries(directory_), (std::vector<std::string>{"file", "link"}));
}

TEST_F(AtomicFileTest, SymlinkFailsInMissingDirectory) {
  std::string link = path("missing/link");
  std::string err;
  EXPECT_FALSE(symlink_atomically("target", link, &err));
  EXPECT_EQ(err, "cannot create a temporary name next to " + link + ": No such file or directory");
}

TEST_F(AtomicFileTest, SymlinkOverDirectoryFailsAndCleansUp) {
  ASSERT_EQ(::mkdir(path("dir").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(path("dir/inside").c_str(), 0755), 0);
  std::string err;
  EXPECT_FALSE(symlink_atomically("target", path("dir"), &err));
  EXPECT_EQ(err, "cannot create symlink " + path("dir") + ": Is a directory");
  EXPECT_EQ(entries(directory_), std::vector<std::string>{"dir"});
}

TEST_F(AtomicFileTest, MakeDirectoriesCreatesEveryLevel) {
  std::string err;
  ASSERT_TRUE(make_directories(path("a/b/c"), 0750, &err)) << err;
  struct stat status;
  ASSERT_EQ(::stat(path("a/b/c").c_str(), &status), 0);
  EXPECT_TRUE(S_ISDIR(status.st_mode));
  mode_t old_umask = ::umask(0);
  ::umask(old_umask);
  EXPECT_EQ(permissions(path("a")), 0750u & ~old_umask);
  EXPECT_EQ(permissions(path("a/b/c")), 0750u & ~old_umask);
}

TEST_F(AtomicFileTest, MakeDirectoriesAcceptsExistingDirectories) {
  std::string err;
  ASSERT_TRUE(make_directories(directory_, 0755, &err)) << err;
  ASSERT_TRUE(make_directories(path("x"), 0755, &err)) << err;
  ASSERT_TRUE(make_directories(path("x"), 0755, &err)) << err;
  ASSERT_TRUE(make_directories(path("x/"), 0755, &err)) << err;
  EXPECT_EQ(entries(directory_), std::vector<std::string>{"x"});
}

TEST_F(AtomicFileTest, MakeDirectoriesRefusesAFileInTheWay) {
  std::string err;
  ASSERT_TRUE(write_file_atomically(path("file"), "x", 0644, &err)) << err;
  EXPECT_FALSE(make_directories(path("file"), 0755, &err));
  EXPECT_EQ(err, path("file") + " exists and is not a directory");
  EXPECT_FALSE(make_directories(path("file/sub/dir"), 0755, &err));
  EXPECT_EQ(err, path("file") + " exists and is not a directory");
}

TEST_F(AtomicFileTest, MakeDirectoriesReportsMkdirFailure) {
  // A dangling symlink passes for "exists" (EEXIST); the level below cannot
  // be created through it.
  ASSERT_EQ(::symlink("nowhere", path("dangling").c_str()), 0);
  std::string err;
  EXPECT_FALSE(make_directories(path("dangling/sub"), 0755, &err));
  EXPECT_EQ(err, "cannot create directory " + path("dangling/sub") + ": No such file or directory");
}

TEST_F(AtomicFileTest, ReadFileReadsWholeFile) {
  std::string content(40000, 'q');
  content += "end";
  std::string err;
  ASSERT_TRUE(write_file_atomically(path("f"), content, 0644, &err)) << err;
  std::string read = "stale";
  ASSERT_TRUE(read_file(path("f"), content.size(), &read, &err)) << err;
  EXPECT_EQ(read, content);
}

TEST_F(AtomicFileTest, ReadFileReadsEmptyFile) {
  std::string err;
  ASSERT_TRUE(write_file_atomically(path("f"), "", 0644, &err)) << err;
  std::string read = "stale";
  ASSERT_TRUE(read_file(path("f"), 0, &read, &err)) << err;
  EXPECT_EQ(read, "");
}

TEST_F(AtomicFileTest, ReadFileRefusesFilesOverTheLimit) {
  std::string err;
  ASSERT_TRUE(write_file_atomically(path("f"), "12345", 0644, &err)) << err;
  std::string read;
  ASSERT_TRUE(read_file(path("f"), 5, &read, &err)) << err;
  EXPECT_EQ(read, "12345");
  EXPECT_FALSE(read_file(path("f"), 4, &read, &err));
  EXPECT_EQ(err, path("f") + " is larger than 4 bytes");
}

TEST_F(AtomicFileTest, ReadFileRefusesLargeFileOverTheLimit) {
  std::string err;
  ASSERT_TRUE(write_file_atomically(path("f"), std::string(100000, 'x'), 0644, &err)) << err;
  std::string read;
  EXPECT_FALSE(read_file(path("f"), 65536, &read, &err));
  EXPECT_EQ(err, path("f") + " is larger than 65536 bytes");
}

TEST_F(AtomicFileTest, ReadFileReportsMissingFileAndDirectory) {
  std::string read;
  std::string err;
  EXPECT_FALSE(read_file(path("missing"), 100, &read, &err));
  EXPECT_EQ(err, "cannot open " + path("missing") + ": No such file or directory");
  EXPECT_FALSE(read_file(directory_, 100, &read, &err));
  EXPECT_EQ(err, directory_ +
                     ": is a directory, not a regular file; replace it with a file or "
                     "remove it");
}

// Opening a FIFO for reading waits for a writer; read_file must return at
// once instead, for the FIFO itself and for a symbolic link to it.
TEST_F(AtomicFileTest, ReadFileRefusesAFifoWithoutBlocking) {
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0644), 0) << std::strerror(errno);
  ASSERT_EQ(::symlink("fifo", path("link").c_str()), 0);
  for (const char* name : {"fifo", "link"}) {
    std::string read;
    std::string err;
    EXPECT_FALSE(read_file(path(name), 100, &read, &err));
    EXPECT_EQ(err, path(name) +
                       ": is a FIFO, not a regular file; replace it with a file or "
                       "remove it");
  }
}

TEST_F(AtomicFileTest, ReadFileRefusesADevice) {
  std::string read;
  std::string err;
  EXPECT_FALSE(read_file("/dev/zero", 100, &read, &err));
  EXPECT_EQ(err,
            "/dev/zero: is a character device, not a regular file; replace it with a file "
            "or remove it");
}

}  // namespace
}  // namespace sdme
