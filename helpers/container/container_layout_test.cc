// Tests for the paths of a container's overlay under the state directory.
#include "helpers/container/container_layout.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace sdme::container {
namespace {

using ::sdme::test_support::ScopedEnvironment;

TEST(ContainerLayoutTest, PathsFollowStateDirectory) {
  ScopedEnvironment state("SDME_STATE_DIR", "/srv/sdme//");
  ContainerLayout layout;
  std::string err;
  ASSERT_TRUE(make_container_layout("web-foo", &layout, &err)) << err;
  EXPECT_EQ(layout.state_dir, "/srv/sdme");
  EXPECT_EQ(layout.containers_dir, "/srv/sdme/containers");
  EXPECT_EQ(layout.container_dir, "/srv/sdme/containers/web-foo");
  EXPECT_EQ(layout.upper, "/srv/sdme/containers/web-foo/upper");
  EXPECT_EQ(layout.work, "/srv/sdme/containers/web-foo/work");
  EXPECT_EQ(layout.merged, "/srv/sdme/containers/web-foo/merged");
  EXPECT_EQ(layout.ephemeral, "/srv/sdme/containers/web-foo/ephemeral");
  EXPECT_EQ(layout.ephemeral_upper, "/srv/sdme/containers/web-foo/ephemeral/upper");
  EXPECT_EQ(layout.ephemeral_work, "/srv/sdme/containers/web-foo/ephemeral/work");
}

TEST(ContainerLayoutTest, RefusesNamesThatWouldLeaveTheStateDirectory) {
  ContainerLayout layout;
  std::string err;
  EXPECT_FALSE(make_container_layout("../x", &layout, &err));
  EXPECT_EQ(err, "container name '../x' must start with a letter or digit");
  EXPECT_FALSE(make_container_layout("web/../../x", &layout, &err));
  EXPECT_EQ(err, "container name 'web/../../x' may contain only letters, digits, '-' and '.'");
  EXPECT_FALSE(make_container_layout("", &layout, &err));
  EXPECT_EQ(err, "container name is empty");
  EXPECT_EQ(layout.container_dir, "");
}

TEST(ContainerLayoutTest, PersistentUpperLayerIsInUseWithoutEphemeralTmpfs) {
  ScopedEnvironment state("SDME_STATE_DIR", "/nonexistent/sdme");
  ContainerLayout layout;
  std::string err;
  ASSERT_TRUE(make_container_layout("web", &layout, &err)) << err;
  std::string upper;
  ASSERT_TRUE(find_upper_layer_in_use(layout, &upper, &err)) << err;
  EXPECT_EQ(upper, "/nonexistent/sdme/containers/web/upper");
}

}  // namespace
}  // namespace sdme::container
