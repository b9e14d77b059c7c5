// A fixture for the helpers that change a container through its mounted
// overlay (sdme-provision, sdme-app): container "web", its root mounted for
// real by sdme-overlay's library over a scratch lower layer, and the built
// helper run on it as its unit runs it. Needs root; skips otherwise.
//
// A suite's SetUp() calls this one's, returns if IsSkipped(), writes its
// lower layer (lower_) and state (state_, which is $SDME_STATE_DIR), then
// calls mount_container().
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/helper_command_lines.h"
#include "helpers/overlay/overlay_mount.h"
#include "tests/support/test_support.h"

namespace sdme::test_support {

class ContainerOverlayFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting overlayfs needs root";
    scratch_.emplace();
    lower_ = scratch_->path() + "/lower";
    state_ = scratch_->path() + "/state";
    state_environment_.emplace("SDME_STATE_DIR", state_);
  }
  void TearDown() override {
    state_environment_.reset();
    scratch_.reset();  // unmounts
  }

  void mount_container(const std::string& private_users = "", bool ephemeral = false) {
    overlay::OverlayMountResult result;
    OverlayMountRequest request;
    request.container_name = "web";
    request.lower = lower_;
    request.private_users = private_users;
    request.ephemeral = ephemeral;
    std::string err;
    ASSERT_TRUE(overlay::mount_overlay(request, &result, &err)) << err;
  }
  // Unmounts it as the unit's ExecStopPost= does, which must not need to
  // detach anything.
  void unmount_container() {
    std::vector<std::string> warnings;
    std::string err;
    ASSERT_TRUE(overlay::unmount_overlay("web", &warnings, &err)) << err;
    EXPECT_EQ(warnings, std::vector<std::string>{});
  }

  // Runs PROGRAM web ARGUMENTS... as the unit would; its exit status.
  static int run_on_container(const std::string& program,
                              const std::vector<std::string>& arguments) {
    std::vector<std::string> with_name = {"web"};
    with_name.insert(with_name.end(), arguments.begin(), arguments.end());
    return run_helper(program, with_name);
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

}  // namespace sdme::test_support
