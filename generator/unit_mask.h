// Whether `systemctl mask` hides one of systemd's own units. The generator
// links machines.target into multi-user.target itself, and steps aside for
// a mask: masking is how an administrator says "never start this".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdme::generator {

// The first of `directories` (highest precedence first) that has
// `unit_name` decides, as systemd's unit search does: the unit is masked if
// that file is empty or is /dev/null (directly or through a symbolic link).
// Nothing is opened, so no FIFO or device can block.
bool unit_is_masked(const std::vector<std::string>& directories, std::string_view unit_name);

}  // namespace sdme::generator
