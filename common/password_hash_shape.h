// Whether a text is a whole crypt(3) hash of a method libxcrypt accepts,
// from its form alone: the generator refuses a plaintext password or a
// truncated hash in RootPasswordHash= before it reaches a unit, and
// sdme-provision tells a hash from a password without hashing anything
// (yescrypt takes some 100 ms by design, at every container start).
#pragma once

#include <string>
#include <string_view>

namespace sdme {

// On failure *err says why in a few words ("is not a crypt(3) hash",
// "uses a legacy method ...") without repeating the value.
bool validate_password_hash(std::string_view hash, std::string* err);

}  // namespace sdme
