// Reading the root password from a root-only file or a systemd credential.
#include "helpers/provision/password_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/file_descriptor.h"
#include "common/strings.h"
#include "helpers/provision/password_hash.h"

namespace sdme::provision {
namespace {

enum class SourceKind {
  kFile,                 // a hash or a password, told apart by its form
  kHashedCredential,     // must be a hash
  kPlaintextCredential,  // always a password, even one that looks like a hash
};

struct Source {
  SourceKind kind;
  std::string path;
  std::string description;
};

std::string errno_text(int error) { return std::strerror(error); }

// Reads the whole file into `text`, never into memory that outlives it.
bool read_secret(const Source& source, bool check_owner, SecretText* text, std::string* err) {
  FileDescriptor file(::open(source.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!file.valid()) {
    *err = "cannot read " + source.description + ": " + errno_text(errno);
    return false;
  }
  struct stat status;
  if (::fstat(file.get(), &status) != 0) {
    *err = "cannot access " + source.description + ": " + errno_text(errno);
    return false;
  }
  if (!S_ISREG(status.st_mode)) {
    *err = source.description + " is not a regular file";
    return false;
  }
  // Anyone who could read it could log in as root in the container, and
  // anyone who could write it could choose root's password.
  if (check_owner && status.st_uid != 0) {
    *err = source.description + " is owned by UID " + std::to_string(status.st_uid) +
           ", not root; run chown root:root " + source.path;
    return false;
  }
  if (check_owner && (status.st_mode & 066) != 0) {
    *err = source.description + " can be read or written by others than root; run chmod 0600 " +
           source.path;
    return false;
  }
  SecretText buffer(kMaxPasswordSize + 1);
  size_t length = 0;
  while (length < buffer.capacity()) {
    ssize_t got = ::read(file.get(), buffer.data() + length, buffer.capacity() - length);
    if (got < 0) {
      if (errno == EINTR) continue;
      *err = "cannot read " + source.description + ": " + errno_text(errno);
      return false;
    }
    if (got == 0) break;
    length += static_cast<size_t>(got);
  }
  buffer.resize(length);
  if (length > kMaxPasswordSize) {
    *err = source.description + " holds more than " + std::to_string(kMaxPasswordSize) +
           " bytes; it must hold one line: a crypt(3) hash or a password";
    return false;
  }
  if (length > 0 && buffer.view().back() == '\n') buffer.resize(length - 1);
  std::string_view view = buffer.view();
  if (view.find('\n') != std::string_view::npos) {
    *err = source.description + " holds more than one line; it must hold one line: a crypt(3) " +
           "hash or a password";
    return false;
  }
  if (view.find('\0') != std::string_view::npos) {
    *err = source.description + " holds a NUL byte; it must hold one line: a crypt(3) hash or " +
           "a password";
    return false;
  }
  if (view.empty()) {
    *err = source.description + " is empty; it must hold one line: a crypt(3) hash or a password";
    return false;
  }
  *text = std::move(buffer);
  return true;
}

bool exists(const std::string& path) {
  struct stat status;
  return ::lstat(path.c_str(), &status) == 0;
}

std::string legacy_hash_error(const std::string& description) {
  return description +
         " holds a hash of an outdated method (DES or MD5), which sdme does not install; make "
         "a yescrypt hash with mkpasswd -m yescrypt, or give the password itself";
}

}  // namespace

bool read_root_password(const std::string& password_file, const std::string& credentials_directory,
                        RootPassword* password, std::string* err) {
  *password = RootPassword{};
  std::vector<Source> sources;
  if (!password_file.empty())
    sources.push_back({SourceKind::kFile, password_file, "root password file " + password_file});
  if (!credentials_directory.empty()) {
    for (auto [kind, name] :
         {std::pair{SourceKind::kHashedCredential, kHashedPasswordCredential},
          std::pair{SourceKind::kPlaintextCredential, kPlaintextPasswordCredential}}) {
      std::string path = credentials_directory + "/" + std::string(name);
      if (exists(path)) sources.push_back({kind, path, "credential " + std::string(name)});
    }
  }
  if (sources.empty()) return true;
  if (sources.size() > 1) {
    std::vector<std::string> names;
    for (const Source& source : sources) names.push_back(source.description);
    *err = "the root password is given more than once, by " + join(names, " and by ") +
           "; give it once";
    return false;
  }

  const Source& source = sources.front();
  SecretText text;
  if (!read_secret(source, source.kind == SourceKind::kFile, &text, err)) return false;
  HashKind kind = source.kind == SourceKind::kPlaintextCredential
                      ? HashKind::kNotAHash
                      : classify_password_hash(text.view());
  if (kind == HashKind::kLegacyHash) {
    *err = legacy_hash_error(source.description);
    return false;
  }
  if (source.kind == SourceKind::kHashedCredential && kind != HashKind::kHash) {
    *err = source.description + " does not hold a crypt(3) hash; make one with mkpasswd -m " +
           "yescrypt, or give the password as credential " +
           std::string(kPlaintextPasswordCredential);
    return false;
  }
  password->given = true;
  password->source = source.description;
  if (kind == HashKind::kHash)
    password->hash = std::string(text.view());
  else
    password->plaintext = std::move(text);
  return true;
}

}  // namespace sdme::provision
