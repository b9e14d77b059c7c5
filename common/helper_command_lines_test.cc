// Tests for the command lines of sdme-overlay and sdme-dns: what the generator
// formats, the helpers parse back, and usage errors word for word.
#include "common/helper_command_lines.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sdme {
namespace {

std::string overlay_error(const std::vector<std::string>& arguments) {
  OverlayCommand command;
  std::string err;
  EXPECT_FALSE(parse_overlay_command_line(arguments, &command, &err));
  return err;
}

std::string dns_error(const std::vector<std::string>& arguments) {
  DnsCommand command;
  std::string err;
  EXPECT_FALSE(parse_dns_command_line(arguments, &command, &err));
  return err;
}

TEST(OverlayCommandLineTest, ParsesMountWithEveryOption) {
  OverlayCommand command;
  std::string err;
  ASSERT_TRUE(parse_overlay_command_line(
      {"mount", "web-foo", "--lower=/", "--host-clone", "--opaque=/etc/systemd/system",
       "--opaque=/srv", "--ephemeral", "--hostname=web-db"},
      &command, &err))
      << err;
  EXPECT_EQ(command.action, OverlayAction::kMount);
  EXPECT_EQ(command.request.container_name, "web-foo");
  EXPECT_EQ(command.request.lower, "/");
  EXPECT_TRUE(command.request.host_clone);
  EXPECT_EQ(command.request.opaque_directories,
            (std::vector<std::string>{"/etc/systemd/system", "/srv"}));
  EXPECT_TRUE(command.request.ephemeral);
  EXPECT_EQ(command.request.hostname, "web-db");
}

TEST(OverlayCommandLineTest, ParsesPlainMountAndUmount) {
  OverlayCommand command;
  std::string err;
  ASSERT_TRUE(parse_overlay_command_line({"mount", "web", "--lower=/var/lib/sdme/rootfs/debian"},
                                         &command, &err))
      << err;
  EXPECT_FALSE(command.request.host_clone);
  EXPECT_FALSE(command.request.ephemeral);
  EXPECT_TRUE(command.request.opaque_directories.empty());
  EXPECT_EQ(command.request.hostname, "");

  ASSERT_TRUE(parse_overlay_command_line({"umount", "web"}, &command, &err)) << err;
  EXPECT_EQ(command.action, OverlayAction::kUnmount);
  EXPECT_EQ(command.request.container_name, "web");
}

TEST(OverlayCommandLineTest, HelpWinsAnywhere) {
  OverlayCommand command;
  std::string err;
  ASSERT_TRUE(parse_overlay_command_line({"mount", "--help"}, &command, &err)) << err;
  EXPECT_EQ(command.action, OverlayAction::kHelp);
  EXPECT_EQ(overlay_usage().substr(0, 20), "Usage: sdme-overlay ");
}

TEST(OverlayCommandLineTest, UsageNamesEveryMountOption) {
  std::string_view usage = overlay_usage();
  EXPECT_EQ(usage.substr(0, usage.find("\n\n") + 1),
            "Usage: sdme-overlay mount NAME --lower=PATH [--host-clone] [--opaque=DIR]...\n"
            "                          [--ephemeral] [--hostname=HOSTNAME]\n"
            "                          [--private-users=pick|UID[:RANGE]]\n"
            "       sdme-overlay umount NAME\n");
  EXPECT_NE(usage.find("\n  --hostname=HOSTNAME  write HOSTNAME to the container's /etc/hostname"),
            std::string_view::npos);
}

TEST(OverlayCommandLineTest, ReportsUsageErrors) {
  EXPECT_EQ(overlay_error({}), "missing command: mount or umount");
  EXPECT_EQ(overlay_error({"start", "web"}), "unknown command 'start'; expected mount or umount");
  EXPECT_EQ(overlay_error({"mount"}), "missing container name after 'mount'");
  EXPECT_EQ(overlay_error({"mount", "--lower=/"}), "missing container name after 'mount'");
  EXPECT_EQ(overlay_error({"mount", "web"}), "mount needs --lower=PATH");
  EXPECT_EQ(overlay_error({"mount", "web", "--lower="}), "--lower needs a path");
  EXPECT_EQ(overlay_error({"mount", "web", "--lower=/a", "--lower=/b"}),
            "--lower is given more than once");
  EXPECT_EQ(overlay_error({"mount", "web", "--lower", "/a"}), "unknown option '--lower'");
  EXPECT_EQ(overlay_error({"mount", "web", "--lower=/a", "extra"}), "unexpected argument 'extra'");
  EXPECT_EQ(overlay_error({"mount", "web", "--lower=/a", "--readonly"}),
            "unknown option '--readonly'");
  EXPECT_EQ(overlay_error({"mount", "web", "--lower=/a", "--hostname="}),
            "--hostname needs a name");
  EXPECT_EQ(overlay_error({"mount", "web", "--lower=/a", "--hostname=a", "--hostname=b"}),
            "--hostname is given more than once");
  EXPECT_EQ(overlay_error({"mount", "web", "--lower=/a", "--hostname", "web"}),
            "unknown option '--hostname'");
  EXPECT_EQ(overlay_error({"umount", "web", "--hostname=web"}),
            "umount takes only a container name, not '--hostname=web'");
  EXPECT_EQ(overlay_error({"umount"}), "missing container name after 'umount'");
  EXPECT_EQ(overlay_error({"umount", "web", "--ephemeral"}),
            "umount takes only a container name, not '--ephemeral'");
}

TEST(DnsCommandLineTest, ParsesBothNetworks) {
  DnsCommand command;
  std::string err;
  ASSERT_TRUE(parse_dns_command_line({"web-foo", "--network=host"}, &command, &err)) << err;
  EXPECT_FALSE(command.help);
  EXPECT_EQ(command.container_name, "web-foo");
  EXPECT_EQ(command.network, DnsNetwork::kHost);
  ASSERT_TRUE(parse_dns_command_line({"--network=private", "web"}, &command, &err)) << err;
  EXPECT_EQ(command.container_name, "web");
  EXPECT_EQ(command.network, DnsNetwork::kPrivate);
}

TEST(DnsCommandLineTest, HelpWinsAnywhere) {
  DnsCommand command;
  std::string err;
  ASSERT_TRUE(parse_dns_command_line({"web", "--help"}, &command, &err)) << err;
  EXPECT_TRUE(command.help);
  EXPECT_EQ(dns_usage().substr(0, 16), "Usage: sdme-dns ");
}

TEST(DnsCommandLineTest, ReportsUsageErrors) {
  EXPECT_EQ(dns_error({}), "missing container name");
  EXPECT_EQ(dns_error({"--network=host"}), "missing container name");
  EXPECT_EQ(dns_error({"web"}), "missing --network=host|private");
  EXPECT_EQ(dns_error({"web", "--network=veth"}), "--network must be host or private, not 'veth'");
  EXPECT_EQ(dns_error({"web", "--network=host", "--network=private"}),
            "--network is given more than once");
  EXPECT_EQ(dns_error({"web", "other", "--network=host"}), "unexpected argument 'other'");
  EXPECT_EQ(dns_error({"web", "--net=host"}), "unknown option '--net=host'");
}

// What the generator writes, the helpers read back unchanged.
TEST(HelperCommandLinesTest, OverlayMountRoundTrips) {
  OverlayMountRequest request;
  request.container_name = "web-%i";
  request.lower = "/var/lib/sdme/rootfs/debian";
  request.host_clone = true;
  request.opaque_directories = {"/var/log", "/srv/a b"};
  request.ephemeral = true;
  request.hostname = "web";
  request.private_users = "pick";
  std::vector<std::string> arguments = format_overlay_mount_arguments(request);
  EXPECT_EQ(arguments, (std::vector<std::string>{
                           "mount", "web-%i", "--lower=/var/lib/sdme/rootfs/debian", "--host-clone",
                           "--ephemeral", "--opaque=/var/log", "--opaque=/srv/a b",
                           "--hostname=web", "--private-users=pick"}));
  OverlayCommand command;
  std::string err;
  ASSERT_TRUE(parse_overlay_command_line(arguments, &command, &err)) << err;
  EXPECT_EQ(command.action, OverlayAction::kMount);
  EXPECT_EQ(command.request.container_name, request.container_name);
  EXPECT_EQ(command.request.lower, request.lower);
  EXPECT_TRUE(command.request.host_clone);
  EXPECT_EQ(command.request.opaque_directories, request.opaque_directories);
  EXPECT_TRUE(command.request.ephemeral);
  EXPECT_EQ(command.request.hostname, request.hostname);
  EXPECT_EQ(command.request.private_users, "pick");
}

TEST(HelperCommandLinesTest, PlainMountAndUnmountRoundTrip) {
  OverlayMountRequest request;
  request.container_name = "web";
  request.lower = "/";
  std::vector<std::string> arguments = format_overlay_mount_arguments(request);
  EXPECT_EQ(arguments, (std::vector<std::string>{"mount", "web", "--lower=/"}));
  OverlayCommand command;
  std::string err;
  ASSERT_TRUE(parse_overlay_command_line(arguments, &command, &err)) << err;
  EXPECT_FALSE(command.request.host_clone);
  EXPECT_TRUE(command.request.hostname.empty());

  ASSERT_TRUE(parse_overlay_command_line(format_overlay_unmount_arguments("web"), &command, &err))
      << err;
  EXPECT_EQ(command.action, OverlayAction::kUnmount);
  EXPECT_EQ(command.request.container_name, "web");
}

TEST(HelperCommandLinesTest, DnsRoundTrips) {
  for (DnsNetwork network : {DnsNetwork::kHost, DnsNetwork::kPrivate}) {
    DnsCommand command;
    std::string err;
    ASSERT_TRUE(parse_dns_command_line(format_dns_arguments("web", network), &command, &err))
        << err;
    EXPECT_EQ(command.container_name, "web");
    EXPECT_EQ(command.network, network);
  }
  EXPECT_EQ(format_dns_arguments("web", DnsNetwork::kPrivate),
            (std::vector<std::string>{"web", "--network=private"}));
}

TEST(HelperCommandLinesTest, ProvisionRoundTrips) {
  ProvisionRequest request;
  request.container_name = "web";
  request.root_password_file = "/etc/sdme/web.password";
  request.authorized_keys = {"/root/keys", "ssh-ed25519 AAAAC3Nza me@laptop"};
  request.ssh = true;
  request.ssh_port = 2222;
  request.ssh_password_login = true;
  request.apparmor_profile = "sdme-default";
  request.network_link = "zone:lab";
  ProvisionCommand command;
  std::string err;
  ASSERT_TRUE(parse_provision_command_line(format_provision_arguments(request), &command, &err))
      << err;
  EXPECT_FALSE(command.help);
  EXPECT_EQ(command.request.container_name, "web");
  EXPECT_EQ(command.request.root_password_file, "/etc/sdme/web.password");
  EXPECT_EQ(command.request.authorized_keys, request.authorized_keys);
  EXPECT_TRUE(command.request.ssh);
  EXPECT_EQ(command.request.ssh_port, 2222);
  EXPECT_TRUE(command.request.ssh_password_login);
  EXPECT_EQ(command.request.apparmor_profile, "sdme-default");
  EXPECT_EQ(command.request.network_link, "zone:lab");
}

TEST(ProvisionCommandLineTest, TakesEveryNetworkLink) {
  for (std::string_view link : {"veth", "zone:lab", "bridge:br0"}) {
    ProvisionCommand command;
    std::string err;
    ASSERT_TRUE(parse_provision_command_line({"web", "--network-link=" + std::string(link)},
                                             &command, &err))
        << err;
    EXPECT_EQ(command.request.network_link, link);
  }
}

TEST(HelperCommandLinesTest, PlainProvisionIsTheNameAlone) {
  ProvisionRequest request;
  request.container_name = "web";
  EXPECT_EQ(format_provision_arguments(request), std::vector<std::string>{"web"});
  request.ssh = true;
  EXPECT_EQ(format_provision_arguments(request), (std::vector<std::string>{"web", "--ssh"}));
}

TEST(ProvisionCommandLineTest, ReportsUsageErrors) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{}, "missing container name"},
      {{"web", "db"}, "unexpected argument 'db'"},
      {{"web", "--bogus"}, "unknown option '--bogus'"},
      {{"web", "--ssh", "--ssh-port=0"},
       "--ssh-port must be a port number from 1 to 65535, not '0'"},
      {{"web", "--ssh", "--ssh-port=65536"},
       "--ssh-port must be a port number from 1 to 65535, not '65536'"},
      {{"web", "--ssh", "--ssh-port=22x"},
       "--ssh-port must be a port number from 1 to 65535, not '22x'"},
      {{"web", "--ssh-port=2222"}, "--ssh-port and --ssh-password-login need --ssh"},
      {{"web", "--root-password-file=pw"}, "--root-password-file needs an absolute path, not 'pw'"},
      {{"web", "--root-password-file=/a", "--root-password-file=/b"},
       "--root-password-file is given more than once"},
      {{"web", "--authorized-keys="}, "--authorized-keys needs a key line or an absolute path"},
      {{"web", "--apparmor-profile="}, "--apparmor-profile needs a profile name"},
      {{"web", "--network-link=private"},
       "--network-link must be veth, zone:NAME or bridge:NAME, not 'private'"},
      {{"web", "--network-link=zone:"},
       "--network-link must be veth, zone:NAME or bridge:NAME, not 'zone:'"},
  };
  for (const auto& [arguments, message] : cases) {
    ProvisionCommand command;
    std::string err;
    EXPECT_FALSE(parse_provision_command_line(arguments, &command, &err)) << message;
    EXPECT_EQ(err, message);
  }
}

TEST(ProvisionCommandLineTest, UsageNamesEveryOption) {
  for (std::string_view option :
       {"--root-password-file=", "--authorized-keys=", "--ssh ",
        "--ssh-port=", "--ssh-password-login", "--apparmor-profile=", "--network-link="})
    EXPECT_NE(provision_usage().find(option), std::string_view::npos) << option;
}

TEST(AppCommandLineTest, RoundTrips) {
  AppRequest request;
  request.container_name = "web";
  request.image_rootfs = "nginx";
  std::vector<std::string> arguments = format_app_arguments(request);
  EXPECT_EQ(arguments, (std::vector<std::string>{"web", "--image=nginx"}));
  AppCommand command;
  std::string err;
  ASSERT_TRUE(parse_app_command_line(arguments, &command, &err)) << err;
  EXPECT_FALSE(command.help);
  EXPECT_EQ(command.request.container_name, "web");
  EXPECT_EQ(command.request.image_rootfs, "nginx");
}

TEST(AppCommandLineTest, EveryOverrideRoundTripsInOrder) {
  AppRequest request;
  request.container_name = "web";
  request.image_rootfs = "app-nginx-1.25-0123456789abcdef";
  request.entrypoint = std::vector<std::string>{"/docker-entrypoint.sh", "--flag"};
  request.exec = std::vector<std::string>{"/bin/sh", "-c", "echo \"$HOME\" 100%", ""};
  request.environment = {"A=1", "B=two words", "C="};
  request.user = "www:www";
  request.working_directory = "/srv/my dir";
  request.network_namespace = "/run/sdme/app-pod/netns";
  std::vector<std::string> arguments = format_app_arguments(request);
  EXPECT_EQ(arguments,
            (std::vector<std::string>{
                "web", "--image=app-nginx-1.25-0123456789abcdef",
                "--entrypoint=/docker-entrypoint.sh", "--entrypoint=--flag", "--exec=/bin/sh",
                "--exec=-c", "--exec=echo \"$HOME\" 100%", "--exec=", "--environment=A=1",
                "--environment=B=two words", "--environment=C=", "--user=www:www",
                "--working-directory=/srv/my dir", "--network-namespace=/run/sdme/app-pod/netns"}));
  AppCommand command;
  std::string err;
  ASSERT_TRUE(parse_app_command_line(arguments, &command, &err)) << err;
  EXPECT_FALSE(command.help);
  const AppRequest& parsed = command.request;
  EXPECT_EQ(parsed.container_name, request.container_name);
  EXPECT_EQ(parsed.image_rootfs, request.image_rootfs);
  EXPECT_EQ(parsed.entrypoint, request.entrypoint);
  EXPECT_EQ(parsed.exec, request.exec);
  EXPECT_EQ(parsed.environment, request.environment);
  EXPECT_EQ(parsed.user, request.user);
  EXPECT_EQ(parsed.working_directory, request.working_directory);
  EXPECT_EQ(parsed.network_namespace, request.network_namespace);
}

TEST(AppCommandLineTest, WithoutAnImageIsTheNameAlone) {
  AppRequest request;
  request.container_name = "web";
  std::vector<std::string> arguments = format_app_arguments(request);
  EXPECT_EQ(arguments, std::vector<std::string>{"web"});
  AppCommand command;
  std::string err;
  ASSERT_TRUE(parse_app_command_line(arguments, &command, &err)) << err;
  EXPECT_EQ(command.request.container_name, "web");
  EXPECT_TRUE(command.request.image_rootfs.empty());
}

TEST(AppCommandLineTest, HelpWinsOverEverythingElse) {
  AppCommand command;
  std::string err;
  ASSERT_TRUE(parse_app_command_line({"--bogus", "--help"}, &command, &err)) << err;
  EXPECT_TRUE(command.help);
}

TEST(AppCommandLineTest, ReportsUsageErrors) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{}, "missing container name"},
      {{"--image=nginx"}, "missing container name"},
      {{"web", "db"}, "unexpected argument 'db'"},
      {{"web", "--bogus"}, "unknown option '--bogus'"},
      {{"web", "--image"}, "unknown option '--image'"},
      {{"web", "--image=nginx", "--image=redis"}, "--image is given more than once"},
      {{"web", "--image="}, "--image: rootfs name is empty"},
      {{"web", "--image=a..b"}, "--image: rootfs name 'a..b' must not contain '..'"},
      {{"web..x"}, "container name 'web..x' must not contain '..'"},
      {{"web", "--exec=/bin/true"},
       "the app's overrides need --image to say which app they change"},
      {{"web", "--entrypoint=/bin/sh"},
       "the app's overrides need --image to say which app they change"},
      {{"web", "--environment=A=1"},
       "the app's overrides need --image to say which app they change"},
      {{"web", "--user=root"}, "the app's overrides need --image to say which app they change"},
      {{"web", "--working-directory=/srv"},
       "the app's overrides need --image to say which app they change"},
      {{"web", "--network-namespace=/run/sdme/app-pod/netns"},
       "the app's overrides need --image to say which app they change"},
      {{"web", "--image=nginx", "--environment=NOVALUE"},
       "--environment needs NAME=VALUE, not 'NOVALUE'"},
      {{"web", "--image=nginx", "--user="}, "--user needs a user name or ID"},
      {{"web", "--image=nginx", "--working-directory=srv"},
       "--working-directory needs an absolute path, not 'srv'"},
      {{"web", "--image=nginx", "--network-namespace=netns"},
       "--network-namespace needs an absolute path, not 'netns'"},
  };
  for (const auto& [arguments, message] : cases) {
    AppCommand command;
    std::string err;
    EXPECT_FALSE(parse_app_command_line(arguments, &command, &err)) << message;
    EXPECT_EQ(err, message);
  }
}

TEST(AppCommandLineTest, UsageNamesEveryOption) {
  for (std::string_view option :
       {"--image=", "--entrypoint=", "--exec=", "--environment=", "--user=", "--working-directory=",
        "--network-namespace=", "--help"})
    EXPECT_NE(app_usage().find(option), std::string_view::npos) << option;
}

}  // namespace
}  // namespace sdme
