// Where a container's overlay lives under the state directory, and which of
// its upper layers is in use. sdme-overlay and sdme-dns both take their paths
// from here, so they cannot disagree.
#pragma once

#include <string>
#include <string_view>

namespace sdme::container {

// STATE/containers/NAME and what is inside it:
//   upper/, work/  the persistent copy-on-write layer and overlayfs' scratch
//                  directory (same file system, as overlayfs requires)
//   merged/        where the overlay is mounted: systemd-nspawn's root
//   ephemeral/     a tmpfs holding upper/ and work/ instead, when the
//                  container must not keep anything after it stops
//   idmapped-lower/ where the lower layer's ID-mapped view is mounted while
//                  the overlay is made of it (helpers/overlay/uid_shift.h)
struct ContainerLayout {
  std::string container_name;
  std::string state_dir;
  std::string containers_dir;
  std::string container_dir;
  std::string upper;
  std::string work;
  std::string merged;
  std::string ephemeral;
  std::string ephemeral_upper;
  std::string ephemeral_work;
  std::string idmapped_lower;
};

// Validates the name first: it is joined to paths that root writes to.
bool make_container_layout(std::string_view container_name, ContainerLayout* layout,
                           std::string* err);

// The upper layer the mounted overlay uses: the ephemeral one while its
// tmpfs is mounted, the persistent one otherwise.
bool find_upper_layer_in_use(const ContainerLayout& layout, std::string* upper, std::string* err);

}  // namespace sdme::container
