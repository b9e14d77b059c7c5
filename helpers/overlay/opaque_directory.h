// Opaque directories in an overlay upper layer: trusted.overlay.opaque=y on
// an upper directory hides everything the lower layer has below that path,
// so the container sees only what the upper layer holds there.
#pragma once

#include <string>
#include <string_view>

#include "common/rollback.h"

namespace sdme::overlay {

inline constexpr char kOpaqueAttribute[] = "trusted.overlay.opaque";

// Makes `directory` (a normalized absolute path as the container sees it,
// not "/") an opaque directory in `upper`, creating it and its parents as
// make_layer_directories() does, modelled on `lower`. Nothing to do when the
// container deleted it (a whiteout hides it already). Records every change in
// `rollback`.
//
// Hiding /etc/systemd/system keeps the lower layer's dbus.service symlink
// (see opaque_directory.cc).
bool make_opaque_directory(const std::string& upper, const std::string& lower,
                           std::string_view directory, Rollback* rollback, std::string* err);

}  // namespace sdme::overlay
