// sdme-overlay: ExecStartPre= and ExecStopPost= of a generated container
// unit. Mounts the container's overlayfs root and writes its /etc/hostname
// before systemd-nspawn starts, and unmounts it after it stops.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/helper_command_lines.h"
#include "common/helper_main.h"
#include "common/log.h"
#include "common/paths.h"
#include "helpers/container/container_layout.h"
#include "helpers/overlay/inotify_headroom.h"
#include "helpers/overlay/overlay_mount.h"

namespace {

// A container that finds the kernel's inotify limit used up fails to boot
// only after its start timeout, and says so only inside; warn from here,
// where the journal shows it with the unit. Advisory: never stops a start.
void note_inotify_headroom(const std::string& container_name) {
  sdme::container::ContainerLayout layout;
  sdme::overlay::InotifyHeadroom headroom;
  std::string err;
  // A bad name is mount_overlay's to report.
  if (!sdme::container::make_container_layout(container_name, &layout, &err)) return;
  if (!sdme::overlay::read_inotify_headroom(sdme::proc_dir(), layout.containers_dir, container_name,
                                            &headroom, &err)) {
    sdme::log_info("cannot check the inotify limit: " + err);
    return;
  }
  switch (sdme::overlay::judge_inotify_headroom(headroom)) {
    case sdme::overlay::HeadroomVerdict::kEnough:
      return;
    case sdme::overlay::HeadroomVerdict::kApproachingLimit:
      sdme::log_notice(sdme::overlay::inotify_headroom_message(headroom));
      return;
    case sdme::overlay::HeadroomVerdict::kOverLimit:
      sdme::log_warning(sdme::overlay::inotify_headroom_message(headroom));
      return;
  }
}

int run_mount(const sdme::OverlayMountRequest& request) {
  sdme::overlay::OverlayMountResult result;
  std::string err;
  bool mounted = sdme::overlay::mount_overlay(request, &result, &err);
  for (const std::string& warning : result.warnings) sdme::log_warning(warning);
  if (!mounted) {
    sdme::log_error(err);
    return sdme::kExitFailure;
  }
  std::string hostname = request.hostname.empty() ? "" : " (host name " + request.hostname + ")";
  if (result.already_mounted)
    sdme::log_info("overlay at " + result.merged + " is mounted already; using it" + hostname);
  else
    sdme::log_info("mounted overlay at " + result.merged + " over " + request.lower +
                   (request.ephemeral ? ", changes on a tmpfs" : "") + hostname);
  return sdme::kExitSuccess;
}

int run_unmount(const std::string& container_name) {
  std::vector<std::string> warnings;
  std::string err;
  bool unmounted = sdme::overlay::unmount_overlay(container_name, &warnings, &err);
  for (const std::string& warning : warnings) sdme::log_warning(warning);
  if (!unmounted) {
    sdme::log_error(err);
    return sdme::kExitFailure;
  }
  return sdme::kExitSuccess;
}

}  // namespace

int main(int argc, char** argv) {
  sdme::OverlayCommand command;
  if (std::optional<int> status = sdme::start_helper(
          "sdme-overlay", argc, argv, sdme::parse_overlay_command_line,
          [](const sdme::OverlayCommand& parsed) {
            return parsed.action == sdme::OverlayAction::kHelp;
          },
          sdme::overlay_usage(), &command))
    return *status;
  std::string err;

  // Every message from here on names the container (SDME_CONTAINER= in the journal).
  sdme::log_set_container(command.request.container_name);

  // The work: the container name is validated before it becomes a path.
  if (command.action == sdme::OverlayAction::kMount) {
    note_inotify_headroom(command.request.container_name);
    return run_mount(command.request);
  }
  return run_unmount(command.request.container_name);
}
