// The command lines of sdme-overlay and sdme-dns: a contract between the
// generator, which writes them into every unit, and the helpers, which parse
// them. Both sides use this one format/parse pair, so an option's spelling
// exists once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdme {

// sdme-overlay mount NAME --lower=PATH [--host-clone] [--opaque=DIR]...
//                         [--ephemeral] [--hostname=HOSTNAME]
struct OverlayMountRequest {
  std::string container_name;
  // The root file system the container starts from; never written to.
  std::string lower;
  // `lower` is the host's own root: hide sdme's state and configuration.
  bool host_clone = false;
  // Paths inside the container whose lower-layer contents are hidden.
  std::vector<std::string> opaque_directories;
  // Keep the upper layer on a tmpfs, so nothing survives a stop.
  bool ephemeral = false;
  // Written to the container's /etc/hostname when not empty.
  std::string hostname;
};

enum class OverlayAction { kHelp, kMount, kUnmount };

struct OverlayCommand {
  OverlayAction action = OverlayAction::kHelp;
  // For kMount: everything; for kUnmount: only container_name.
  OverlayMountRequest request;
};

// How sdme-dns prepares /etc/resolv.conf: the container shares the host's
// network (a placeholder nspawn fills) or has its own (a link to the stub
// of its own systemd-resolved).
enum class DnsNetwork { kHost, kPrivate };

// sdme-dns NAME --network=host|private
struct DnsCommand {
  bool help = false;
  std::string container_name;
  DnsNetwork network = DnsNetwork::kHost;
};

// The arguments after the program name, in the order the parsers expect.
std::vector<std::string> format_overlay_mount_arguments(const OverlayMountRequest& request);
std::vector<std::string> format_overlay_unmount_arguments(std::string_view container_name);
std::vector<std::string> format_dns_arguments(std::string_view container_name, DnsNetwork network);

// `arguments` excludes the program name.
bool parse_overlay_command_line(const std::vector<std::string>& arguments, OverlayCommand* command,
                                std::string* err);
bool parse_dns_command_line(const std::vector<std::string>& arguments, DnsCommand* command,
                            std::string* err);

std::string_view overlay_usage();
std::string_view dns_usage();

}  // namespace sdme
