// Tests for merging an image's config with the overrides, Docker's rules.
#include "helpers/app/app_spec.h"

#include <gtest/gtest.h>

namespace sdme::app {
namespace {

using Words = std::vector<std::string>;

AppSpec redis_image() {
  AppSpec image;
  image.entrypoint = {"docker-entrypoint.sh"};
  image.cmd = {"redis-server"};
  image.environment = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                       "GOSU_VERSION=1.17", "REDIS_VERSION=7.2.4"};
  image.user = "";
  image.working_directory = "/data";
  image.stop_signal = "";
  return image;
}

TEST(AppSpecTest, NoOverridesKeepsTheImage) {
  AppSpec effective;
  std::string err;
  ASSERT_TRUE(merge_app_spec(redis_image(), AppOverrides{}, &effective, &err)) << err;
  EXPECT_EQ(effective.entrypoint, Words{"docker-entrypoint.sh"});
  EXPECT_EQ(effective.cmd, Words{"redis-server"});
  EXPECT_EQ(effective.environment, redis_image().environment);
  EXPECT_EQ(effective.user, "");
  EXPECT_EQ(effective.working_directory, "/data");
  Words command;
  ASSERT_TRUE(app_command(effective, &command, &err)) << err;
  EXPECT_EQ(command, (Words{"docker-entrypoint.sh", "redis-server"}));
}

TEST(AppSpecTest, ExecReplacesTheCmdOnly) {
  AppOverrides overrides;
  overrides.exec = Words{"redis-server", "--appendonly", "yes"};
  AppSpec effective;
  std::string err;
  ASSERT_TRUE(merge_app_spec(redis_image(), overrides, &effective, &err)) << err;
  Words command;
  ASSERT_TRUE(app_command(effective, &command, &err)) << err;
  EXPECT_EQ(command, (Words{"docker-entrypoint.sh", "redis-server", "--appendonly", "yes"}));
}

TEST(AppSpecTest, EntrypointClearsTheImagesCmd) {
  AppOverrides overrides;
  overrides.entrypoint = Words{"/bin/sh"};
  AppSpec effective;
  std::string err;
  ASSERT_TRUE(merge_app_spec(redis_image(), overrides, &effective, &err)) << err;
  EXPECT_TRUE(effective.cmd.empty());
  Words command;
  ASSERT_TRUE(app_command(effective, &command, &err)) << err;
  EXPECT_EQ(command, Words{"/bin/sh"});
}

TEST(AppSpecTest, EntrypointAndExecTogether) {
  AppOverrides overrides;
  overrides.entrypoint = Words{"/bin/sh"};
  overrides.exec = Words{"-c", "echo hi"};
  AppSpec effective;
  std::string err;
  ASSERT_TRUE(merge_app_spec(redis_image(), overrides, &effective, &err)) << err;
  Words command;
  ASSERT_TRUE(app_command(effective, &command, &err)) << err;
  EXPECT_EQ(command, (Words{"/bin/sh", "-c", "echo hi"}));
}

TEST(AppSpecTest, EmptyEntrypointResetsItAndTheCmd) {
  // `docker run --entrypoint "" IMAGE ARG...`: the image's Entrypoint goes,
  // and the Cmd is what is given.
  AppOverrides overrides;
  overrides.entrypoint = Words{};
  overrides.exec = Words{"redis-server"};
  AppSpec effective;
  std::string err;
  ASSERT_TRUE(merge_app_spec(redis_image(), overrides, &effective, &err)) << err;
  Words command;
  ASSERT_TRUE(app_command(effective, &command, &err)) << err;
  EXPECT_EQ(command, Words{"redis-server"});
}

TEST(AppSpecTest, EmptyCommandIsAnError) {
  AppOverrides overrides;
  overrides.entrypoint = Words{};
  AppSpec effective;
  std::string err;
  ASSERT_TRUE(merge_app_spec(redis_image(), overrides, &effective, &err)) << err;
  Words command{"unchanged"};
  EXPECT_FALSE(app_command(effective, &command, &err));
  EXPECT_EQ(err, "the image has no Entrypoint or Cmd; set AppExec=");
  EXPECT_EQ(command, Words{"unchanged"});
  EXPECT_FALSE(app_command(AppSpec{}, &command, &err));
  EXPECT_EQ(err, "the image has no Entrypoint or Cmd; set AppExec=");
}

TEST(AppSpecTest, EnvironmentOverridesByNameInTheImagesPlace) {
  AppOverrides overrides;
  overrides.environment = {"NEW=1", "GOSU_VERSION=2", "OTHER=a=b", "NEW=3", "EMPTY="};
  AppSpec effective;
  std::string err;
  ASSERT_TRUE(merge_app_spec(redis_image(), overrides, &effective, &err)) << err;
  EXPECT_EQ(effective.environment,
            (Words{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                   "GOSU_VERSION=2", "REDIS_VERSION=7.2.4", "NEW=3", "OTHER=a=b", "EMPTY="}));
}

TEST(AppSpecTest, ANameIsMatchedWhole) {
  AppSpec image;
  image.environment = {"AB=1", "A=2"};
  AppOverrides overrides;
  overrides.environment = {"A=3", "ABC=4"};
  AppSpec effective;
  std::string err;
  ASSERT_TRUE(merge_app_spec(image, overrides, &effective, &err)) << err;
  EXPECT_EQ(effective.environment, (Words{"AB=1", "A=3", "ABC=4"}));
}

TEST(AppSpecTest, ImageDuplicatesKeepTheirFirstPlaceAndLastValue) {
  AppSpec image;
  image.environment = {"A=1", "B=2", "A=3"};
  AppSpec effective;
  std::string err;
  ASSERT_TRUE(merge_app_spec(image, AppOverrides{}, &effective, &err)) << err;
  EXPECT_EQ(effective.environment, (Words{"A=3", "B=2"}));
}

TEST(AppSpecTest, EnvironmentWithoutEqualsIsAnError) {
  AppSpec image = redis_image();
  image.environment.push_back("DEBUG");
  AppSpec effective;
  std::string err;
  EXPECT_FALSE(merge_app_spec(image, AppOverrides{}, &effective, &err));
  EXPECT_EQ(err, "the image's Env entry 'DEBUG' has no '=': expected NAME=VALUE");

  AppOverrides overrides;
  overrides.environment = {"HOME"};
  EXPECT_FALSE(merge_app_spec(redis_image(), overrides, &effective, &err));
  EXPECT_EQ(err, "environment entry 'HOME' has no '=': expected NAME=VALUE");
}

TEST(AppSpecTest, UserAndWorkingDirectoryOverrides) {
  AppOverrides overrides;
  overrides.user = "redis:redis";
  overrides.working_directory = "/srv";
  AppSpec effective;
  std::string err;
  ASSERT_TRUE(merge_app_spec(redis_image(), overrides, &effective, &err)) << err;
  EXPECT_EQ(effective.user, "redis:redis");
  EXPECT_EQ(effective.working_directory, "/srv");

  // Set to empty, they still win: "" is root, and "/".
  AppSpec image = redis_image();
  image.user = "redis";
  overrides.user = "";
  overrides.working_directory = "";
  ASSERT_TRUE(merge_app_spec(image, overrides, &effective, &err)) << err;
  EXPECT_EQ(effective.user, "");
  EXPECT_EQ(effective.working_directory, "");
}

TEST(AppSpecTest, StopSignalComesFromTheImage) {
  AppSpec image = redis_image();
  image.stop_signal = "SIGQUIT";
  AppSpec effective;
  std::string err;
  ASSERT_TRUE(merge_app_spec(image, AppOverrides{}, &effective, &err)) << err;
  EXPECT_EQ(effective.stop_signal, "SIGQUIT");
}

}  // namespace
}  // namespace sdme::app
