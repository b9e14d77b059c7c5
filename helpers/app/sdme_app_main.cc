// sdme-app: ExecStartPre= of a generated container unit that runs an
// application image, after sdme-overlay mounted the container's root.
// Writes the unit that runs the app inside the booted container, with the
// user it runs as listed in the container's user database and the mount
// point of the app's tree made; without an image, takes that unit back.
// Every input is read and checked before the tree is touched.
#include <optional>
#include <string>

#include "common/helper_command_lines.h"
#include "common/helper_main.h"
#include "common/log.h"
#include "common/paths.h"
#include "helpers/app/app_mount.h"
#include "helpers/app/app_setup.h"
#include "helpers/provision/container_tree.h"

int main(int argc, char** argv) {
  sdme::AppCommand command;
  if (std::optional<int> status = sdme::start_helper(
          "sdme-app", argc, argv, sdme::parse_app_command_line,
          [](const sdme::AppCommand& parsed) { return parsed.help; }, sdme::app_usage(), &command))
    return *status;
  std::string err;
  const sdme::AppRequest& request = command.request;

  // Every message from here on names the container (SDME_CONTAINER= in the journal).
  sdme::log_set_container(request.container_name);

  // Inputs first: an image that cannot run leaves the tree as it was.
  const bool wants_app = !request.image_rootfs.empty();
  sdme::app::AppSetup setup;
  if (wants_app &&
      !sdme::app::read_app_setup(sdme::state_dir() + "/rootfs", request, &setup, &err)) {
    sdme::log_error(err);
    return sdme::kExitFailure;
  }

  // The container's mounted overlay.
  sdme::provision::ContainerTree tree;
  if (!sdme::provision::open_container_tree(request.container_name, &tree, &err)) {
    sdme::log_error(err);
    return sdme::kExitFailure;
  }

  // The app's unit and what it needs, or taking back an earlier run's unit.
  if (wants_app ? !sdme::app::write_app_setup(tree, setup, &err)
                : !sdme::app::take_back_app(tree, &err)) {
    sdme::log_error(err);
    return sdme::kExitFailure;
  }

  // The app's tree at its mount point, or an earlier app's taken down.
  if (!sdme::app::update_app_tree(request.container_name, request.image_rootfs, &err) ||
      (wants_app && !sdme::app::ensure_app_working_directory(request.container_name,
                                                             setup.working_directory, &err))) {
    sdme::log_error(err);
    return sdme::kExitFailure;
  }
  return sdme::kExitSuccess;
}
