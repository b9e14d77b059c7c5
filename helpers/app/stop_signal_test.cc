// Tests for stop signals: Docker's spellings in, systemd's names out.
#include "helpers/app/stop_signal.h"

#include <gtest/gtest.h>

#include <csignal>

namespace sdme::app {
namespace {

std::string name_of(std::string_view stop_signal) {
  std::string name = "unchanged";
  std::string err;
  EXPECT_TRUE(kill_signal_name(stop_signal, &name, &err)) << stop_signal << ": " << err;
  return name;
}

std::string error_of(std::string_view stop_signal) {
  std::string name = "unchanged";
  std::string err;
  EXPECT_FALSE(kill_signal_name(stop_signal, &name, &err)) << stop_signal;
  EXPECT_EQ(name, "unchanged");
  return err;
}

TEST(StopSignalTest, EmptyMeansSystemdsDefault) { EXPECT_EQ(name_of(""), ""); }

TEST(StopSignalTest, Names) {
  EXPECT_EQ(name_of("SIGTERM"), "SIGTERM");
  EXPECT_EQ(name_of("TERM"), "SIGTERM");
  EXPECT_EQ(name_of("SIGQUIT"), "SIGQUIT");
  EXPECT_EQ(name_of("sigquit"), "SIGQUIT");  // moby upper-cases
  EXPECT_EQ(name_of("Winch"), "SIGWINCH");
  EXPECT_EQ(name_of("SIGKILL"), "SIGKILL");
  EXPECT_EQ(name_of("SIGPWR"), "SIGPWR");
}

TEST(StopSignalTest, AliasesBecomeCanonicalNames) {
  EXPECT_EQ(name_of("SIGIOT"), "SIGABRT");
  EXPECT_EQ(name_of("POLL"), "SIGIO");
  EXPECT_EQ(name_of("SIGCLD"), "SIGCHLD");
}

TEST(StopSignalTest, Numbers) {
  EXPECT_EQ(name_of("15"), "SIGTERM");
  EXPECT_EQ(name_of(std::to_string(SIGQUIT)), "SIGQUIT");
  EXPECT_EQ(name_of("1"), "SIGHUP");
  EXPECT_EQ(name_of(std::to_string(SIGRTMIN)), "SIGRTMIN");
  EXPECT_EQ(name_of(std::to_string(SIGRTMIN + 3)), "SIGRTMIN+3");
  EXPECT_EQ(name_of(std::to_string(SIGRTMAX)), "SIGRTMIN+" + std::to_string(SIGRTMAX - SIGRTMIN));
}

TEST(StopSignalTest, RealTimeSignals) {
  EXPECT_EQ(name_of("SIGRTMIN"), "SIGRTMIN");
  EXPECT_EQ(name_of("RTMIN+0"), "SIGRTMIN");
  EXPECT_EQ(name_of("SIGRTMIN+3"), "SIGRTMIN+3");
  EXPECT_EQ(name_of("sigrtmin+3"), "SIGRTMIN+3");
  EXPECT_EQ(name_of("RTMAX"), "SIGRTMIN+" + std::to_string(SIGRTMAX - SIGRTMIN));
  EXPECT_EQ(name_of("SIGRTMAX-1"), "SIGRTMIN+" + std::to_string(SIGRTMAX - SIGRTMIN - 1));
  EXPECT_EQ(name_of("SIGRTMAX-" + std::to_string(SIGRTMAX - SIGRTMIN)), "SIGRTMIN");
}

TEST(StopSignalTest, UnknownIsAnError) {
  const std::string expected_tail =
      "' is not a signal: expected a name such as SIGTERM or SIGRTMIN+3, or a number from 1 to " +
      std::to_string(SIGRTMAX);
  EXPECT_EQ(error_of("SIGFOO"), "stop signal 'SIGFOO" + expected_tail);
  EXPECT_EQ(error_of("0"), "stop signal '0" + expected_tail);
  EXPECT_EQ(error_of(std::to_string(SIGRTMAX + 1)),
            "stop signal '" + std::to_string(SIGRTMAX + 1) + expected_tail);
  EXPECT_EQ(error_of("1000"), "stop signal '1000" + expected_tail);
  EXPECT_EQ(error_of("-15"), "stop signal '-15" + expected_tail);
  EXPECT_EQ(error_of(" TERM"), "stop signal ' TERM" + expected_tail);
  EXPECT_EQ(error_of("SIG"), "stop signal 'SIG" + expected_tail);
  EXPECT_EQ(error_of("RTMIN-1"), "stop signal 'RTMIN-1" + expected_tail);
  EXPECT_EQ(error_of("RTMIN+"), "stop signal 'RTMIN+" + expected_tail);
  EXPECT_EQ(error_of("RTMAX+1"), "stop signal 'RTMAX+1" + expected_tail);
  EXPECT_EQ(error_of("RTMIN+" + std::to_string(SIGRTMAX - SIGRTMIN + 1)),
            "stop signal 'RTMIN+" + std::to_string(SIGRTMAX - SIGRTMIN + 1) + expected_tail);
  EXPECT_EQ(error_of("TERM\n"), "stop signal 'TERM\\x0a" + expected_tail);
}

TEST(StopSignalTest, ReservedNumbersAreErrors) {
  // glibc keeps 32 and 33 for itself (SIGRTMIN is 34); no name reaches them.
  for (int number = 32; number < SIGRTMIN; ++number) {
    EXPECT_EQ(error_of(std::to_string(number)),
              "stop signal " + std::to_string(number) +
                  " is reserved by the C library and has no name systemd knows; use SIGRTMIN or "
                  "above");
  }
}

TEST(StopSignalTest, CleanExitSignals) {
  EXPECT_TRUE(is_clean_exit_signal("SIGTERM"));
  EXPECT_TRUE(is_clean_exit_signal("SIGHUP"));
  EXPECT_TRUE(is_clean_exit_signal("SIGINT"));
  EXPECT_TRUE(is_clean_exit_signal("SIGPIPE"));
  EXPECT_FALSE(is_clean_exit_signal("SIGQUIT"));
  EXPECT_FALSE(is_clean_exit_signal("SIGKILL"));
}

}  // namespace
}  // namespace sdme::app
