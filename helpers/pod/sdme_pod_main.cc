// sdme-pod: ExecStart= and ExecStop= of sdme-pod@NAME.service. Creates the
// network namespace that the containers with Pod=NAME join, and removes it
// when the last of them has stopped.
#include <optional>
#include <string>

#include "common/helper_main.h"
#include "common/log.h"
#include "common/paths.h"
#include "helpers/pod/pod_command_line.h"
#include "helpers/pod/pod_namespace.h"

int main(int argc, char** argv) {
  sdme::pod::PodCommand command;
  if (std::optional<int> status = sdme::start_helper(
          "sdme-pod", argc, argv, sdme::pod::parse_pod_command_line,
          [](const sdme::pod::PodCommand& parsed) { return parsed.help; }, sdme::pod::pod_usage(),
          &command))
    return *status;
  std::string err;

  // The pods live under the runtime directory ($SDME_RUN_DIR for tests).
  const std::string pods_directory = sdme::run_dir() + "/pods";

  // The work: create or remove, each idempotent.
  bool done = command.action == sdme::pod::PodAction::kCreate
                  ? sdme::pod::create_pod(pods_directory, command.pod_name, &err)
                  : sdme::pod::remove_pod(pods_directory, command.pod_name, &err);
  if (!done) {
    sdme::log_error("pod " + command.pod_name + ": " + err);
    return sdme::kExitFailure;
  }
  return sdme::kExitSuccess;
}
