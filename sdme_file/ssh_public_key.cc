// The SSHAuthorizedKeys= key line check; see ssh_public_key.h.
#include "sdme_file/ssh_public_key.h"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace sdme::file {
namespace {

constexpr std::array<std::string_view, 8> kKeyTypes = {
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-dss",
};

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Standard base64 with '=' padding to a multiple of four, as ssh-keygen
// writes it; nullopt for anything else.
std::optional<std::vector<uint8_t>> decode_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  while (padding < 2 && text.size() > padding && text[text.size() - 1 - padding] == '=') ++padding;
  std::vector<uint8_t> bytes;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < text.size() - padding; ++i) {
    int value = base64_value(text[i]);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<uint8_t>(buffer >> bits));
    }
  }
  return bytes;
}

// The public key blob of every type sshd accepts is a run of SSH strings
// (a 32-bit big-endian length, then the bytes) that fills it exactly, the
// first its own type, with at least one more: a key cut short or with
// something appended does not parse.
bool blob_has_type(const std::vector<uint8_t>& blob, std::string_view type) {
  std::vector<std::string_view> fields;
  size_t at = 0;
  while (at < blob.size()) {
    if (blob.size() - at < 4) return false;
    uint64_t length = (uint64_t{blob[at]} << 24) | (uint64_t{blob[at + 1]} << 16) |
                      (uint64_t{blob[at + 2]} << 8) | uint64_t{blob[at + 3]};
    at += 4;
    if (blob.size() - at < length) return false;
    fields.emplace_back(reinterpret_cast<const char*>(blob.data()) + at, length);
    at += length;
  }
  return fields.size() >= 2 && fields[0] == type;
}

std::vector<std::string_view> split_on_blanks(std::string_view line) {
  std::vector<std::string_view> words;
  size_t at = 0;
  while (at < line.size()) {
    size_t start = line.find_first_not_of(" \t", at);
    if (start == std::string_view::npos) break;
    size_t end = line.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = line.size();
    words.push_back(line.substr(start, end - start));
    at = end;
  }
  return words;
}

}  // namespace

bool is_ssh_key_type(std::string_view type) {
  for (std::string_view known : kKeyTypes)
    if (type == known) return true;
  return false;
}

bool validate_ssh_public_key_line(std::string_view line, std::string* err) {
  for (char c : line) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7F) {
      *err = "contains a control character";
      return false;
    }
  }
  if (line.find("PRIVATE KEY") != std::string_view::npos) {
    *err = "looks like a private key; give the public key (the .pub file's line)";
    return false;
  }
  // Options come first and may hold quoted blanks, so the key is the
  // first known type followed by base64 of a blob of that type.
  std::vector<std::string_view> words = split_on_blanks(line);
  bool saw_type = false;
  for (size_t i = 0; i < words.size(); ++i) {
    if (!is_ssh_key_type(words[i])) continue;
    saw_type = true;
    if (i + 1 == words.size()) break;
    std::optional<std::vector<uint8_t>> blob = decode_base64(words[i + 1]);
    if (blob && blob_has_type(*blob, words[i])) return true;
  }
  if (!saw_type) {
    *err =
        "is not an OpenSSH public key line: no key type (ssh-ed25519, ssh-rsa, "
        "ecdsa-sha2-nistp256, ...) found";
    return false;
  }
  *err =
      "is not an OpenSSH public key line: the base64 after the key type is missing, cut "
      "short or of another type";
  return false;
}

}  // namespace sdme::file
