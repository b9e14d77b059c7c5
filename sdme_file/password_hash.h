// Checks that RootPasswordHash= holds a whole crypt(3) hash of a method
// libxcrypt accepts, so a plaintext password or a truncated hash written
// there by mistake is refused before it reaches a unit.
#pragma once

#include <string>
#include <string_view>

namespace sdme::file {

// On failure *err says why in a few words ("is not a crypt(3) hash",
// "uses a legacy method ...") without repeating the value.
bool validate_password_hash(std::string_view hash, std::string* err);

}  // namespace sdme::file
