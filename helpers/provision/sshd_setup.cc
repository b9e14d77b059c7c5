// SSH= as a whole: set up, or taken back.
#include "helpers/provision/sshd_setup.h"

#include "helpers/provision/markers.h"
#include "helpers/provision/ssh_host_keys.h"
#include "helpers/provision/sshd_config.h"
#include "helpers/provision/sshd_unit.h"
#include "helpers/provision/tree_files.h"

namespace sdme::provision {

bool set_up_sshd(const ContainerTree& tree, const SshSettings& settings, std::string* err) {
  if (!settings.enabled) {
    return remove_tree_file_if_ours(tree, kSshdDropInPath, kSshMarker, err) &&
           remove_host_key_units(tree, err) && disable_sshd_unit(tree, err);
  }
  // Everything is checked before anything is written, so a tree without a
  // usable sshd is left as it was.
  SshdUnit unit;
  if (!find_sshd_unit(tree.root, &unit, err)) return false;
  return write_sshd_drop_in(tree.root, settings.port, settings.password_login, err) &&
         set_up_host_keys(tree, unit, err) && enable_sshd_unit(tree.root, unit, err);
}

}  // namespace sdme::provision
