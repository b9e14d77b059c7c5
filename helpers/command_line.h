// The command lines of sdme-overlay and sdme-dns, as generated units write
// them. Parsing is kept apart from main() so usage errors are tested word
// for word.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "helpers/container_dns.h"
#include "helpers/overlay_mount.h"

namespace sdme {

enum class OverlayAction { kHelp, kMount, kUnmount };

struct OverlayCommand {
  OverlayAction action = OverlayAction::kHelp;
  // For kMount: everything; for kUnmount: only container_name.
  OverlayMountRequest request;
};

struct DnsCommand {
  bool help = false;
  std::string container_name;
  NetworkMode network = NetworkMode::kHost;
};

// `arguments` excludes the program name.
bool parse_overlay_command_line(const std::vector<std::string>& arguments, OverlayCommand* command,
                                std::string* err);
bool parse_dns_command_line(const std::vector<std::string>& arguments, DnsCommand* command,
                            std::string* err);

std::string_view overlay_usage();
std::string_view dns_usage();

}  // namespace sdme
