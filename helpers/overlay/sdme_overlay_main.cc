// sdme-overlay: ExecStartPre= and ExecStopPost= of a generated container
// unit. Mounts the container's overlayfs root and writes its /etc/hostname
// before systemd-nspawn starts, and unmounts it after it stops.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "common/helper_command_lines.h"
#include "helpers/overlay/overlay_mount.h"

namespace {

constexpr int kExitSuccess = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void print_usage(std::FILE* stream) {
  std::string_view usage = sdme::overlay_usage();
  std::fwrite(usage.data(), 1, usage.size(), stream);
}

int run_mount(const sdme::OverlayMountRequest& request) {
  sdme::overlay::OverlayMountResult result;
  std::string err;
  bool mounted = sdme::overlay::mount_overlay(request, &result, &err);
  for (const std::string& warning : result.warnings) sdme::log_warning(warning);
  if (!mounted) {
    sdme::log_error(err);
    return kExitFailure;
  }
  std::string hostname = request.hostname.empty() ? "" : " (host name " + request.hostname + ")";
  if (result.already_mounted)
    sdme::log_info("overlay at " + result.merged + " is mounted already; using it" + hostname);
  else
    sdme::log_info("mounted overlay at " + result.merged + " over " + request.lower +
                   (request.ephemeral ? ", changes on a tmpfs" : "") + hostname);
  return kExitSuccess;
}

int run_unmount(const std::string& container_name) {
  std::vector<std::string> warnings;
  std::string err;
  bool unmounted = sdme::overlay::unmount_overlay(container_name, &warnings, &err);
  for (const std::string& warning : warnings) sdme::log_warning(warning);
  if (!unmounted) {
    sdme::log_error(err);
    return kExitFailure;
  }
  return kExitSuccess;
}

}  // namespace

int main(int argc, char** argv) {
  // Journal when systemd runs us for a unit, stderr for a person.
  sdme::log_open("sdme-overlay");

  // Usage errors exit 2, apart from failures of the work itself.
  sdme::OverlayCommand command;
  std::string err;
  if (!sdme::parse_overlay_command_line(std::vector<std::string>(argv + 1, argv + argc), &command,
                                        &err)) {
    sdme::log_error(err);
    print_usage(stderr);
    return kExitUsage;
  }
  if (command.action == sdme::OverlayAction::kHelp) {
    print_usage(stdout);
    return kExitSuccess;
  }

  // Every message from here on names the container (SDME_CONTAINER= in the journal).
  sdme::log_set_container(command.request.container_name);

  // The work: the container name is validated before it becomes a path.
  if (command.action == sdme::OverlayAction::kMount) return run_mount(command.request);
  return run_unmount(command.request.container_name);
}
