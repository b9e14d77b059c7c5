// sdme-pod's command line, parsed and validated before anything is touched.
#include "helpers/pod/pod_command_line.h"

#include "common/name.h"

namespace sdme::pod {

bool parse_pod_command_line(const std::vector<std::string>& arguments, PodCommand* command,
                            std::string* err) {
  *command = PodCommand{};
  for (const std::string& argument : arguments) {
    if (argument == "--help" || argument == "-h") {
      command->help = true;
      return true;
    }
  }
  if (arguments.size() != 2) {
    *err = "expected a command and a pod name, e.g. 'create NAME'";
    return false;
  }
  if (arguments[0] == "create") {
    command->action = PodAction::kCreate;
  } else if (arguments[0] == "remove") {
    command->action = PodAction::kRemove;
  } else {
    *err = "unknown command '" + arguments[0] + "', use create or remove";
    return false;
  }
  // The name becomes a directory under /run/sdme/pods.
  if (!validate_pod_name(arguments[1], err)) return false;
  command->pod_name = arguments[1];
  return true;
}

std::string_view pod_usage() {
  return "Usage: sdme-pod create NAME\n"
         "       sdme-pod remove NAME\n"
         "\n"
         "Creates or removes the network namespace of pod NAME, with only lo, held by a\n"
         "bind mount on /run/sdme/pods/NAME/netns ($SDME_RUN_DIR/pods/NAME/netns).\n"
         "Run by sdme-pod@NAME.service; see sdme-pod(8).\n";
}

}  // namespace sdme::pod
