// For sdme-provision's tests: two plain directories standing for a
// container's merged tree and its upper layer, so every rule that asks
// "is it in the upper layer?" runs without a mount. A file a test puts
// only in merged/ plays one the lower layer brings; one put in both plays
// the container's own.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <optional>
#include <string>

#include "helpers/provision/container_tree.h"
#include "tests/support/test_support.h"

namespace sdme::provision {

class ProvisionTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_.emplace();
    merged_ = scratch_->path() + "/merged";
    upper_ = scratch_->path() + "/upper";
    std::filesystem::create_directories(merged_);
    std::filesystem::create_directories(upper_);
    std::string err;
    ASSERT_TRUE(open_container_tree_at(merged_, upper_, &tree_, &err)) << err;
  }

  // PATH is absolute, as the container sees it.
  std::string merged(const std::string& path) const { return merged_ + path; }
  std::string upper(const std::string& path) const { return upper_ + path; }
  // A file the lower layer brings: in merged/ only.
  void lower_file(const std::string& path, const std::string& content) const {
    test_support::write_test_file(merged(path), content);
  }
  // A file of the container's own: in both.
  void own_file(const std::string& path, const std::string& content) const {
    test_support::write_test_file(merged(path), content);
    test_support::write_test_file(upper(path), content);
  }

  static struct timespec mtime(const std::string& path) {
    struct stat status = {};
    ::lstat(path.c_str(), &status);
    return status.st_mtim;
  }
  static bool same_time(const struct timespec& a, const struct timespec& b) {
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
  }
  static void age(const std::string& path) {
    struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
    ::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }

  std::optional<test_support::ScratchDirectory> scratch_;
  std::string merged_;
  std::string upper_;
  ContainerTree tree_;
};

}  // namespace sdme::provision
