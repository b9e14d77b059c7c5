// Tests for running a tool and keeping its status and the end of its output.
#include "import/child_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace sdme::import {
namespace {

ChildProcessResult run_shell(const std::string& script, size_t tail = kDefaultOutputTail) {
  ChildProcessResult result;
  std::string err;
  EXPECT_TRUE(run_child_process({"/bin/sh", "-c", script}, &result, &err, tail)) << err;
  return result;
}

TEST(ChildProcessTest, KeepsTheExitStatusAndBothStreams) {
  ChildProcessResult result = run_shell("echo out; echo err >&2; exit 42");
  EXPECT_FALSE(result.succeeded());
  EXPECT_EQ(result.exit_status, 42);
  EXPECT_EQ(result.describe_status(), "exit status 42");
  EXPECT_EQ(result.output_tail, "out\nerr\n");
  EXPECT_EQ(result.output_summary(), "out; err");
}

TEST(ChildProcessTest, Success) {
  ChildProcessResult result = run_shell("true");
  EXPECT_TRUE(result.succeeded());
  EXPECT_EQ(result.describe_status(), "exit status 0");
}

TEST(ChildProcessTest, ASignal) {
  ChildProcessResult result = run_shell("kill -TERM $$");
  EXPECT_FALSE(result.succeeded());
  EXPECT_EQ(result.describe_status(), "killed by signal SIGTERM");
}

TEST(ChildProcessTest, StdinIsEmpty) { EXPECT_EQ(run_shell("cat; echo end").output_tail, "end\n"); }

TEST(ChildProcessTest, PassesOnlyStdinStdoutAndStderr) {
  int opened = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(opened, 0);
  ASSERT_EQ(::dup2(opened, 57), 57);  // dup2 clears O_CLOEXEC
  ::close(opened);
  ChildProcessResult result = run_shell("test -e /proc/$$/fd/57 && echo inherited || echo closed");
  ::close(57);
  EXPECT_EQ(result.output_tail, "closed\n");
}

TEST(ChildProcessTest, KeepsOnlyTheTail) {
  ChildProcessResult result =
      run_shell("i=0; while [ $i -lt 100 ]; do echo line$i; i=$((i+1)); done", 20);
  EXPECT_TRUE(result.output_truncated);
  EXPECT_EQ(result.output_tail.size(), 20u);
  // "ine97\n" is the cut end of a line, and dropped.
  EXPECT_EQ(result.output_tail, "ine97\nline98\nline99\n");
  EXPECT_EQ(result.output_summary(), "...line98; line99");
  EXPECT_EQ(result.output_summary(1), "...line99");
}

TEST(ChildProcessTest, OneLineWhateverTheOutput) {
  EXPECT_EQ(run_shell("printf 'a\\r\\nb\\033[0m\\n\\n'").output_summary(), "a; b\\x1b[0m");
}

TEST(ChildProcessTest, AProgramThatIsNotThere) {
  ChildProcessResult result;
  std::string err;
  EXPECT_FALSE(run_child_process({"/nonexistent/tool"}, &result, &err));
  EXPECT_EQ(err, "cannot run /nonexistent/tool: No such file or directory");
  EXPECT_FALSE(run_child_process({"sdme-no-such-tool"}, &result, &err));
  EXPECT_EQ(err, "sdme-no-such-tool not found in $PATH");
}

TEST(ChildProcessTest, FindsProgramsInTheGivenPath) {
  EXPECT_EQ(find_program("sh", "/nonexistent:/bin"), "/bin/sh");
  EXPECT_EQ(find_program("sh", "/nonexistent"), "");
  EXPECT_EQ(find_program("/x/y", "/bin"), "/x/y");
}

}  // namespace
}  // namespace sdme::import
