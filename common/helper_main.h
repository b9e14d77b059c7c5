// The start every sdme helper's main() shares: the log opened under the
// program's name (the journal when systemd runs it for a unit, stderr for
// a person), the command line parsed with the helper's own parser, --help
// answered and a usage error reported, with the exit statuses systemd
// shows for them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"

namespace sdme {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailure = 1;
// A bad command line, apart from failures of the work itself.
inline constexpr int kExitUsage = 2;

// Writes `usage` to stdout (for --help) or stderr (after a usage error).
void print_usage(std::string_view usage, bool to_stderr);

// Opens the log as `program` and parses argv[1..] into *command with
// `parse`. Returns the status main() returns at once: kExitUsage after a
// usage error (logged, the usage on stderr), kExitSuccess after --help
// (`wants_help`, the usage on stdout); nullopt when there is work to do.
template <typename Command, typename Parse, typename WantsHelp>
std::optional<int> start_helper(std::string_view program, int argc, char** argv, Parse parse,
                                WantsHelp wants_help, std::string_view usage, Command* command) {
  log_open(program);
  std::string err;
  if (!parse(std::vector<std::string>(argv + 1, argv + argc), command, &err)) {
    log_error(err);
    print_usage(usage, true);
    return kExitUsage;
  }
  if (wants_help(*command)) {
    print_usage(usage, false);
    return kExitSuccess;
  }
  return std::nullopt;
}

}  // namespace sdme
