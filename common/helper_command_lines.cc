// The command lines of sdme-overlay, sdme-dns, sdme-provision and sdme-app: formatting for the
// generator, parsing for the helpers.
#include "common/helper_command_lines.h"

#include <algorithm>
#include <charconv>

#include "common/name.h"

namespace sdme {
namespace {

constexpr std::string_view kMountAction = "mount";
constexpr std::string_view kUnmountAction = "umount";
constexpr std::string_view kLowerOption = "--lower";
constexpr std::string_view kHostCloneOption = "--host-clone";
constexpr std::string_view kOpaqueOption = "--opaque";
constexpr std::string_view kEphemeralOption = "--ephemeral";
constexpr std::string_view kHostnameOption = "--hostname";
constexpr std::string_view kPrivateUsersOption = "--private-users";
constexpr std::string_view kNetworkOption = "--network";
constexpr std::string_view kHostNetwork = "host";
constexpr std::string_view kPrivateNetwork = "private";
constexpr std::string_view kRootPasswordFileOption = "--root-password-file";
constexpr std::string_view kAuthorizedKeysOption = "--authorized-keys";
constexpr std::string_view kSshOption = "--ssh";
constexpr std::string_view kSshPortOption = "--ssh-port";
constexpr std::string_view kSshPasswordLoginOption = "--ssh-password-login";
constexpr std::string_view kAppArmorProfileOption = "--apparmor-profile";
constexpr std::string_view kNetworkLinkOption = "--network-link";
constexpr std::string_view kVethLink = "veth";
constexpr std::string_view kNamedLinkPrefixes[] = {"zone:", "bridge:"};
constexpr uint16_t kDefaultSshPort = 22;
constexpr std::string_view kImageOption = "--image";
constexpr std::string_view kEntrypointOption = "--entrypoint";
constexpr std::string_view kExecOption = "--exec";
constexpr std::string_view kEnvironmentOption = "--environment";
constexpr std::string_view kUserOption = "--user";
constexpr std::string_view kWorkingDirectoryOption = "--working-directory";
constexpr std::string_view kNetworkNamespaceOption = "--network-namespace";

constexpr std::string_view kOverlayUsage =
    "Usage: sdme-overlay mount NAME --lower=PATH [--host-clone] [--opaque=DIR]...\n"
    "                          [--ephemeral] [--hostname=HOSTNAME]\n"
    "                          [--private-users=pick|UID[:RANGE]]\n"
    "       sdme-overlay umount NAME\n"
    "\n"
    "Mounts or unmounts the overlayfs root of container NAME at\n"
    "$SDME_STATE_DIR/containers/NAME/merged (default /var/lib/sdme). Generated\n"
    "units run it before systemd-nspawn starts and after it stops.\n"
    "\n"
    "  --lower=PATH         the root file system the container starts from, read-only\n"
    "  --host-clone         PATH is the host's own root: hide sdme's state and\n"
    "                       configuration from the container\n"
    "  --opaque=DIR         hide what the lower layer has below DIR (a path inside\n"
    "                       the container); may be repeated\n"
    "  --ephemeral          keep the container's changes on a tmpfs, gone after stop\n"
    "  --hostname=HOSTNAME  write HOSTNAME to the container's /etc/hostname, which\n"
    "                       systemd in the container reads when it boots\n"
    "  --private-users=pick|UID[:RANGE]\n"
    "                       the container runs in a user namespace: show the lower\n"
    "                       layer shifted into its UID range (picked here, and\n"
    "                       recorded as the upper layer's owner, for pick)\n"
    "  --help               show this help\n";

constexpr std::string_view kDnsUsage =
    "Usage: sdme-dns NAME --network=host|private\n"
    "\n"
    "Prepares /etc/resolv.conf of container NAME through its overlay, mounted by\n"
    "sdme-overlay at $SDME_STATE_DIR/containers/NAME/merged:\n"
    "  host     a regular file, a placeholder that systemd-nspawn\n"
    "           --resolv-conf=auto copies the host's resolver configuration into;\n"
    "           the container's systemd-resolved masked\n"
    "  private  a link to the stub of the container's own systemd-resolved\n"
    "\n"
    "  --help   show this help\n";

constexpr std::string_view kProvisionUsage =
    "Usage: sdme-provision NAME [--root-password-file=PATH] [--authorized-keys=KEYS]...\n"
    "                           [--ssh] [--ssh-port=PORT] [--ssh-password-login]\n"
    "                           [--apparmor-profile=PROFILE]\n"
    "                           [--network-link=veth|zone:NAME|bridge:NAME]\n"
    "\n"
    "Prepares container NAME through its overlay, mounted by sdme-overlay at\n"
    "$SDME_STATE_DIR/containers/NAME/merged: its own /etc/machine-id, the root\n"
    "password, root's SSH keys and sshd. Changes land in the upper layer only;\n"
    "a second run changes nothing.\n"
    "\n"
    "  --root-password-file=PATH  a file only root can read, holding a crypt(3)\n"
    "                             hash or a password; the credentials\n"
    "                             passwd.hashed-password.root and\n"
    "                             passwd.plaintext-password.root in\n"
    "                             $CREDENTIALS_DIRECTORY are read too\n"
    "  --authorized-keys=KEYS     an absolute path to a file of keys, or one key\n"
    "                             line, for /root/.ssh/authorized_keys; may be\n"
    "                             repeated\n"
    "  --ssh                      enable sshd in the container, with host keys of\n"
    "                             its own\n"
    "  --ssh-port=PORT            the port sshd listens on (default 22)\n"
    "  --ssh-password-login       let root log in with the password, not only keys\n"
    "  --apparmor-profile=PROFILE check that the unit's AppArmor profile is\n"
    "                             loaded where AppArmor is on\n"
    "  --network-link=veth|zone:NAME|bridge:NAME\n"
    "                             the container's link to the host, as Network=\n"
    "                             names it: enable systemd-networkd and\n"
    "                             systemd-resolved in it to configure the link\n"
    "  --help                     show this help\n";

constexpr std::string_view kAppUsage =
    "Usage: sdme-app NAME [--image=ROOTFS [OVERRIDE]...]\n"
    "\n"
    "Prepares container NAME through its overlay, mounted by sdme-overlay at\n"
    "$SDME_STATE_DIR/containers/NAME/merged, to run an application image as the\n"
    "service sdme-app.service, enabled in multi-user.target. Changes land in the\n"
    "upper layer only; a second run changes nothing.\n"
    "\n"
    "  --image=ROOTFS               the rootfs the app runs from, imported from an\n"
    "                               OCI or Docker image into\n"
    "                               $SDME_STATE_DIR/rootfs/ROOTFS; without it, the\n"
    "                               unit an earlier run wrote is taken back\n"
    "  --entrypoint=WORD            replaces the image's Entrypoint (and its Cmd);\n"
    "                               once per word\n"
    "  --exec=WORD                  replaces the image's Cmd; once per word\n"
    "  --environment=NAME=VALUE     added to the image's Env, over its own value\n"
    "  --user=USER[:GROUP]          the user the app runs as, in the app's tree\n"
    "  --working-directory=PATH     the app's working directory\n"
    "  --network-namespace=PATH     a network namespace file in the container the\n"
    "                               app joins (its pod's)\n"
    "  --help                       show this help\n";

// "veth", "zone:NAME" or "bridge:NAME" with a name; the generator
// validated the name itself, and it only ever reaches messages here.
bool is_network_link(std::string_view value) {
  if (value == kVethLink) return true;
  for (std::string_view prefix : kNamedLinkPrefixes)
    if (value.size() > prefix.size() && value.substr(0, prefix.size()) == prefix) return true;
  return false;
}

bool wants_help(const std::vector<std::string>& arguments) {
  return std::any_of(arguments.begin(), arguments.end(),
                     [](const std::string& argument) { return argument == "--help"; });
}

bool is_option(std::string_view argument) { return argument.substr(0, 1) == "-"; }

// An argument none of a helper's options took: the container name, its
// one positional argument, the first time (checked by `validate` when
// given); an error otherwise.
bool take_container_name(const std::string& argument, std::string* name, bool* have_name,
                         std::string* err,
                         bool (*validate)(std::string_view, std::string*) = nullptr) {
  if (is_option(argument)) {
    *err = "unknown option '" + argument + "'";
    return false;
  }
  if (*have_name) {
    *err = "unexpected argument '" + argument + "'";
    return false;
  }
  if (validate && !validate(argument, err)) return false;
  *name = argument;
  *have_name = true;
  return true;
}

// "--key=value" -> value, when `argument` starts with "--key=".
bool option_value(std::string_view argument, std::string_view key, std::string* value) {
  if (argument.size() <= key.size() || argument.substr(0, key.size()) != key ||
      argument[key.size()] != '=')
    return false;
  *value = std::string(argument.substr(key.size() + 1));
  return true;
}

bool parse_mount_options(const std::vector<std::string>& options, OverlayMountRequest* request,
                         std::string* err) {
  bool have_lower = false;
  bool have_hostname = false;
  for (const std::string& option : options) {
    std::string value;
    if (option == kHostCloneOption) {
      request->host_clone = true;
    } else if (option == kEphemeralOption) {
      request->ephemeral = true;
    } else if (option_value(option, kLowerOption, &value)) {
      if (have_lower) {
        *err = "--lower is given more than once";
        return false;
      }
      if (value.empty()) {
        *err = "--lower needs a path";
        return false;
      }
      request->lower = value;
      have_lower = true;
    } else if (option_value(option, kOpaqueOption, &value)) {
      request->opaque_directories.push_back(value);
    } else if (option_value(option, kHostnameOption, &value)) {
      // Checked as a host name by mount_overlay(), with every other input.
      if (have_hostname) {
        *err = "--hostname is given more than once";
        return false;
      }
      if (value.empty()) {
        *err = "--hostname needs a name";
        return false;
      }
      request->hostname = value;
      have_hostname = true;
    } else if (option_value(option, kPrivateUsersOption, &value)) {
      // Checked by mount_overlay(), with every other input.
      request->private_users = value;
    } else if (is_option(option)) {
      *err = "unknown option '" + option + "'";
      return false;
    } else {
      *err = "unexpected argument '" + option + "'";
      return false;
    }
  }
  if (!have_lower) {
    *err = "mount needs --lower=PATH";
    return false;
  }
  return true;
}

std::string with_value(std::string_view name, std::string_view value) {
  std::string text(name);
  text += '=';
  text += value;
  return text;
}

}  // namespace

std::vector<std::string> format_overlay_mount_arguments(const OverlayMountRequest& request) {
  std::vector<std::string> arguments = {std::string(kMountAction), request.container_name,
                                        with_value(kLowerOption, request.lower)};
  if (request.host_clone) arguments.emplace_back(kHostCloneOption);
  if (request.ephemeral) arguments.emplace_back(kEphemeralOption);
  for (const std::string& directory : request.opaque_directories)
    arguments.push_back(with_value(kOpaqueOption, directory));
  if (!request.hostname.empty()) arguments.push_back(with_value(kHostnameOption, request.hostname));
  if (!request.private_users.empty())
    arguments.push_back(with_value(kPrivateUsersOption, request.private_users));
  return arguments;
}

std::vector<std::string> format_overlay_unmount_arguments(std::string_view container_name) {
  return {std::string(kUnmountAction), std::string(container_name)};
}

std::vector<std::string> format_dns_arguments(std::string_view container_name, DnsNetwork network) {
  return {
      std::string(container_name),
      with_value(kNetworkOption, network == DnsNetwork::kHost ? kHostNetwork : kPrivateNetwork)};
}

std::vector<std::string> format_provision_arguments(const ProvisionRequest& request) {
  std::vector<std::string> arguments = {request.container_name};
  if (!request.root_password_file.empty())
    arguments.push_back(with_value(kRootPasswordFileOption, request.root_password_file));
  for (const std::string& keys : request.authorized_keys)
    arguments.push_back(with_value(kAuthorizedKeysOption, keys));
  if (request.ssh) arguments.emplace_back(kSshOption);
  if (request.ssh_port != kDefaultSshPort)
    arguments.push_back(with_value(kSshPortOption, std::to_string(request.ssh_port)));
  if (request.ssh_password_login) arguments.emplace_back(kSshPasswordLoginOption);
  if (!request.apparmor_profile.empty())
    arguments.push_back(with_value(kAppArmorProfileOption, request.apparmor_profile));
  if (!request.network_link.empty())
    arguments.push_back(with_value(kNetworkLinkOption, request.network_link));
  return arguments;
}

std::vector<std::string> format_app_arguments(const AppRequest& request) {
  std::vector<std::string> arguments = {request.container_name};
  if (request.image_rootfs.empty()) return arguments;
  arguments.push_back(with_value(kImageOption, request.image_rootfs));
  if (request.entrypoint)
    for (const std::string& word : *request.entrypoint)
      arguments.push_back(with_value(kEntrypointOption, word));
  if (request.exec)
    for (const std::string& word : *request.exec)
      arguments.push_back(with_value(kExecOption, word));
  for (const std::string& assignment : request.environment)
    arguments.push_back(with_value(kEnvironmentOption, assignment));
  if (request.user) arguments.push_back(with_value(kUserOption, *request.user));
  if (request.working_directory)
    arguments.push_back(with_value(kWorkingDirectoryOption, *request.working_directory));
  if (!request.network_namespace.empty())
    arguments.push_back(with_value(kNetworkNamespaceOption, request.network_namespace));
  return arguments;
}

bool parse_overlay_command_line(const std::vector<std::string>& arguments, OverlayCommand* command,
                                std::string* err) {
  *command = OverlayCommand{};
  if (wants_help(arguments)) return true;
  if (arguments.empty()) {
    *err = "missing command: mount or umount";
    return false;
  }
  const std::string& action = arguments[0];
  if (action == kMountAction) {
    command->action = OverlayAction::kMount;
  } else if (action == kUnmountAction) {
    command->action = OverlayAction::kUnmount;
  } else {
    *err = "unknown command '" + action + "'; expected mount or umount";
    return false;
  }
  if (arguments.size() < 2 || is_option(arguments[1])) {
    *err = "missing container name after '" + action + "'";
    return false;
  }
  command->request.container_name = arguments[1];
  std::vector<std::string> options(arguments.begin() + 2, arguments.end());
  if (command->action == OverlayAction::kUnmount) {
    if (!options.empty()) {
      *err = "umount takes only a container name, not '" + options[0] + "'";
      return false;
    }
    return true;
  }
  return parse_mount_options(options, &command->request, err);
}

bool parse_dns_command_line(const std::vector<std::string>& arguments, DnsCommand* command,
                            std::string* err) {
  *command = DnsCommand{};
  if (wants_help(arguments)) {
    command->help = true;
    return true;
  }
  bool have_name = false;
  bool have_network = false;
  for (const std::string& argument : arguments) {
    std::string value;
    if (option_value(argument, kNetworkOption, &value)) {
      if (have_network) {
        *err = "--network is given more than once";
        return false;
      }
      if (value == kHostNetwork) {
        command->network = DnsNetwork::kHost;
      } else if (value == kPrivateNetwork) {
        command->network = DnsNetwork::kPrivate;
      } else {
        *err = "--network must be host or private, not '" + value + "'";
        return false;
      }
      have_network = true;
    } else if (!take_container_name(argument, &command->container_name, &have_name, err)) {
      return false;
    }
  }
  if (!have_name) {
    *err = "missing container name";
    return false;
  }
  if (!have_network) {
    *err = "missing --network=host|private";
    return false;
  }
  return true;
}

bool parse_provision_command_line(const std::vector<std::string>& arguments,
                                  ProvisionCommand* command, std::string* err) {
  *command = ProvisionCommand{};
  if (wants_help(arguments)) {
    command->help = true;
    return true;
  }
  ProvisionRequest& request = command->request;
  bool have_name = false;
  for (const std::string& argument : arguments) {
    std::string value;
    if (argument == kSshOption) {
      request.ssh = true;
    } else if (argument == kSshPasswordLoginOption) {
      request.ssh_password_login = true;
    } else if (option_value(argument, kRootPasswordFileOption, &value)) {
      if (!request.root_password_file.empty()) {
        *err = "--root-password-file is given more than once";
        return false;
      }
      if (value.empty() || value[0] != '/') {
        *err = "--root-password-file needs an absolute path, not '" + value + "'";
        return false;
      }
      request.root_password_file = value;
    } else if (option_value(argument, kAuthorizedKeysOption, &value)) {
      if (value.empty()) {
        *err = "--authorized-keys needs a key line or an absolute path";
        return false;
      }
      request.authorized_keys.push_back(value);
    } else if (option_value(argument, kSshPortOption, &value)) {
      unsigned port = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), port);
      if (error != std::errc() || end != value.data() + value.size() || port == 0 || port > 65535) {
        *err = "--ssh-port must be a port number from 1 to 65535, not '" + value + "'";
        return false;
      }
      request.ssh_port = static_cast<uint16_t>(port);
    } else if (option_value(argument, kAppArmorProfileOption, &value)) {
      if (value.empty()) {
        *err = "--apparmor-profile needs a profile name";
        return false;
      }
      request.apparmor_profile = value;
    } else if (option_value(argument, kNetworkLinkOption, &value)) {
      if (!is_network_link(value)) {
        *err = "--network-link must be veth, zone:NAME or bridge:NAME, not '" + value + "'";
        return false;
      }
      request.network_link = value;
    } else if (!take_container_name(argument, &request.container_name, &have_name, err)) {
      return false;
    }
  }
  if (!have_name) {
    *err = "missing container name";
    return false;
  }
  if (!request.ssh && (request.ssh_port != kDefaultSshPort || request.ssh_password_login)) {
    *err = "--ssh-port and --ssh-password-login need --ssh";
    return false;
  }
  return true;
}

bool parse_app_command_line(const std::vector<std::string>& arguments, AppCommand* command,
                            std::string* err) {
  *command = AppCommand{};
  if (wants_help(arguments)) {
    command->help = true;
    return true;
  }
  AppRequest& request = command->request;
  bool have_name = false;
  bool have_image = false;
  bool have_override = false;
  for (const std::string& argument : arguments) {
    std::string value;
    if (option_value(argument, kImageOption, &value)) {
      if (have_image) {
        *err = "--image is given more than once";
        return false;
      }
      std::string name_err;
      if (!validate_rootfs_name(value, &name_err)) {
        *err = "--image: " + name_err;
        return false;
      }
      request.image_rootfs = value;
      have_image = true;
    } else if (option_value(argument, kEntrypointOption, &value)) {
      if (!request.entrypoint) request.entrypoint.emplace();
      request.entrypoint->push_back(value);
      have_override = true;
    } else if (option_value(argument, kExecOption, &value)) {
      if (!request.exec) request.exec.emplace();
      request.exec->push_back(value);
      have_override = true;
    } else if (option_value(argument, kEnvironmentOption, &value)) {
      if (value.find('=') == std::string::npos) {
        *err = "--environment needs NAME=VALUE, not '" + value + "'";
        return false;
      }
      request.environment.push_back(value);
      have_override = true;
    } else if (option_value(argument, kUserOption, &value)) {
      if (value.empty()) {
        *err = "--user needs a user name or ID";
        return false;
      }
      request.user = value;
      have_override = true;
    } else if (option_value(argument, kWorkingDirectoryOption, &value)) {
      if (value.empty() || value[0] != '/') {
        *err = "--working-directory needs an absolute path, not '" + value + "'";
        return false;
      }
      request.working_directory = value;
      have_override = true;
    } else if (option_value(argument, kNetworkNamespaceOption, &value)) {
      if (value.empty() || value[0] != '/') {
        *err = "--network-namespace needs an absolute path, not '" + value + "'";
        return false;
      }
      request.network_namespace = value;
      have_override = true;
    } else if (!take_container_name(argument, &request.container_name, &have_name, err,
                                    validate_container_name)) {
      return false;
    }
  }
  if (!have_name) {
    *err = "missing container name";
    return false;
  }
  if (have_override && !have_image) {
    *err = "the app's overrides need --image to say which app they change";
    return false;
  }
  return true;
}

std::string_view overlay_usage() { return kOverlayUsage; }
std::string_view dns_usage() { return kDnsUsage; }
std::string_view provision_usage() { return kProvisionUsage; }
std::string_view app_usage() { return kAppUsage; }

}  // namespace sdme
