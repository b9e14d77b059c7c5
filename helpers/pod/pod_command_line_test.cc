// Tests for sdme-pod's command line, with the messages word for word.
#include "helpers/pod/pod_command_line.h"

#include <gtest/gtest.h>

namespace sdme::pod {
namespace {

TEST(PodCommandLineTest, CreateAndRemove) {
  PodCommand command;
  std::string err;
  ASSERT_TRUE(parse_pod_command_line({"create", "duo"}, &command, &err)) << err;
  EXPECT_EQ(command.action, PodAction::kCreate);
  EXPECT_EQ(command.pod_name, "duo");
  EXPECT_FALSE(command.help);
  ASSERT_TRUE(parse_pod_command_line({"remove", "web-1.a"}, &command, &err)) << err;
  EXPECT_EQ(command.action, PodAction::kRemove);
  EXPECT_EQ(command.pod_name, "web-1.a");
}

TEST(PodCommandLineTest, Help) {
  PodCommand command;
  std::string err;
  ASSERT_TRUE(parse_pod_command_line({"--help"}, &command, &err));
  EXPECT_TRUE(command.help);
  ASSERT_TRUE(parse_pod_command_line({"create", "-h"}, &command, &err));
  EXPECT_TRUE(command.help);
}

TEST(PodCommandLineTest, RefusesWrongArguments) {
  PodCommand command;
  std::string err;
  EXPECT_FALSE(parse_pod_command_line({}, &command, &err));
  EXPECT_EQ(err, "expected a command and a pod name, e.g. 'create NAME'");
  EXPECT_FALSE(parse_pod_command_line({"create"}, &command, &err));
  EXPECT_EQ(err, "expected a command and a pod name, e.g. 'create NAME'");
  EXPECT_FALSE(parse_pod_command_line({"create", "a", "b"}, &command, &err));
  EXPECT_EQ(err, "expected a command and a pod name, e.g. 'create NAME'");
  EXPECT_FALSE(parse_pod_command_line({"make", "duo"}, &command, &err));
  EXPECT_EQ(err, "unknown command 'make', use create or remove");
}

TEST(PodCommandLineTest, RefusesNamesThatAreNotContainerNames) {
  PodCommand command;
  std::string err;
  EXPECT_FALSE(parse_pod_command_line({"create", "../x"}, &command, &err));
  EXPECT_EQ(err, "pod name '../x' must start with a letter or digit");
}

}  // namespace
}  // namespace sdme::pod
