// Where the root password comes from, read before anything in the tree is
// touched: a root-only file of the administrator's (--root-password-file=,
// from RootPasswordFile=) or one of systemd's well-known credentials
// (systemd.system-credentials(7)) in $CREDENTIALS_DIRECTORY, which
// LoadCredential= or SetCredentialEncrypted= put there. At most one of
// them may be given. No message ever holds what a source contains.
#pragma once

#include <string>
#include <string_view>

#include "helpers/provision/secret_text.h"

namespace sdme::provision {

inline constexpr std::string_view kHashedPasswordCredential = "passwd.hashed-password.root";
inline constexpr std::string_view kPlaintextPasswordCredential = "passwd.plaintext-password.root";

// One line; longer is no password anyone types.
inline constexpr size_t kMaxPasswordSize = 4096;

struct RootPassword {
  bool given = false;
  // The source held a crypt(3) hash: used as it is.
  std::string hash;
  // The source held a password: hashed with yescrypt (or kept, when the
  // hash already in the tree is one of it).
  SecretText plaintext;
  // For messages: "/etc/sdme/web.password" or "credential passwd.hashed-password.root".
  std::string source;
};

// `password_file` is "" when not given; `credentials_directory` is
// $CREDENTIALS_DIRECTORY, "" when unset. No source at all is no error:
// password->given stays false.
bool read_root_password(const std::string& password_file, const std::string& credentials_directory,
                        RootPassword* password, std::string* err);

}  // namespace sdme::provision
