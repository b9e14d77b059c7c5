// crypt(3) hashes through libxcrypt.
#include "helpers/provision/password_hash.h"

#include <crypt.h>
#include <string.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/password_hash_shape.h"

namespace sdme::provision {
namespace {

constexpr char kYescryptPrefix[] = "$y$";

// libxcrypt's scratch space holds the password while it hashes; it is
// 32 KiB, so it lives on the heap, and is zeroed before it is freed.
struct CryptScratch {
  CryptScratch() : data(new crypt_data()) {}
  ~CryptScratch() { ::explicit_bzero(data.get(), sizeof(crypt_data)); }
  std::unique_ptr<crypt_data> data;
};

// Only characters crypt(3) writes; ':' or a newline would break
// /etc/shadow.
bool has_hash_characters(std::string_view text) {
  for (char c : text) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '/' || c == '$' || c == '=' || c == ',' || c == '-' ||
                   c == '+' || c == '_';
    if (!allowed) return false;
  }
  return true;
}

}  // namespace

HashKind classify_password_hash(std::string_view text) {
  if (text.empty() || !has_hash_characters(text)) return HashKind::kNotAHash;
  // A method fit to use is told by its form, the generator's own check: a
  // trial hash with it would cost a yescrypt run, some 100 ms, at every
  // start of the container.
  std::string why;
  if (validate_password_hash(text, &why)) return HashKind::kHash;
  // Only "$"-prefixed legacy forms (MD5, SHA-256) count: a DES hash is any
  // 13 characters of its alphabet, and so is a password from pwgen 13. The
  // text may be a password: the copy is wiped (secret_text.h).
  if (text[0] != '$') return HashKind::kNotAHash;
  SecretText setting(text.size() + 1);
  std::memcpy(setting.data(), text.data(), text.size());
  setting.resize(text.size());
  if (::crypt_checksalt(setting.c_str()) != CRYPT_SALT_METHOD_LEGACY) return HashKind::kNotAHash;
  // Legacy methods (DES, MD5) are quick, and their forms are loose enough
  // to match a password ("hello123" is a DES setting): only a trial hash
  // of the same length shows a whole hash.
  CryptScratch scratch;
  const char* result = ::crypt_rn("sdme", setting.c_str(), scratch.data.get(), sizeof(crypt_data));
  if (result == nullptr || result[0] == '*' || std::strlen(result) != text.size())
    return HashKind::kNotAHash;
  return HashKind::kLegacyHash;
}

bool hash_password(const SecretText& password, std::string* hash, std::string* err) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  // No random bytes given: libxcrypt takes them from the kernel itself.
  if (::crypt_gensalt_rn(kYescryptPrefix, 0, nullptr, 0, setting, sizeof setting) == nullptr) {
    *err = std::string("cannot make a yescrypt salt: ") + std::strerror(errno);
    return false;
  }
  CryptScratch scratch;
  const char* result =
      ::crypt_rn(password.c_str(), setting, scratch.data.get(), sizeof(crypt_data));
  if (result == nullptr || result[0] == '*') {
    *err = std::string("cannot hash the root password with yescrypt: ") + std::strerror(errno);
    return false;
  }
  *hash = result;
  return true;
}

bool password_matches(const SecretText& password, std::string_view hash) {
  if (hash.empty() || !has_hash_characters(hash)) return false;
  std::string setting(hash);
  CryptScratch scratch;
  const char* result =
      ::crypt_rn(password.c_str(), setting.c_str(), scratch.data.get(), sizeof(crypt_data));
  return result != nullptr && result[0] != '*' && hash == result;
}

}  // namespace sdme::provision
