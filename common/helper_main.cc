// The start every sdme helper's main() shares.
#include "common/helper_main.h"

#include <cstdio>

namespace sdme {

void print_usage(std::string_view usage, bool to_stderr) {
  std::fwrite(usage.data(), 1, usage.size(), to_stderr ? stderr : stdout);
}

}  // namespace sdme
