// Where a container's overlay lives, and which upper layer is in use.
#include "helpers/container/container_layout.h"

#include "common/name.h"
#include "common/path_text.h"
#include "common/paths.h"
#include "helpers/container/mounts.h"

namespace sdme::container {

bool make_container_layout(std::string_view container_name, ContainerLayout* layout,
                           std::string* err) {
  if (!validate_container_name(container_name, err)) return false;
  layout->container_name = std::string(container_name);
  layout->state_dir = normalize_path(state_dir());
  layout->containers_dir = layout->state_dir + "/containers";
  layout->container_dir = layout->containers_dir + "/" + std::string(container_name);
  layout->upper = layout->container_dir + "/upper";
  layout->work = layout->container_dir + "/work";
  layout->merged = layout->container_dir + "/merged";
  layout->ephemeral = layout->container_dir + "/ephemeral";
  layout->ephemeral_upper = layout->ephemeral + "/upper";
  layout->ephemeral_work = layout->ephemeral + "/work";
  layout->idmapped_lower = layout->container_dir + "/idmapped-lower";
  return true;
}

bool find_upper_layer_in_use(const ContainerLayout& layout, std::string* upper, std::string* err) {
  // The tmpfs is the one sign that cannot outlive the run: a leftover empty
  // ephemeral/ directory after a crash would otherwise send writes to a
  // layer no overlay uses.
  MountPoint ephemeral;
  if (!find_mount_point(layout.ephemeral, &ephemeral, err)) return false;
  *upper = ephemeral.mounted ? layout.ephemeral_upper : layout.upper;
  return true;
}

}  // namespace sdme::container
