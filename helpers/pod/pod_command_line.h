// sdme-pod's command line: `create NAME`, `remove NAME`, `--help`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdme::pod {

enum class PodAction { kCreate, kRemove };

struct PodCommand {
  bool help = false;
  PodAction action = PodAction::kCreate;
  std::string pod_name;  // validated like a container name
};

bool parse_pod_command_line(const std::vector<std::string>& arguments, PodCommand* command,
                            std::string* err);

std::string_view pod_usage();

}  // namespace sdme::pod
