// Checks an OpenSSH public key line as authorized_keys(5) holds it
// ("[options ]TYPE BASE64 [comment]"), so SSHAuthorizedKeys= refuses a
// private key, a fingerprint or a cut-off paste before the container starts.
#pragma once

#include <string>
#include <string_view>

namespace sdme::file {

// The key types sshd accepts in authorized_keys.
bool is_ssh_key_type(std::string_view type);

// On failure *err says what is wrong, without repeating the line.
bool validate_ssh_public_key_line(std::string_view line, std::string* err);

}  // namespace sdme::file
