// The command lines of sdme-overlay, sdme-dns, sdme-provision and sdme-app: a contract between the
// generator, which writes them into every unit, and the helpers, which parse
// them. Both sides use this one format/parse pair, so an option's spelling
// exists once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sdme {

// sdme-overlay mount NAME --lower=PATH [--host-clone] [--opaque=DIR]...
//                         [--ephemeral] [--hostname=HOSTNAME]
//                         [--private-users=pick|UID[:RANGE]]
struct OverlayMountRequest {
  std::string container_name;
  // The root file system the container starts from; never written to.
  std::string lower;
  // `lower` is the host's own root: hide sdme's state and configuration.
  bool host_clone = false;
  // Paths inside the container whose lower-layer contents are hidden.
  std::vector<std::string> opaque_directories;
  // Keep the upper layer on a tmpfs, so nothing survives a stop.
  bool ephemeral = false;
  // Written to the container's /etc/hostname when not empty.
  std::string hostname;
  // systemd-nspawn's --private-users= for this container: the lower layer
  // is shown shifted into that UID range. Empty: no user namespace.
  std::string private_users;
};

enum class OverlayAction { kHelp, kMount, kUnmount };

struct OverlayCommand {
  OverlayAction action = OverlayAction::kHelp;
  // For kMount: everything; for kUnmount: only container_name.
  OverlayMountRequest request;
};

// How sdme-dns prepares /etc/resolv.conf: the container shares the host's
// network (a placeholder nspawn fills) or has its own (a link to the stub
// of its own systemd-resolved).
enum class DnsNetwork { kHost, kPrivate };

// sdme-dns NAME --network=host|private
struct DnsCommand {
  bool help = false;
  std::string container_name;
  DnsNetwork network = DnsNetwork::kHost;
};

// sdme-provision NAME [--root-password-file=PATH] [--authorized-keys=KEYS]...
//                    [--ssh] [--ssh-port=PORT] [--ssh-password-login]
//                    [--apparmor-profile=PROFILE]
//                    [--network-link=veth|zone:NAME|bridge:NAME]
// Nothing secret is ever part of it: the unit that carries it is readable
// by every user. A password reaches the helper through a file only root can
// read or a systemd credential ($CREDENTIALS_DIRECTORY).
struct ProvisionRequest {
  std::string container_name;
  // RootPasswordFile=: a root-only file holding a crypt(3) hash or a
  // plaintext password, read when the container starts.
  std::string root_password_file;
  // SSHAuthorizedKeys=, in order: an absolute path names a file of keys,
  // anything else is one key line.
  std::vector<std::string> authorized_keys;
  // SSH=yes: sshd enabled in the container, listening on ssh_port.
  bool ssh = false;
  uint16_t ssh_port = 22;
  bool ssh_password_login = false;
  // The AppArmor profile the unit applies (AppArmorProfile=), checked to
  // be loaded where AppArmor is on; empty: none.
  std::string apparmor_profile;
  // The container's virtual Ethernet link to the host, as Network= names
  // it ("veth", "zone:lab", "bridge:br0"): systemd-networkd and
  // systemd-resolved are enabled in the container to configure it. Empty:
  // no link, and what an earlier run enabled is taken back.
  std::string network_link;
};

struct ProvisionCommand {
  bool help = false;
  ProvisionRequest request;
};

// sdme-app NAME [--image=ROOTFS [--entrypoint=WORD]... [--exec=WORD]...
//                [--environment=NAME=VALUE]... [--user=USER]
//                [--working-directory=PATH] [--network-namespace=PATH]]
// The overrides are the .sdme file's App* keys, after systemd expanded
// their specifiers; a word list is one option per word, in order.
struct AppRequest {
  std::string container_name;
  // The rootfs the app runs from, imported from an OCI or Docker image.
  // Empty: no app, and what an earlier run wrote is taken back.
  std::string image_rootfs;
  // Unset: the image's own. Set: never empty (an empty key unsets).
  std::optional<std::vector<std::string>> entrypoint;
  std::optional<std::vector<std::string>> exec;
  std::vector<std::string> environment;  // NAME=VALUE, over the image's Env
  std::optional<std::string> user;
  std::optional<std::string> working_directory;
  // A network namespace file inside the container that the app joins
  // (AppPod=); empty: the container's own network.
  std::string network_namespace;
};

struct AppCommand {
  bool help = false;
  AppRequest request;
};

// The arguments after the program name, in the order the parsers expect.
std::vector<std::string> format_overlay_mount_arguments(const OverlayMountRequest& request);
std::vector<std::string> format_overlay_unmount_arguments(std::string_view container_name);
std::vector<std::string> format_dns_arguments(std::string_view container_name, DnsNetwork network);
std::vector<std::string> format_provision_arguments(const ProvisionRequest& request);
std::vector<std::string> format_app_arguments(const AppRequest& request);

// `arguments` excludes the program name.
bool parse_overlay_command_line(const std::vector<std::string>& arguments, OverlayCommand* command,
                                std::string* err);
bool parse_dns_command_line(const std::vector<std::string>& arguments, DnsCommand* command,
                            std::string* err);
bool parse_provision_command_line(const std::vector<std::string>& arguments,
                                  ProvisionCommand* command, std::string* err);
// The container and rootfs names are validated (common/name.h): both
// become paths.
bool parse_app_command_line(const std::vector<std::string>& arguments, AppCommand* command,
                            std::string* err);

std::string_view overlay_usage();
std::string_view dns_usage();
std::string_view provision_usage();
std::string_view app_usage();

}  // namespace sdme
