// sdme-provision: ExecStartPre= of a generated container unit, after
// sdme-overlay mounted the container's root and sdme-dns prepared its
// resolver. Makes the container a small server one can log into: its own
// machine ID, root's password and SSH keys, sshd, and the services that
// configure its link to the host. Every input is read and
// checked before the tree is touched; then each part runs, and each
// failure is one line in the journal.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/helper_command_lines.h"
#include "common/helper_main.h"
#include "common/log.h"
#include "helpers/provision/apparmor_profile.h"
#include "helpers/provision/authorized_keys.h"
#include "helpers/provision/container_tree.h"
#include "helpers/provision/host_networkd.h"
#include "helpers/provision/machine_id.h"
#include "helpers/provision/network_services.h"
#include "helpers/provision/password_source.h"
#include "helpers/provision/root_password.h"
#include "helpers/provision/sshd_setup.h"

namespace {

constexpr long kSecondsPerDay = 24L * 60 * 60;

// Logs a failed step and remembers it, so every failure is reported, each
// on its own line, before the exit status says so.
bool report(bool ok, const std::string& err, bool* failed) {
  if (!ok) {
    sdme::log_error(err);
    *failed = true;
  }
  return ok;
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

int main(int argc, char** argv) {
  sdme::ProvisionCommand command;
  if (std::optional<int> status = sdme::start_helper(
          "sdme-provision", argc, argv, sdme::parse_provision_command_line,
          [](const sdme::ProvisionCommand& parsed) { return parsed.help; }, sdme::provision_usage(),
          &command))
    return *status;
  std::string err;
  const sdme::ProvisionRequest& request = command.request;

  // Every message from here on names the container (SDME_CONTAINER= in the journal).
  sdme::log_set_container(request.container_name);

  // Inputs first: a missing key file or a bad password leaves the tree as it was.
  bool failed = false;
  sdme::provision::RootPassword password;
  report(sdme::provision::read_root_password(request.root_password_file,
                                             environment("CREDENTIALS_DIRECTORY"), &password, &err),
         err, &failed);
  std::string authorized_keys;
  report(sdme::provision::read_authorized_keys(request.authorized_keys, &authorized_keys, &err),
         err, &failed);
  // systemd applies the profile; a profile that is not loaded would fail
  // the start later with a message that names neither it nor the fix.
  if (!request.apparmor_profile.empty()) {
    std::string notice;
    report(sdme::provision::check_apparmor_profile(request.apparmor_profile, &notice, &err), err,
           &failed);
    if (!notice.empty()) sdme::log_notice(notice);
  }
  if (failed) return sdme::kExitFailure;

  // The container's mounted overlay; the name is validated before it becomes a path.
  sdme::provision::ContainerTree tree;
  if (!report(sdme::provision::open_container_tree(request.container_name, &tree, &err), err,
              &failed))
    return sdme::kExitFailure;

  // Its own machine ID, whatever else is asked for.
  report(sdme::provision::set_up_machine_id(tree, &err), err, &failed);
  // Root's password, only when one is given: the tree's own stays otherwise.
  if (password.given) {
    long today = static_cast<long>(std::time(nullptr)) / kSecondsPerDay;
    report(sdme::provision::set_up_root_password(tree, password, today, &err), err, &failed);
  }
  // Root's SSH keys; none given takes back the ones an earlier run wrote.
  report(sdme::provision::set_up_authorized_keys(tree, authorized_keys, &err), err, &failed);
  // sshd, or taking back what an earlier SSH=yes wrote.
  sdme::provision::SshSettings ssh{request.ssh, request.ssh_port, request.ssh_password_login};
  report(sdme::provision::set_up_sshd(tree, ssh, &err), err, &failed);
  // The services that configure a link to the host, or taking them back.
  std::vector<std::string> notices;
  report(sdme::provision::set_up_network_services(tree, request.network_link, &notices, &err), err,
         &failed);
  if (sdme::provision::host_configures_link(request.network_link))
    notices.push_back(sdme::provision::host_networkd_notice(
        request.container_name, request.network_link, sdme::provision::host_networkd_state()));
  for (const std::string& notice : notices)
    if (!notice.empty()) sdme::log_notice(notice);

  return failed ? sdme::kExitFailure : sdme::kExitSuccess;
}
