// The RootPasswordHash= check; see password_hash.h.
#include "common/password_hash_shape.h"

#include <crypt.h>
#include <string.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace sdme {
namespace {

// The characters of a crypt(3) hash: its base-64 alphabet, the '$' between
// fields and the '=' and ',' of parameters such as "rounds=5000".
bool is_hash_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/' || c == '$' ||
         c == '=' || c == ',';
}

struct HashLength {
  std::string_view prefix;
  size_t last_field_length;  // the text after the last '$'
};

// The methods whose hashed part has one length; other methods are only
// checked to have one.
constexpr std::array kHashLengths = {
    HashLength{"$y$", 43},
    HashLength{"$gy$", 43},
    HashLength{"$7$", 43},
    HashLength{"$6$", 86},
    HashLength{"$5$", 43},
    HashLength{"$1$", 22},
    // bcrypt: 22 characters of salt and 31 of hash, with no '$' between.
    HashLength{"$2b$", 53},
    HashLength{"$2a$", 53},
    HashLength{"$2y$", 53},
};

}  // namespace

bool validate_password_hash(std::string_view hash, std::string* err) {
  if (hash.empty() || hash[0] != '$' || !std::all_of(hash.begin(), hash.end(), is_hash_char)) {
    *err = "is not a crypt(3) hash";
    return false;
  }
  // crypt_checksalt() reads only the method and its parameters, so the
  // shape of the rest is checked here: a hashed part of the method's length.
  // sdme-provision asks this of what may be a password: the copy crypt(3)
  // needs is wiped on every way out.
  std::string text(hash);
  struct Wipe {
    std::string& text;
    ~Wipe() { ::explicit_bzero(text.data(), text.size()); }
  } wipe{text};
  switch (crypt_checksalt(text.c_str())) {
    case CRYPT_SALT_OK:
      break;
    case CRYPT_SALT_METHOD_LEGACY:
      *err = "uses a legacy hashing method that libxcrypt no longer accepts for new hashes";
      return false;
    case CRYPT_SALT_TOO_CHEAP:
      *err = "uses too few rounds to be safe";
      return false;
    case CRYPT_SALT_METHOD_DISABLED:
      *err = "uses a hashing method this system's libxcrypt has disabled";
      return false;
    default:
      *err = "is not a crypt(3) hash";
      return false;
  }
  const std::string_view last_field = hash.substr(hash.rfind('$') + 1);
  size_t expected = 0;
  for (const HashLength& method : kHashLengths)
    if (hash.starts_with(method.prefix)) expected = method.last_field_length;
  if (last_field.empty() || (expected != 0 && last_field.size() != expected) ||
      last_field.find_first_of("=,") != std::string_view::npos) {
    *err = "is not a whole crypt(3) hash: the hashed part is missing or cut short";
    return false;
  }
  return true;
}

}  // namespace sdme
