// Root's password in /etc/shadow and /etc/passwd of a container.
#include "helpers/provision/root_password.h"

#include "helpers/provision/password_hash.h"
#include "helpers/provision/shadow_file.h"
#include "helpers/provision/tree_files.h"

namespace sdme::provision {
namespace {

constexpr std::string_view kEtc = "/etc";
constexpr std::string_view kShadow = "shadow";
constexpr std::string_view kPasswd = "passwd";
// A new /etc/shadow: shadow-utils' mode is 0640 with group shadow, whose
// number only the tree knows; 0600 root is as safe and needs none.
constexpr FileAttributes kNewShadowAttributes = {0600, 0, 0};

// The hash to install: the given one, the one in place when it is a hash
// of the given password, or a new yescrypt hash.
bool choose_hash(const RootPassword& password, bool have_current, const std::string& current,
                 std::string* hash, std::string* err) {
  if (!password.hash.empty()) {
    *hash = password.hash;
    return true;
  }
  if (have_current && password_matches(password.plaintext, current)) {
    *hash = current;
    return true;
  }
  return hash_password(password.plaintext, hash, err);
}

}  // namespace

bool set_up_root_password(const ContainerTree& tree, const RootPassword& password, long today,
                          std::string* err) {
  DirectoryHandle etc;
  if (!open_or_create_directory_beneath(tree.root, kEtc, 0755, nullptr, &etc, err)) return false;

  // Without root in /etc/passwd no password can log anyone in; better to
  // fail the start than to pretend.
  bool found = false;
  std::string passwd;
  FileAttributes passwd_attributes;
  if (!read_tree_file(etc, kPasswd, &found, &passwd, &passwd_attributes, err)) return false;
  bool root_found = false;
  std::string new_passwd = point_root_at_shadow(passwd, &root_found);
  if (!found || !root_found) {
    *err = "cannot set the root password from " + password.source + ": " + etc.path +
           "/passwd has no root entry; add one to the container's root file system";
    return false;
  }

  std::string shadow;
  FileAttributes shadow_attributes;
  if (!read_tree_file(etc, kShadow, &found, &shadow, &shadow_attributes, err)) return false;
  if (!found) shadow_attributes = kNewShadowAttributes;
  std::string current;
  bool have_current = find_root_hash(shadow, &current);
  std::string hash;
  if (!choose_hash(password, have_current, current, &hash, err)) return false;

  // Shadow first: a passwd entry pointing at a shadow without root's hash
  // would lock root out.
  return write_tree_file(etc, kShadow, set_root_hash(shadow, hash, today), shadow_attributes,
                         err) &&
         write_tree_file(etc, kPasswd, new_passwd, passwd_attributes, err);
}

}  // namespace sdme::provision
