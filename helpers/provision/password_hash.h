// crypt(3) hashes through libxcrypt: telling a hash from a password,
// hashing a password with yescrypt, and checking a password against a
// hash. No child process (chpasswd, openssl) ever sees a password.
#pragma once

#include <string>
#include <string_view>

#include "helpers/provision/secret_text.h"

namespace sdme::provision {

enum class HashKind {
  kHash,        // a complete hash of a method libxcrypt deems fit: used as is
  kLegacyHash,  // a complete hash of a method too weak to use (DES, MD5)
  kNotAHash,    // anything else: a password
};

// A complete hash, not a bare setting like "$6$salt": for a method fit to
// use, by its form (common/password_hash_shape.h); for a legacy one,
// because hashing anything with it as the setting gives a string of the
// same length.
HashKind classify_password_hash(std::string_view text);

// A yescrypt hash of `password` with a fresh random salt.
bool hash_password(const SecretText& password, std::string* hash, std::string* err);

// Whether `hash` is a hash of `password`. False for a locked or empty
// hash ("!", "*", "!$y$...", "").
bool password_matches(const SecretText& password, std::string_view hash);

}  // namespace sdme::provision
