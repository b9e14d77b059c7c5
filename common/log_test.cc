// The log as the last line of defence: whatever a message holds, it is
// written as one line.
#include "common/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace sdme {
namespace {

// What log_error() writes to stderr.
std::string logged_to_stderr(std::string_view message) {
  char path[] = "/tmp/sdme-log-test.XXXXXX";
  int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  std::fflush(stderr);
  int saved = ::dup(STDERR_FILENO);
  ::dup2(fd, STDERR_FILENO);
  log_open("sdme-generator");
  log_set_target(LogTarget::kStderr);
  log_error(message);
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  ::close(fd);
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  ::unlink(path);
  return text.str();
}

TEST(LogTest, AMessageWithANewlineStaysOneLine) {
  EXPECT_EQ(logged_to_stderr("/etc/sdme/a\nsdme-generator: FAKE.sdme: bad name"),
            "sdme-generator: /etc/sdme/a\\x0asdme-generator: FAKE.sdme: bad name\n");
}

TEST(LogTest, EscapedTextIsLoggedAsItIs) {
  EXPECT_EQ(logged_to_stderr("/etc/sdme/a\\nb.sdme: write \\\\ for a backslash"),
            "sdme-generator: /etc/sdme/a\\nb.sdme: write \\\\ for a backslash\n");
}

}  // namespace
}  // namespace sdme
