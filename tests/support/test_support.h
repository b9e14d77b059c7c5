// Scratch space for the helpers' tests, which mount for real: a fresh
// directory under /var/tmp (overlayfs wants a disk file system below its
// layers, and /tmp may be a tmpfs), environment variables set for one test,
// and a teardown that unmounts whatever a failing test left mounted.
#pragma once

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace sdme::test_support {

// Mount points at or below `prefix`, from /proc/self/mountinfo, in mount order.
inline std::vector<std::string> mount_points_under(const std::string& prefix) {
  std::vector<std::string> mount_points;
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string line;
  while (std::getline(mountinfo, line)) {
    std::istringstream fields(line);
    std::string id, parent, device, root, escaped;
    fields >> id >> parent >> device >> root >> escaped;
    std::string mount_point;  // the kernel writes ' ', '\t', '\n', '\\' as \ooo
    for (size_t i = 0; i < escaped.size(); ++i) {
      if (escaped[i] == '\\' && i + 3 < escaped.size()) {
        mount_point += static_cast<char>(std::stoi(escaped.substr(i + 1, 3), nullptr, 8));
        i += 3;
      } else {
        mount_point += escaped[i];
      }
    }
    if (mount_point == prefix || mount_point.rfind(prefix + "/", 0) == 0)
      mount_points.push_back(mount_point);
  }
  return mount_points;
}

class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = "/var/tmp/sdme-helpers-test.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  ~ScratchDirectory() {
    std::vector<std::string> mounted = mount_points_under(path_);
    for (auto it = mounted.rbegin(); it != mounted.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class ScopedEnvironment {
 public:
  ScopedEnvironment(std::string name, const std::string& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_value_ = old;
    ::setenv(name_.c_str(), value.c_str(), 1);
  }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;
  ~ScopedEnvironment() {
    if (old_value_)
      ::setenv(name_.c_str(), old_value_->c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }

 private:
  std::string name_;
  std::optional<std::string> old_value_;
};

class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_mask_(::umask(mask)) {}
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;
  ~ScopedUmask() { ::umask(old_mask_); }

 private:
  mode_t old_mask_;
};

inline void write_test_file(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << content;
}

inline std::string read_test_file(const std::string& path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// The path as lstat(2) sees it: "missing", "directory", "file", "symlink" or "other".
inline std::string entry_kind(const std::string& path) {
  struct stat status;
  if (::lstat(path.c_str(), &status) != 0) return "missing";
  if (S_ISDIR(status.st_mode)) return "directory";
  if (S_ISREG(status.st_mode)) return "file";
  if (S_ISLNK(status.st_mode)) return "symlink";
  return "other";
}

inline mode_t permission_bits(const std::string& path) {
  struct stat status;
  if (::lstat(path.c_str(), &status) != 0) return static_cast<mode_t>(-1);
  return status.st_mode & 07777;
}

inline std::string link_target(const std::string& path) {
  std::error_code error;
  return std::filesystem::read_symlink(path, error).string();
}

// The value of trusted.overlay.opaque, or "" when it is not set.
inline std::string opaque_attribute(const std::string& path) {
  char value[16];
  ssize_t size = ::lgetxattr(path.c_str(), "trusted.overlay.opaque", value, sizeof value);
  return size < 0 ? "" : std::string(value, static_cast<size_t>(size));
}

// Names in a directory, sorted; empty when it does not exist.
inline std::vector<std::string> directory_entries(const std::string& path) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(path, error))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Every path under `root`, relative and sorted, directories marked with a
// trailing slash.
inline std::vector<std::string> tree_listing(const std::string& root) {
  std::vector<std::string> paths;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(root, error);
       it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    std::string path = it->path().lexically_relative(root).string();
    if (it->is_directory() && !it->is_symlink()) path += "/";
    paths.push_back(path);
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// Every entry below `root`, a line each, sorted: path, mode, owner, group,
// mtime (of directories too: a temporary file made and renamed away
// changes it) and content (a symlink's target, a device's numbers). Two
// equal snapshots mean a run changed nothing, not even a time stamp.
inline std::string tree_snapshot(const std::string& root) {
  std::vector<std::string> lines;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    std::string path = entry.path().string();
    struct stat status;
    if (::lstat(path.c_str(), &status) != 0) continue;
    std::ostringstream line;
    line << entry.path().lexically_relative(root).string() << " mode=" << std::oct << status.st_mode
         << std::dec << " uid=" << status.st_uid << " gid=" << status.st_gid;
    line << " mtime=" << status.st_mtim.tv_sec << "." << status.st_mtim.tv_nsec;
    if (S_ISREG(status.st_mode)) line << " content=" << read_test_file(path);
    if (S_ISLNK(status.st_mode)) line << " target=" << std::filesystem::read_symlink(path).string();
    if (S_ISCHR(status.st_mode))
      line << " device=" << major(status.st_rdev) << "," << minor(status.st_rdev);
    lines.push_back(line.str());
  }
  std::sort(lines.begin(), lines.end());
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// Runs a built helper, PROGRAM ARGUMENTS..., as its unit would (its log on
// stderr, not the journal); its exit status, -1 when it did not exit.
inline int run_helper(const std::string& program, const std::vector<std::string>& arguments) {
  std::vector<std::string> argv_strings = {program};
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

}  // namespace sdme::test_support
