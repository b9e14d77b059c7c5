// Runs a program with a chosen environment and collects what it printed, for
// the golden case runner (the generator and systemd-analyze).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sdme {

struct ProcessResult {
  int exit_code = -1;  // -1 when the program died from a signal or was killed
  bool timed_out = false;
  std::string standard_output;
  std::string standard_error;
};

// Runs `arguments` (the first one is looked up in $PATH if it has no '/')
// with exactly `environment` ("NAME=VALUE" entries) and waits at most
// `timeout_seconds`. Returns false only if the program could not be started.
bool run_process(const std::vector<std::string>& arguments,
                 const std::vector<std::string>& environment, int timeout_seconds,
                 ProcessResult* result, std::string* err);

// This process's environment without any variable whose name starts with one
// of `dropped_prefixes`, plus `added` (which replaces variables of the same
// name).
std::vector<std::string> environment_with(const std::vector<std::string>& dropped_prefixes,
                                          const std::map<std::string, std::string>& added);

}  // namespace sdme
