// Running a tool sdme-import needs (systemd-nspawn, qemu-img,
// systemd-dissect, cp) and keeping what it said, so that a failure is
// reported with the tool's own last words and its exit status, never
// swallowed: a status thrown away turns a failed step into a silent success.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sdme::import {

struct ChildProcessResult {
  // The exit status, or -1 when the process was killed by a signal.
  int exit_status = -1;
  int signal = 0;
  // The end of stdout and stderr, interleaved as the process wrote them.
  std::string output_tail;
  bool output_truncated = false;

  bool succeeded() const { return signal == 0 && exit_status == 0; }
  // "exit status 100" or "killed by signal SIGKILL".
  std::string describe_status() const;
  // The last `max_lines` lines of the output as one line: newlines become
  // "; ", control characters are escaped, and a cut beginning is marked
  // with "...".
  std::string output_summary(size_t max_lines = 10) const;
};

// The size of the output tail kept by default: enough for an apt-get or
// qemu-img error, small enough for one journal message.
inline constexpr size_t kDefaultOutputTail = 4096;

// Runs `arguments` (arguments[0] is an absolute path or a name looked up in
// $PATH) with stdin from /dev/null and stdout and stderr into one pipe, of
// which the last `output_tail` bytes are kept, and waits for it. Returns
// false only when the program could not be started; a program that ran and
// failed is reported through `result`.
bool run_child_process(const std::vector<std::string>& arguments, ChildProcessResult* result,
                       std::string* err, size_t output_tail = kDefaultOutputTail);

// The first executable NAME in the colon-separated `search_path` ($PATH
// when empty), or "" when there is none.
std::string find_program(const std::string& name, const std::string& search_path = "");

}  // namespace sdme::import
