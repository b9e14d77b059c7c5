// The ID-mapped view of a lower layer that an overlay for a user-namespaced
// container is made of (uid_shift.h): the container's own root, made by
// sdme-overlay, and an app's tree, made by sdme-app, both go through here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/rollback.h"

namespace sdme::overlay {

// Mounts `lower` at `view` (made if missing) with owners shifted by `base`
// over `range` IDs, recorded in `rollback`. A view a run that died left
// mounted is taken down first. `upper`, the layer the overlay will write
// to, takes base:base when it exists with another owner (check_app_upper
// and resolve_uid_base allow that only for an empty one): its owner is the
// record of the range. A failed ID-mapped mount is reported as
// "CONTEXT: REASON".
bool mount_shifted_view(const std::string& lower, const std::string& view, uint32_t base,
                        uint32_t range, const std::string& upper, std::string_view context,
                        Rollback* rollback, std::string* err);

// Once the overlay is mounted: overlayfs holds its own reference to each
// layer, so the view's mount point goes, and nothing is left for the stop
// to find.
bool release_shifted_view(const std::string& view, std::string* err);

}  // namespace sdme::overlay
