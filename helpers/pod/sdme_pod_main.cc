// sdme-pod: ExecStart= and ExecStop= of sdme-pod@NAME.service. Creates the
// network namespace that the containers with Pod=NAME join, and removes it
// when the last of them has stopped.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "common/paths.h"
#include "helpers/pod/pod_command_line.h"
#include "helpers/pod/pod_namespace.h"

namespace {

constexpr int kExitSuccess = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void print_usage(std::FILE* stream) {
  std::string_view usage = sdme::pod::pod_usage();
  std::fwrite(usage.data(), 1, usage.size(), stream);
}

}  // namespace

int main(int argc, char** argv) {
  // Journal when systemd runs us for a unit, stderr for a person.
  sdme::log_open("sdme-pod");

  // Usage errors exit 2, apart from failures of the work itself.
  sdme::pod::PodCommand command;
  std::string err;
  if (!sdme::pod::parse_pod_command_line(std::vector<std::string>(argv + 1, argv + argc), &command,
                                         &err)) {
    sdme::log_error(err);
    print_usage(stderr);
    return kExitUsage;
  }
  if (command.help) {
    print_usage(stdout);
    return kExitSuccess;
  }

  // The pods live under the runtime directory ($SDME_RUN_DIR for tests).
  const std::string pods_directory = sdme::run_dir() + "/pods";

  // The work: create or remove, each idempotent.
  bool done = command.action == sdme::pod::PodAction::kCreate
                  ? sdme::pod::create_pod(pods_directory, command.pod_name, &err)
                  : sdme::pod::remove_pod(pods_directory, command.pod_name, &err);
  if (!done) {
    sdme::log_error("pod " + command.pod_name + ": " + err);
    return kExitFailure;
  }
  return kExitSuccess;
}
