// Tests for the [Container] key table: its invariants, the unknown-key
// message, every key's parser (values, resets, errors word for word), the
// rules between keys, and the plan each setting turns into.
#include "sdme_file/container_keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "sdme_file/unit_file.h"

namespace sdme::file {
namespace {

using Strings = std::vector<std::string>;

// The options the plan gives sdme-overlay mount, as the unit writes them.
Strings overlay_arguments(const ContainerPlan& plan) {
  Strings arguments = format_overlay_mount_arguments(plan.overlay);
  return Strings(arguments.begin() + 2, arguments.end());  // after "mount NAME"
}

constexpr const char* kPath = "/etc/sdme/web.sdme";
constexpr const char* kStateDir = "/var/lib/sdme";

// The [Container] section of "[Container]\n" + body; body lines start at 2.
UnitFile parse_unit(const std::string& body) {
  UnitFile unit;
  std::string err;
  EXPECT_TRUE(unit.parse(kPath, "[Container]\n" + body, &err)) << err;
  return unit;
}

bool parse_body(const std::string& body, ContainerSettings* settings, std::string* err) {
  UnitFile unit = parse_unit(body);
  const UnitSection* section = unit.find_section("Container");
  if (!section) {
    ADD_FAILURE() << "no [Container] section";
    return false;
  }
  return parse_container_section(*section, settings, err);
}

ContainerSettings settings_ok(const std::string& body) {
  ContainerSettings settings;
  std::string err;
  EXPECT_TRUE(parse_body(body, &settings, &err)) << "body:\n" << body << "error: " << err;
  return settings;
}

std::string settings_error(const std::string& body) {
  ContainerSettings settings;
  std::string err;
  EXPECT_FALSE(parse_body(body, &settings, &err)) << "body:\n" << body;
  return err;
}

ContainerPlan plan_ok(const std::string& body) {
  return plan_container(settings_ok(body), kStateDir);
}

// The prefix of an error about body line `line`.
std::string at(int line) { return std::string(kPath) + ":" + std::to_string(line) + ": "; }

// --- The table -------------------------------------------------------------

TEST(ContainerKeyTableTest, RowsAreInOutputOrder) {
  Strings names;
  for (const ContainerKey& key : container_keys()) names.emplace_back(key.name);
  EXPECT_EQ(names, (Strings{"Rootfs",
                            "Import",
                            "ImportChecksum",
                            "ImportInstallPackages",
                            "ImportMaxSize",
                            "Ephemeral",
                            "OpaqueDir",
                            "Boot",
                            "Exec",
                            "Hostname",
                            "Network",
                            "Pod",
                            "Port",
                            "Bind",
                            "BindReadOnly",
                            "Environment",
                            "Security",
                            "PrivateUsers",
                            "Capability",
                            "DropCapability",
                            "NoNewPrivileges",
                            "ReadOnly",
                            "SystemCallFilter",
                            "RootPassword",
                            "RootPasswordHash",
                            "RootPasswordFile",
                            "SSHAuthorizedKeys",
                            "SSH",
                            "SSHPort",
                            "SSHPasswordLogin",
                            "AppImage",
                            "AppEntrypoint",
                            "AppExec",
                            "AppEnvironment",
                            "AppUser",
                            "AppWorkingDirectory",
                            "AppBind",
                            "AppPod",
                            "NspawnArgs"}));
}

TEST(ContainerKeyTableTest, NamesAreUniqueAndEveryRowHasAParser) {
  std::set<std::string_view> seen;
  for (const ContainerKey& key : container_keys()) {
    EXPECT_FALSE(key.name.empty());
    EXPECT_TRUE(seen.insert(key.name).second) << "duplicate row " << key.name;
    EXPECT_NE(key.parse, nullptr) << key.name;
  }
}

TEST(ContainerKeyTableTest, NamesDifferEvenIgnoringCase) {
  // Otherwise a case-insensitive did-you-mean could not pick one.
  std::set<std::string> lowered;
  for (const ContainerKey& key : container_keys()) {
    std::string lower(key.name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(lowered.insert(lower).second) << key.name;
  }
}

TEST(ContainerKeyTableTest, KindsMatchTheValueSemantics) {
  auto kind_of = [](std::string_view name) { return find_container_key(name)->kind; };
  for (const char* name : {"Rootfs", "Exec", "Hostname", "Network", "PrivateUsers"})
    EXPECT_EQ(kind_of(name), KeyKind::kSingle) << name;
  for (const char* name : {"Ephemeral", "Boot", "NoNewPrivileges", "ReadOnly"})
    EXPECT_EQ(kind_of(name), KeyKind::kBoolean) << name;
  for (const char* name : {"OpaqueDir", "Port", "Bind", "BindReadOnly", "Environment", "Capability",
                           "DropCapability", "SystemCallFilter", "NspawnArgs"})
    EXPECT_EQ(kind_of(name), KeyKind::kList) << name;
}

TEST(ContainerKeyTableTest, FindIsExactAndCaseSensitive) {
  for (const ContainerKey& key : container_keys()) {
    const ContainerKey* found = find_container_key(key.name);
    ASSERT_NE(found, nullptr) << key.name;
    EXPECT_EQ(found, &key);
  }
  EXPECT_EQ(find_container_key("bind"), nullptr);
  EXPECT_EQ(find_container_key("BIND"), nullptr);
  EXPECT_EQ(find_container_key("Bind "), nullptr);
  EXPECT_EQ(find_container_key("Bin"), nullptr);
  EXPECT_EQ(find_container_key("Binds"), nullptr);
  EXPECT_EQ(find_container_key(""), nullptr);
}

TEST(ContainerKeyTableTest, BooleanRowsAskForAValueWhenEmpty) {
  for (const ContainerKey& key : container_keys()) {
    if (key.kind != KeyKind::kBoolean) continue;
    ContainerSettings settings;
    std::string err;
    EXPECT_FALSE(key.parse("", &settings, &err)) << key.name;
    EXPECT_EQ(err, std::string(key.name) + "= needs a value, use yes or no");
    EXPECT_FALSE(key.parse("maybe", &settings, &err)) << key.name;
    EXPECT_EQ(err, std::string(key.name) + "=maybe is not a boolean, use yes or no");
  }
}

TEST(ContainerKeyTableTest, EmptyValueOfListAndSingleRowsIsAccepted) {
  for (const ContainerKey& key : container_keys()) {
    if (key.kind == KeyKind::kBoolean || key.kind == KeyKind::kRefused) continue;
    ContainerSettings settings;
    std::string err;
    EXPECT_TRUE(key.parse("", &settings, &err)) << key.name << ": " << err;
  }
}

TEST(ContainerKeyTableTest, RefusedRowsRefuseEveryValue) {
  for (const ContainerKey& key : container_keys()) {
    if (key.kind != KeyKind::kRefused) continue;
    for (std::string_view value : {"", "x", "hunter2"}) {
      ContainerSettings settings;
      std::string err;
      EXPECT_FALSE(key.parse(value, &settings, &err)) << key.name;
      EXPECT_TRUE(err.starts_with(std::string(key.name) + "= ")) << err;
      EXPECT_EQ(err.find("hunter2"), std::string::npos) << err;
    }
  }
}

// --- Security= ---------------------------------------------------------------

TEST(SecurityTest, HardenedFillsInItsDefaults) {
  ContainerPlan plan = plan_ok("Security=hardened\n");
  EXPECT_EQ(plan.nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot", "--private-network", "--private-users=pick",
                     "--private-users-ownership=auto",
                     "--drop-capability=CAP_NET_RAW,CAP_SYS_RAWIO,CAP_SYS_PTRACE,CAP_SYS_BOOT",
                     "--no-new-privileges=yes"}));
  EXPECT_EQ(plan.dns_network, DnsNetwork::kPrivate);
  EXPECT_EQ(plan.apparmor_profile, "");
  EXPECT_EQ(plan.provision.apparmor_profile, "");
}

TEST(SecurityTest, StrictAddsFilterProfileAndDrops) {
  ContainerPlan plan = plan_ok("Security=strict\n");
  EXPECT_EQ(plan.nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot", "--private-network", "--private-users=pick",
                     "--private-users-ownership=auto",
                     "--drop-capability=CAP_DAC_READ_SEARCH,CAP_LINUX_IMMUTABLE,CAP_NET_BROADCAST,"
                     "CAP_NET_ADMIN,CAP_NET_RAW,CAP_IPC_OWNER,CAP_SYS_RAWIO,CAP_SYS_PTRACE,"
                     "CAP_SYS_BOOT,CAP_SYS_NICE,CAP_SYS_RESOURCE,CAP_SYS_TTY_CONFIG,CAP_LEASE,"
                     "CAP_AUDIT_CONTROL",
                     "--no-new-privileges=yes",
                     "--system-call-filter=~@cpu-emulation @debug @obsolete @raw-io"}));
  EXPECT_EQ(plan.apparmor_profile, "sdme-default");
  EXPECT_EQ(plan.provision.apparmor_profile, "sdme-default");
}

TEST(SecurityTest, ExecContainersKeepSysBoot) {
  ContainerPlan plan = plan_ok("Security=hardened\nExec=/bin/true\n");
  EXPECT_NE(std::find(plan.nspawn_arguments.begin(), plan.nspawn_arguments.end(),
                      "--drop-capability=CAP_NET_RAW,CAP_SYS_RAWIO,CAP_SYS_PTRACE"),
            plan.nspawn_arguments.end());
}

TEST(SecurityTest, IndividualKeysRefineTheTier) {
  ContainerPlan plan = plan_ok(
      "Security=strict\nCapability=CAP_NET_RAW CAP_SYS_NICE\nDropCapability=CAP_SYS_ADMIN\n"
      "Network=veth\nPrivateUsers=100000:65536\nSystemCallFilter=~@clock\n");
  const Strings& arguments = plan.nspawn_arguments;
  auto has = [&](const std::string& argument) {
    return std::find(arguments.begin(), arguments.end(), argument) != arguments.end();
  };
  EXPECT_TRUE(has("--network-veth"));
  EXPECT_FALSE(has("--private-network"));
  EXPECT_TRUE(has("--private-users=100000:65536"));
  EXPECT_TRUE(has("--capability=CAP_NET_RAW,CAP_SYS_NICE"));
  EXPECT_TRUE(
      has("--drop-capability=CAP_DAC_READ_SEARCH,CAP_LINUX_IMMUTABLE,CAP_NET_BROADCAST,"
          "CAP_NET_ADMIN,CAP_IPC_OWNER,CAP_SYS_RAWIO,CAP_SYS_PTRACE,CAP_SYS_BOOT,"
          "CAP_SYS_RESOURCE,CAP_SYS_TTY_CONFIG,CAP_LEASE,CAP_AUDIT_CONTROL,CAP_SYS_ADMIN"));
  EXPECT_TRUE(has("--system-call-filter=~@cpu-emulation @debug @obsolete @raw-io"));
  EXPECT_TRUE(has("--system-call-filter=~@clock"));
}

TEST(SecurityTest, EmptyValueResets) {
  ContainerPlan plan = plan_ok("Security=strict\nSecurity=\n");
  EXPECT_EQ(plan.nspawn_arguments, (Strings{"--notify-ready=yes", "--boot"}));
  EXPECT_EQ(plan.apparmor_profile, "");
  // An empty Network= returns to the tier's private network.
  plan = plan_ok("Security=hardened\nNetwork=host\nNetwork=\n");
  EXPECT_EQ(plan.dns_network, DnsNetwork::kPrivate);
}

TEST(SecurityTest, BadValue) {
  EXPECT_EQ(settings_error("Security=paranoid\n"),
            at(2) + "Security=paranoid is not hardened or strict");
}

TEST(SecurityTest, ConflictsAreReportedAtTheLaterKey) {
  EXPECT_EQ(settings_error("Network=host\nSecurity=hardened\n"),
            at(3) +
                "Network=host cannot be combined with Security=hardened, which gives the "
                "container a network of its own; use Network=private, veth, zone:NAME or "
                "bridge:NAME, or leave Network= out");
  EXPECT_EQ(settings_error("Security=strict\nPrivateUsers=identity\n"),
            at(3) +
                "PrivateUsers=identity cannot be combined with Security=strict, which maps the "
                "container's root to an unprivileged UID; use pick or UID:RANGE, or leave "
                "PrivateUsers= out");
  EXPECT_EQ(settings_error("Security=strict\nPrivateUsers=no\n"),
            at(3) +
                "PrivateUsers=no cannot be combined with Security=strict, which maps the "
                "container's root to an unprivileged UID; use pick or UID:RANGE, or leave "
                "PrivateUsers= out");
  EXPECT_EQ(settings_error("NoNewPrivileges=no\nSecurity=hardened\n"),
            at(3) +
                "NoNewPrivileges=no cannot be combined with Security=hardened, which turns "
                "no-new-privileges on; remove one of them");
  EXPECT_EQ(settings_error("Security=hardened\nCapability=all\n"),
            at(3) +
                "Capability=all cannot be combined with Security=hardened, which drops "
                "capabilities; name the ones to add back");
}

// --- RootPassword=, RootPasswordHash=, RootPasswordFile= ---------------------

constexpr const char* kHash =
    "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$GmcwIgvdUC9qLWcKCi6gklUa1dM3ziD43YxYNURLKy0";

TEST(RootPasswordTest, PlaintextIsRefusedWithoutRepeatingIt) {
  std::string err = settings_error("RootPassword=hunter2\n");
  EXPECT_EQ(err, at(2) +
                     "RootPassword= would put a plaintext password into the generated unit, "
                     "which every user can read; use RootPasswordFile= or a credential");
}

TEST(RootPasswordTest, HashGoesToTheCredentialOnly) {
  ContainerPlan plan = plan_ok(std::string("RootPasswordHash=") + kHash + "\n");
  EXPECT_EQ(plan.root_password_hash, kHash);
  Strings arguments = format_provision_arguments(plan.provision);
  for (const std::string& argument : arguments) EXPECT_EQ(argument.find("$y$"), std::string::npos);
  EXPECT_EQ(plan_ok(std::string("RootPasswordHash=") + kHash + "\nRootPasswordHash=\n")
                .root_password_hash,
            "");
}

TEST(RootPasswordTest, BadHash) {
  EXPECT_EQ(settings_error("RootPasswordHash=hunter2\n"),
            at(2) +
                "RootPasswordHash= is not a crypt(3) hash; make one with `mkpasswd -m yescrypt`, "
                "or put a plaintext password in a root-only file named by RootPasswordFile=");
}

TEST(RootPasswordTest, File) {
  ContainerPlan plan = plan_ok("RootPasswordFile=/etc/sdme/secrets//web.password\n");
  EXPECT_EQ(plan.provision.root_password_file, "/etc/sdme/secrets/web.password");
  EXPECT_EQ(settings_error("RootPasswordFile=web.password\n"),
            at(2) + "RootPasswordFile= path 'web.password' is not absolute");
}

// --- SSH keys ----------------------------------------------------------------

constexpr const char* kKey =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDP/8S+9ek0UwyakOWFCUwsLO2tKYTuSKjgD+MnGYf6v admin@host";

TEST(SshTest, AuthorizedKeysAreOneValuePerAssignment) {
  ContainerPlan plan = plan_ok(std::string("SSHAuthorizedKeys=") + kKey +
                               "\nSSHAuthorizedKeys=/etc/sdme/keys/web\n");
  EXPECT_EQ(plan.provision.authorized_keys, (Strings{kKey, "/etc/sdme/keys/web"}));
  plan = plan_ok(std::string("SSHAuthorizedKeys=") + kKey + "\nSSHAuthorizedKeys=\n");
  EXPECT_EQ(plan.provision.authorized_keys, Strings{});
}

TEST(SshTest, BadAuthorizedKeys) {
  EXPECT_EQ(settings_error("SSHAuthorizedKeys=ssh-ed25519 AAAA\n"),
            at(2) +
                "SSHAuthorizedKeys= is not an OpenSSH public key line: the base64 after the key "
                "type is missing, cut short or of another type; give one \"[options ]TYPE BASE64 "
                "[comment]\" line per assignment, or the absolute path of a file of keys");
  EXPECT_EQ(settings_error("SSHAuthorizedKeys=/etc/../keys\n"),
            at(2) + "SSHAuthorizedKeys= path '/etc/../keys' must not contain '..' components");
}

TEST(SshTest, PortAndPasswordLogin) {
  ContainerPlan plan = plan_ok("SSH=yes\nSSHPort=2222\nSSHPasswordLogin=no\n");
  EXPECT_TRUE(plan.provision.ssh);
  EXPECT_EQ(plan.provision.ssh_port, 2222);
  EXPECT_FALSE(plan.provision.ssh_password_login);
  plan = plan_ok("SSH=yes\n");
  EXPECT_EQ(plan.provision.ssh_port, 22);
  for (std::string_view port : {"0", "65536", "22x", "-1", "999999"})
    EXPECT_EQ(settings_error("SSH=yes\nSSHPort=" + std::string(port) + "\n"),
              at(3) + "SSHPort=" + std::string(port) + " is not a port number, use 1 to 65535");
}

TEST(SshTest, RulesBetweenKeys) {
  EXPECT_EQ(settings_error("SSHPort=2222\n"),
            at(2) + "SSHPort= needs SSH=yes to say that sshd runs in the container");
  // An empty SSHPort= returns to the default, which needs nothing.
  settings_ok("SSHPort=2222\nSSHPort=\n");
  EXPECT_EQ(settings_error("SSHPasswordLogin=no\nSSH=no\n"),
            at(3) + "SSHPasswordLogin= needs SSH=yes to say that sshd runs in the container");
  EXPECT_EQ(settings_error("SSH=yes\nExec=/bin/sh\n"),
            at(3) +
                "SSH=yes cannot be combined with Exec=: sshd runs as a service of systemd in the "
                "container, and Exec= runs a command instead of booting it; remove one of them");
}

// --- [Service] settings that meet the [Container] keys -------------------------

bool check_unit(const std::string& text, ContainerSettings* settings, std::string* err) {
  UnitFile unit;
  EXPECT_TRUE(unit.parse(kPath, text, err)) << *err;
  const UnitSection* container = unit.find_section("Container");
  if (container && !parse_container_section(*container, settings, err)) return false;
  return check_service_section(unit.find_section("Service"), container, settings, err);
}

std::string unit_error(const std::string& text) {
  ContainerSettings settings;
  std::string err;
  EXPECT_FALSE(check_unit(text, &settings, &err)) << text;
  return err;
}

ContainerSettings unit_ok(const std::string& text) {
  ContainerSettings settings;
  std::string err;
  EXPECT_TRUE(check_unit(text, &settings, &err)) << err;
  return settings;
}

TEST(ServiceSectionTest, PlaintextCredentialIsRefused) {
  EXPECT_EQ(unit_error("[Service]\nSetCredential=passwd.plaintext-password.root:hunter2\n"),
            std::string(kPath) +
                ":2: SetCredential=passwd.plaintext-password.root would put a plaintext password "
                "into the generated unit, which every user can read; encrypt it with "
                "`systemd-creds encrypt` for SetCredentialEncrypted=, or use LoadCredential= "
                "with a root-only file");
  unit_ok("[Service]\nLoadCredential=passwd.plaintext-password.root:/etc/sdme/pw\n");
  unit_ok("[Service]\nSetCredentialEncrypted=passwd.plaintext-password.root:Wg...\n");
}

TEST(ServiceSectionTest, TwoPasswordSourcesAreRefused) {
  EXPECT_EQ(unit_error(std::string("[Container]\nRootPasswordHash=") + kHash +
                       "\nRootPasswordFile=/etc/pw\n"),
            std::string(kPath) +
                ":3: RootPasswordHash= and RootPasswordFile= both set the root password, keep one "
                "of them");
  EXPECT_EQ(unit_error("[Container]\nRootPasswordFile=/etc/pw\n[Service]\n"
                       "LoadCredentialEncrypted=passwd.hashed-password.root\n"),
            std::string(kPath) +
                ":4: RootPasswordFile= and LoadCredentialEncrypted=passwd.hashed-password.root "
                "both set the root password, keep one of them");
  // An empty assignment resets the list it belongs to.
  unit_ok(
      "[Container]\nRootPasswordFile=/etc/pw\n[Service]\n"
      "LoadCredential=passwd.hashed-password.root:/etc/h\nLoadCredential=\n");
  unit_ok("[Service]\nLoadCredential=other:/etc/h\nSetCredential=passwd.hashed-password.root:x\n");
}

TEST(ServiceSectionTest, PasswordLoginNeedsAPassword) {
  EXPECT_EQ(unit_error("[Container]\nSSH=yes\nSSHPasswordLogin=yes\n"),
            std::string(kPath) +
                ":3: SSHPasswordLogin=yes needs a root password: set RootPasswordHash=, "
                "RootPasswordFile= or a passwd.hashed-password.root credential in [Service]");
  unit_ok(
      "[Container]\nSSH=yes\nSSHPasswordLogin=yes\n[Service]\n"
      "LoadCredential=passwd.plaintext-password.root:/etc/sdme/pw\n");
}

TEST(ServiceSectionTest, AppArmorProfileOfServiceWins) {
  ContainerSettings settings =
      unit_ok("[Container]\nSecurity=strict\n[Service]\nAppArmorProfile=-my-profile\n");
  ContainerPlan plan = plan_container(settings, kStateDir);
  EXPECT_EQ(plan.apparmor_profile, "");
  EXPECT_EQ(plan.provision.apparmor_profile, "my-profile");
}

// --- Unknown keys ------------------------------------------------------------

TEST(UnknownContainerKeyTest, SuggestsACloseName) {
  EXPECT_EQ(unknown_container_key_message("Bnd"),
            "unknown key 'Bnd' in [Container], did you mean 'Bind'?");
  EXPECT_EQ(unknown_container_key_message("Hostnme"),
            "unknown key 'Hostnme' in [Container], did you mean 'Hostname'?");
  EXPECT_EQ(unknown_container_key_message("PrivateUser"),
            "unknown key 'PrivateUser' in [Container], did you mean 'PrivateUsers'?");
  EXPECT_EQ(unknown_container_key_message("Bxnx"),
            "unknown key 'Bxnx' in [Container], did you mean 'Bind'?");  // distance 2
}

TEST(UnknownContainerKeyTest, SuggestsTheSameNameInAnotherCase) {
  EXPECT_EQ(unknown_container_key_message("bind"),
            "unknown key 'bind' in [Container], did you mean 'Bind'?");
  EXPECT_EQ(unknown_container_key_message("SYSTEMCALLFILTER"),
            "unknown key 'SYSTEMCALLFILTER' in [Container], did you mean 'SystemCallFilter'?");
  EXPECT_EQ(unknown_container_key_message("nspawnargs"),
            "unknown key 'nspawnargs' in [Container], did you mean 'NspawnArgs'?");
  EXPECT_EQ(unknown_container_key_message("BOOT"),
            "unknown key 'BOOT' in [Container], did you mean 'Boot'?");
}

TEST(UnknownContainerKeyTest, TieGoesToTheEarlierRow) {
  // "Boxd" is two edits from both Boot and Bind; Boot comes first.
  EXPECT_EQ(unknown_container_key_message("Boxd"),
            "unknown key 'Boxd' in [Container], did you mean 'Boot'?");
}

TEST(UnknownContainerKeyTest, NoSuggestionForDistantNames) {
  EXPECT_EQ(unknown_container_key_message("Bxxx"),
            "unknown key 'Bxxx' in [Container], see sdme.sdme(5) for the keys");  // distance 3
  EXPECT_EQ(unknown_container_key_message("Volume"),
            "unknown key 'Volume' in [Container], see sdme.sdme(5) for the keys");
  EXPECT_EQ(unknown_container_key_message("Capabilities"),
            "unknown key 'Capabilities' in [Container], see sdme.sdme(5) for the keys");
}

TEST(ParseContainerSectionTest, UnknownKeyFailsWithItsLocation) {
  EXPECT_EQ(settings_error("Hostname=web\nBnd=/srv\n"),
            at(3) + "unknown key 'Bnd' in [Container], did you mean 'Bind'?");
  EXPECT_EQ(settings_error("image=debian\n"),
            at(2) + "unknown key 'image' in [Container], see sdme.sdme(5) for the keys");
  // At most half of what was typed may change, as for capabilities and
  // system calls: two letters are two edits from too many keys.
  EXPECT_EQ(settings_error("Ex=/bin/true\n"),
            at(2) + "unknown key 'Ex' in [Container], see sdme.sdme(5) for the keys");
  EXPECT_EQ(settings_error("Exe=/bin/true\n"),
            at(2) + "unknown key 'Exe' in [Container], did you mean 'Exec'?");
}

TEST(ParseContainerSectionTest, FirstErrorStopsTheSection) {
  EXPECT_EQ(settings_error("Boot=maybe\nBnd=/srv\n"),
            at(2) + "Boot=maybe is not a boolean, use yes or no");
}

TEST(ParseContainerSectionTest, EmptySectionGivesDefaults) {
  ContainerSettings settings = settings_ok("");
  EXPECT_EQ(settings.rootfs, "");
  EXPECT_FALSE(settings.boot.has_value());
  EXPECT_TRUE(settings.exec.empty());
  EXPECT_EQ(settings.network, NetworkMode::kHost);
  EXPECT_FALSE(settings.opaque_dirs_assigned);
  EXPECT_FALSE(settings.read_only);
  EXPECT_FALSE(settings.ephemeral);
}

// --- Rootfs= -------------------------------------------------------------------

TEST(RootfsKeyTest, DefaultIsAHostClone) {
  ContainerPlan plan = plan_ok("");
  EXPECT_EQ(overlay_arguments(plan),
            (Strings{"--lower=/", "--host-clone", "--opaque=/etc/systemd/system",
                     "--opaque=/etc/systemd/network", "--opaque=/var/log"}));
  EXPECT_EQ(plan.requires_mounts_for, Strings{});
}

TEST(RootfsKeyTest, SlashIsAHostCloneToo) {
  EXPECT_EQ(overlay_arguments(plan_ok("Rootfs=/\n")),
            (Strings{"--lower=/", "--host-clone", "--opaque=/etc/systemd/system",
                     "--opaque=/etc/systemd/network", "--opaque=/var/log"}));
  EXPECT_EQ(overlay_arguments(plan_ok("Rootfs=//\n"))[1], "--host-clone");
}

TEST(RootfsKeyTest, NameIsADirectoryUnderTheStateDir) {
  ContainerSettings settings = settings_ok("Rootfs=debian-12\n");
  EXPECT_EQ(settings.rootfs, "debian-12");
  ContainerPlan plan = plan_container(settings, "/srv/state");
  EXPECT_EQ(overlay_arguments(plan), Strings{"--lower=/srv/state/rootfs/debian-12"});
  EXPECT_EQ(plan.requires_mounts_for, Strings{"/srv/state/rootfs/debian-12"});
}

TEST(RootfsKeyTest, NameMayCarrySpecifiers) {
  EXPECT_EQ(settings_ok("Rootfs=base-%i\n").rootfs, "base-%i");
  EXPECT_EQ(overlay_arguments(plan_ok("Rootfs=%i\n")), Strings{"--lower=/var/lib/sdme/rootfs/%i"});
}

TEST(RootfsKeyTest, AbsolutePathIsUsedAsTheLowerLayer) {
  ContainerSettings settings = settings_ok("Rootfs=/srv//images/debian/\n");
  EXPECT_EQ(settings.rootfs, "/srv/images/debian");
  ContainerPlan plan = plan_container(settings, kStateDir);
  EXPECT_EQ(overlay_arguments(plan), Strings{"--lower=/srv/images/debian"});
  EXPECT_EQ(plan.requires_mounts_for, Strings{"/srv/images/debian"});
}

TEST(RootfsKeyTest, LastAssignmentWinsAndEmptyResets) {
  EXPECT_EQ(settings_ok("Rootfs=a\nRootfs=b\n").rootfs, "b");
  EXPECT_EQ(settings_ok("Rootfs=a\nRootfs=\n").rootfs, "");
  EXPECT_EQ(overlay_arguments(plan_ok("Rootfs=a\nRootfs=\n"))[1], "--host-clone");
}

TEST(RootfsKeyTest, RefusesBadNames) {
  EXPECT_EQ(settings_error("Rootfs=srv/images\n"),
            at(2) +
                "Rootfs=srv/images is neither an absolute directory nor a valid rootfs name: "
                "rootfs name 'srv/images' may contain only letters, digits, '-' and '.'");
  EXPECT_EQ(settings_error("Rootfs=a..b\n"),
            at(2) +
                "Rootfs=a..b is neither an absolute directory nor a valid rootfs name: "
                "rootfs name 'a..b' must not contain '..'");
  EXPECT_EQ(settings_error("Rootfs=-x\n"),
            at(2) +
                "Rootfs=-x is neither an absolute directory nor a valid rootfs name: "
                "rootfs name '-x' must start with a letter or digit");
}

// Validation looks at a stand-in ("web_a"); the message shows what the file
// says ("web_%i").
TEST(RootfsKeyTest, MessageQuotesTheValueAsWritten) {
  EXPECT_EQ(settings_error("Rootfs=web_%i\n"),
            at(2) +
                "Rootfs=web_%i is neither an absolute directory nor a valid rootfs name: "
                "rootfs name 'web_%i' may contain only letters, digits, '-' and '.'");
}

TEST(RootfsKeyTest, RefusesBadAbsolutePaths) {
  EXPECT_EQ(settings_error("Rootfs=/srv/../etc\n"),
            at(2) + "Rootfs= path '/srv/../etc' must not contain '..' components");
  EXPECT_EQ(settings_error("Rootfs=/srv/a:b\n"),
            at(2) +
                "Rootfs=/srv/a:b contains ',', ':', '\\' or whitespace, which overlayfs cannot "
                "use in a layer path; move or link the directory to a plain path");
  EXPECT_EQ(settings_error("Rootfs=/srv/a,b\n"),
            at(2) +
                "Rootfs=/srv/a,b contains ',', ':', '\\' or whitespace, which overlayfs cannot "
                "use in a layer path; move or link the directory to a plain path");
  EXPECT_EQ(settings_error("Rootfs=/srv/a b\n"),
            at(2) +
                "Rootfs=/srv/a b contains ',', ':', '\\' or whitespace, which overlayfs cannot "
                "use in a layer path; move or link the directory to a plain path");
  EXPECT_EQ(settings_error("Rootfs=/srv/a\\b\n"),
            at(2) +
                "Rootfs=/srv/a\\b contains ',', ':', '\\' or whitespace, which overlayfs cannot "
                "use in a layer path; move or link the directory to a plain path");
}

// --- Import= and its options -------------------------------------------------

TEST(ImportKeyTest, SourcesOfEachKind) {
  EXPECT_EQ(settings_ok("Rootfs=d\nImport=/srv//images/d.tar/\n").import_source,
            "/srv/images/d.tar");
  EXPECT_EQ(settings_ok("Rootfs=d\nImport=HTTPS://example.org/d.tar\n").import_source,
            "HTTPS://example.org/d.tar");
  EXPECT_EQ(settings_ok("Rootfs=d\nImport=http://u:p@127.0.0.1:8080/a%%2Fb\n").import_source,
            "http://u:p@127.0.0.1:8080/a%2Fb");
  for (const char* reference :
       {"debian", "debian:12", "library/debian", "docker.io/library/debian:12",
        "localhost:5000/team/app_1.x:v1.0-rc",
        "localhost/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "registry.example:443/a/b/c:latest", "docker://debian:12", "DOCKER://debian",
        "docker://rootfs.tar"})
    EXPECT_EQ(settings_ok(std::string("Rootfs=d\nImport=") + reference + "\n").import_source,
              reference);
}

// The grammar is sdme-import's (common/import_source_syntax.h): each
// refusal says which part is wrong, as sdme-import would at start.
TEST(ImportKeyTest, RefusesBadReferences) {
  const std::string repository =
      "not an image reference: each '/'-separated part of the repository name must be "
      "lower-case letters and digits joined by '.', '_', \"__\" or '-'";
  const std::string tag =
      "not an image reference: the tag after ':' must be a letter, digit or '_' and up to 127 "
      "more of those, '.' or '-'";
  const std::string digest =
      "not an image reference: the digest after '@' must be sha256: followed by 64 lower-case "
      "hexadecimal digits";
  const std::string host =
      "not an image reference: the registry before the first '/' must be a host name, an IPv4 "
      "address or an IPv6 address in [], with an optional port of up to 5 digits";
  const std::string relative =
      "a relative path; use an absolute path, an http:// or https:// URL, or docker://REFERENCE "
      "for a registry image";
  const std::pair<const char*, const std::string&> cases[] = {
      {"Debian", repository},
      {"debian:", tag},
      {"debian:-x", tag},
      {"a//b", repository},
      {"-a/b", repository},
      {"a/b-", repository},
      {"example.com/a..b:1", repository},
      {"debian@sha256:ab", digest},
      {"a@sha1:0123456789abcdef0123456789abcdef", digest},
      {"host:99999x/a", host},
      {"débian", repository},
      {"a:b:c", repository},
      {"docker://Debian", repository},
      {"./d.tar", relative},
      {"d.tar", relative},
  };
  for (const auto& [reference, why] : cases) {
    std::string body = std::string("Rootfs=d\nImport=") + reference + "\n";
    EXPECT_EQ(settings_error(body), at(3) + "Import=" + reference + ": " + why) << reference;
  }
}

TEST(ImportKeyTest, RefusesBadPaths) {
  EXPECT_EQ(settings_error("Rootfs=d\nImport=/srv/../d.tar\n"),
            at(3) + "Import=/srv/../d.tar: a path must not contain '..' components");
  EXPECT_EQ(settings_error("Rootfs=d\nImport=/srv/\td.tar\n"),
            at(3) +
                "Import=/srv/\\x09d.tar contains whitespace or a control character; "
                "percent-encode it in a URL (%%20 for a space)");
}

// The generator's messages go to the kernel log, which anyone may read.
TEST(ImportKeyTest, MessagesNeverRepeatAPassword) {
  EXPECT_EQ(settings_error("Rootfs=d\nImport=htps://alice:s3cret@example.org/img.tar\n"),
            at(3) +
                "Import=htps://***@example.org/img.tar: unsupported URL scheme 'htps', use "
                "http://, https:// or docker://");
  EXPECT_EQ(settings_error("Rootfs=d\nImport=alice:s3cret@example.org/a://b\n"),
            at(3) +
                "Import=***@example.org/a://b: unsupported URL scheme, use http://, https:// or "
                "docker://");
  EXPECT_EQ(settings_error("Rootfs=d\nImport=https://alice:s3\tcret@example.org/\n"),
            at(3) +
                "Import=https://***@example.org/ contains whitespace or a control character; "
                "percent-encode it in a URL (%%20 for a space)");
  EXPECT_EQ(settings_error("Rootfs=d\nImport=https://alice:pa#ss@example.org/img.tar\n"
                           "Import=ftp://alice:pa/ss@example.org/img.tar\n"),
            at(4) +
                "Import=ftp://***@example.org/img.tar: unsupported URL scheme 'ftp', use "
                "http://, https:// or docker://");
}

TEST(ImportKeyTest, EmptyTakesTheImportBack) {
  ContainerSettings settings = settings_ok("Rootfs=d\nImport=/srv/d.tar\nImport=\n");
  EXPECT_EQ(settings.import_source, "");
  EXPECT_TRUE(plan_container(settings, kStateDir).import_units.empty());
}

TEST(ImportKeyTest, PlanNamesTheImportUnit) {
  EXPECT_EQ(plan_ok("Rootfs=debian-12.1\nImport=/srv/d.tar\n").import_units,
            std::vector<std::string>{"sdme-import@debian-12.1.service"});
}

TEST(ImportKeyTest, RuleErrorsAreReportedAtTheLaterKey) {
  EXPECT_EQ(settings_error("Import=/srv/d.tar\nRootfs=/srv/r\n"),
            at(3) +
                "Import= needs Rootfs=NAME to name the rootfs it imports into, not the "
                "directory /srv/r");
  EXPECT_EQ(settings_error("Rootfs=/\nImport=/srv/d.tar\n"),
            at(3) +
                "Import= needs Rootfs=NAME to name the rootfs it imports into; the host "
                "clone cannot be imported");
  EXPECT_EQ(settings_error("Import=/srv/d.tar\nRootfs=app-%i\nExec=/bin/true\n"),
            at(3) +
                "Import= cannot be used with Rootfs=app-%i: a template cannot import one "
                "rootfs per instance; name one rootfs in Rootfs=");
}

TEST(ImportKeyTest, OptionsNeedImport) {
  EXPECT_EQ(settings_error("Rootfs=d\nImportMaxSize=1G\nImportChecksum=\n"),
            at(3) + "ImportMaxSize= needs Import= to say where the rootfs comes from");
  // Reset options do not count.
  settings_ok(
      "Rootfs=d\nImportMaxSize=1G\nImportMaxSize=\nImportInstallPackages=no\n"
      "ImportInstallPackages=\n");
}

TEST(ImportKeyTest, OptionsAreNormalized) {
  ContainerSettings settings =
      settings_ok("Rootfs=d\nImport=/srv/d.tar\nImportChecksum=sha256:" + std::string(64, 'E') +
                  "\nImportInstallPackages=TRUE\nImportMaxSize=2K\n");
  EXPECT_EQ(settings.import_checksum, "sha256:" + std::string(64, 'e'));
  EXPECT_EQ(settings.import_install_packages, InstallPackages::kYes);
  EXPECT_EQ(settings.import_max_size, 2048u);
}

TEST(ImportKeyTest, MaxSizeSpellings) {
  auto size = [](const std::string& value) {
    return settings_ok("Rootfs=d\nImport=/srv/d.tar\nImportMaxSize=" + value + "\n")
        .import_max_size;
  };
  EXPECT_EQ(size("1"), 1u);
  EXPECT_EQ(size("512B"), 512u);
  EXPECT_EQ(size("1.5K"), 1536u);
  EXPECT_EQ(size("3 M"), 3u << 20);
  EXPECT_EQ(size("8G"), uint64_t{8} << 30);
  EXPECT_EQ(size("2T"), uint64_t{2} << 40);
  EXPECT_EQ(size("15E"), uint64_t{15} << 60);
  for (const char* bad : {"G", "1.G", "-1", "1k", "1KB", "16E", "99999999999999999999", "1 2"})
    EXPECT_EQ(
        settings_error(std::string("Rootfs=d\nImport=/srv/d.tar\nImportMaxSize=") + bad + "\n"),
        at(4) + "ImportMaxSize=" + bad +
            " is not a size, use bytes or a number with K, M, G or T (powers of 1024)")
        << bad;
}

// --- Ephemeral= ----------------------------------------------------------------

TEST(EphemeralKeyTest, AddsTheOverlayOption) {
  EXPECT_TRUE(settings_ok("Ephemeral=yes\n").ephemeral);
  EXPECT_FALSE(settings_ok("Ephemeral=yes\nEphemeral=no\n").ephemeral);
  EXPECT_EQ(overlay_arguments(plan_ok("Rootfs=debian\nEphemeral=on\n")),
            (Strings{"--lower=/var/lib/sdme/rootfs/debian", "--ephemeral"}));
  EXPECT_EQ(overlay_arguments(plan_ok("Rootfs=debian\nEphemeral=off\n")),
            Strings{"--lower=/var/lib/sdme/rootfs/debian"});
}

TEST(EphemeralKeyTest, RefusesNonBooleans) {
  EXPECT_EQ(settings_error("Ephemeral=\n"), at(2) + "Ephemeral= needs a value, use yes or no");
  EXPECT_EQ(settings_error("Ephemeral=2\n"), at(2) + "Ephemeral=2 is not a boolean, use yes or no");
}

// --- OpaqueDir= ------------------------------------------------------------------

TEST(OpaqueDirKeyTest, ExplicitDirectoriesReplaceTheHostCloneDefaults) {
  ContainerSettings settings = settings_ok("OpaqueDir=/srv/cache /var//tmp/\nOpaqueDir=/opt\n");
  EXPECT_TRUE(settings.opaque_dirs_assigned);
  EXPECT_EQ(settings.opaque_dirs, (Strings{"/srv/cache", "/var/tmp", "/opt"}));
  EXPECT_EQ(overlay_arguments(plan_container(settings, kStateDir)),
            (Strings{"--lower=/", "--host-clone", "--opaque=/srv/cache", "--opaque=/var/tmp",
                     "--opaque=/opt"}));
}

TEST(OpaqueDirKeyTest, EmptyAssignmentRemovesTheDefaultsToo) {
  ContainerSettings settings = settings_ok("OpaqueDir=\n");
  EXPECT_TRUE(settings.opaque_dirs_assigned);
  EXPECT_EQ(overlay_arguments(plan_container(settings, kStateDir)),
            (Strings{"--lower=/", "--host-clone"}));
}

TEST(OpaqueDirKeyTest, EmptyAssignmentResetsTheList) {
  EXPECT_EQ(settings_ok("OpaqueDir=/a /b\nOpaqueDir=\nOpaqueDir=/c\n").opaque_dirs, Strings{"/c"});
  // After a reset a directory may be listed again.
  EXPECT_EQ(settings_ok("OpaqueDir=/a\nOpaqueDir=\nOpaqueDir=/a\n").opaque_dirs, Strings{"/a"});
}

TEST(OpaqueDirKeyTest, NoDefaultsForOtherRootfs) {
  EXPECT_EQ(overlay_arguments(plan_ok("Rootfs=debian\n")),
            Strings{"--lower=/var/lib/sdme/rootfs/debian"});
  EXPECT_EQ(overlay_arguments(plan_ok("Rootfs=/srv/img\nOpaqueDir=/var/log\n")),
            (Strings{"--lower=/srv/img", "--opaque=/var/log"}));
}

TEST(OpaqueDirKeyTest, QuotedPathsAreUnquoted) {
  EXPECT_EQ(settings_ok("OpaqueDir=\"/srv/a b\"\n").opaque_dirs, Strings{"/srv/a b"});
}

TEST(OpaqueDirKeyTest, RefusesBadPaths) {
  EXPECT_EQ(settings_error("OpaqueDir=var/log\n"),
            at(2) + "OpaqueDir= path 'var/log' is not absolute");
  EXPECT_EQ(settings_error("OpaqueDir=/var/../etc\n"),
            at(2) + "OpaqueDir= path '/var/../etc' must not contain '..' components");
  EXPECT_EQ(settings_error("OpaqueDir=//\n"),
            at(2) + "OpaqueDir=/ would hide the whole root file system; use Rootfs= instead");
  EXPECT_EQ(settings_error("OpaqueDir=/a\nOpaqueDir=/b /a/\n"),
            at(3) + "OpaqueDir=/a is listed twice");
  EXPECT_EQ(settings_error("OpaqueDir=\"/a\n"),
            at(2) +
                "OpaqueDir=: missing closing \" quote: add one, or write \\\" for a literal "
                "double quote");
}

// --- Boot= and Exec= -----------------------------------------------------------------

TEST(BootExecKeyTest, BootsByDefault) {
  ContainerPlan plan = plan_ok("");
  EXPECT_EQ(plan.nspawn_arguments, (Strings{"--notify-ready=yes", "--boot"}));
  EXPECT_EQ(plan.command, Strings{});
}

TEST(BootExecKeyTest, ExecRunsACommandInsteadOfBooting) {
  ContainerSettings settings = settings_ok("Exec=/bin/sh -c \"echo hi; sleep 1\" 'a b'\n");
  EXPECT_EQ(settings.exec, (Strings{"/bin/sh", "-c", "echo hi; sleep 1", "a b"}));
  ContainerPlan plan = plan_container(settings, kStateDir);
  EXPECT_EQ(plan.nspawn_arguments,
            (Strings{"--notify-ready=no", "--as-pid2", "--kill-signal=SIGRTMIN+3"}));
  EXPECT_EQ(plan.command, (Strings{"/bin/sh", "-c", "echo hi; sleep 1", "a b"}));
}

TEST(BootExecKeyTest, BootNoWithExec) {
  ContainerPlan plan = plan_ok("Boot=no\nExec=/usr/bin/sleep infinity\n");
  EXPECT_EQ(plan.nspawn_arguments,
            (Strings{"--notify-ready=no", "--as-pid2", "--kill-signal=SIGRTMIN+3"}));
  EXPECT_EQ(plan.command, (Strings{"/usr/bin/sleep", "infinity"}));
}

TEST(BootExecKeyTest, BootYesExplicitly) {
  EXPECT_EQ(plan_ok("Boot=yes\n").nspawn_arguments, (Strings{"--notify-ready=yes", "--boot"}));
  EXPECT_EQ(plan_ok("Boot=no\nBoot=yes\n").nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot"}));
}

TEST(BootExecKeyTest, LastExecWinsAndEmptyResets) {
  EXPECT_EQ(settings_ok("Exec=/bin/a x\nExec=/bin/b\n").exec, Strings{"/bin/b"});
  ContainerSettings settings = settings_ok("Exec=/bin/a\nExec=\n");
  EXPECT_EQ(settings.exec, Strings{});
  EXPECT_EQ(plan_container(settings, kStateDir).nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot"}));
}

TEST(BootExecKeyTest, BootYesAndExecConflictAtTheLaterLine) {
  const std::string message =
      "Boot=yes and Exec= cannot be combined: Exec= runs a command instead of booting, remove "
      "one of them";
  EXPECT_EQ(settings_error("Boot=yes\nHostname=web\nExec=/bin/true\n"), at(4) + message);
  EXPECT_EQ(settings_error("Exec=/bin/true\nHostname=web\nBoot=yes\n"), at(4) + message);
  EXPECT_EQ(settings_error("Exec=/bin/true\nBoot=yes\nExec=/bin/false\nHostname=web\n"),
            at(4) + message);
}

TEST(BootExecKeyTest, BootNoNeedsExec) {
  EXPECT_EQ(settings_error("Boot=no\nHostname=web\n"),
            at(2) + "Boot=no needs Exec= to say which command to run");
  EXPECT_EQ(settings_error("Exec=/bin/true\nBoot=no\nExec=\n"),
            at(3) + "Boot=no needs Exec= to say which command to run");
}

TEST(BootExecKeyTest, RefusesBadValues) {
  EXPECT_EQ(settings_error("Boot=\n"), at(2) + "Boot= needs a value, use yes or no");
  EXPECT_EQ(settings_error("Boot=sometimes\n"),
            at(2) + "Boot=sometimes is not a boolean, use yes or no");
  EXPECT_EQ(settings_error("Exec=/bin/sh -c 'echo\n"),
            at(2) +
                "Exec=: missing closing ' quote: add one, or write \\' for a literal single "
                "quote");
}

// nspawn's stub init for Exec= stops the container with reboot(2); without
// it every stop ends with status 255 (seen on systemd 252).
TEST(BootExecKeyTest, ExecNeedsTheRebootCall) {
  const std::string why =
      ": when the service stops, nspawn's init for Exec= powers the container off with "
      "reboot(2); without it every stop ends with exit status 255 and a failed unit";
  const std::string capability_message =
      "DropCapability=CAP_SYS_BOOT cannot be combined with Exec=" + why +
      "; keep CAP_SYS_BOOT, which in a container only lets it stop or restart itself";
  EXPECT_EQ(settings_error("Exec=/bin/true\nDropCapability=CAP_MKNOD sys_boot\n"),
            at(3) + capability_message);
  EXPECT_EQ(settings_error("DropCapability=CAP_SYS_BOOT\nHostname=x\nBoot=no\nExec=/bin/true\n"),
            at(5) + capability_message);
  const std::string filter_message =
      "SystemCallFilter= cannot deny reboot together with Exec=" + why +
      "; remove reboot from the list";
  EXPECT_EQ(settings_error("Exec=/bin/true\nSystemCallFilter=~@swap reboot\n"),
            at(3) + filter_message);
  EXPECT_EQ(settings_error("SystemCallFilter=~reboot\nExec=/bin/true\n"), at(3) + filter_message);
  // Allowing reboot, denying a group that holds it (nspawn allows reboot by
  // name, so "~@reboot" does not take it away), a reset, or booting are fine.
  settings_ok("Exec=/bin/true\nSystemCallFilter=reboot\nSystemCallFilter=~@reboot @swap\n");
  settings_ok("Exec=/bin/true\nDropCapability=CAP_SYS_BOOT\nDropCapability=\n");
  settings_ok("DropCapability=CAP_SYS_BOOT\nSystemCallFilter=~reboot\n");
}

// "Later" is the reading order, not the line number: a drop-in's line 2
// applies after the main file's line 6.
TEST(BootExecKeyTest, ConflictAcrossDropInIsReportedInTheDropIn) {
  UnitFile unit;
  std::string err;
  ASSERT_TRUE(unit.parse(kPath, "[Container]\n\n\n\n\nExec=/bin/true\n", &err)) << err;
  const std::string dropin = "/etc/sdme/web.sdme.d/10-boot.conf";
  ASSERT_TRUE(unit.parse(dropin, "[Container]\nBoot=yes\n", &err)) << err;
  ContainerSettings settings;
  EXPECT_FALSE(parse_container_section(*unit.find_section("Container"), &settings, &err));
  EXPECT_EQ(err, dropin +
                     ":2: Boot=yes and Exec= cannot be combined: Exec= runs a command instead of "
                     "booting, remove one of them");
}

// --- Hostname= -----------------------------------------------------------------------

TEST(HostnameKeyTest, SetsTheHostname) {
  EXPECT_EQ(plan_ok("Hostname=web.example.org\n").nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot", "--hostname=web.example.org"}));
  EXPECT_EQ(settings_ok("Hostname=web-%i\n").hostname, "web-%i");
  EXPECT_EQ(settings_ok("Hostname=a\nHostname=b\n").hostname, "b");
  EXPECT_EQ(settings_ok("Hostname=a\nHostname=\n").hostname, "");
  EXPECT_EQ(plan_ok("Hostname=a\nHostname=\n").nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot"}));
}

TEST(HostnameKeyTest, PlanCarriesTheHostnameForTheOverlayHelper) {
  EXPECT_EQ(plan_ok("Hostname=web-%i\n").hostname, "web-%i");
  EXPECT_EQ(plan_ok("").hostname, "");
  EXPECT_EQ(plan_ok("Hostname=a\nHostname=\n").hostname, "");
}

TEST(HostnameKeyTest, RefusesInvalidHostnames) {
  EXPECT_EQ(settings_error("Hostname=web_1\n"),
            at(2) +
                "Hostname=: invalid host name 'web_1': only letters, digits, '-' and '.' are "
                "allowed");
  EXPECT_EQ(settings_error("Hostname=a..b\n"),
            at(2) + "Hostname=: invalid host name 'a..b': empty label");
}

TEST(HostnameKeyTest, MessageQuotesTheValueAsWritten) {
  EXPECT_EQ(settings_error("Hostname=web_%i\n"),
            at(2) +
                "Hostname=: invalid host name 'web_%i': only letters, digits, '-' and '.' "
                "are allowed");
}

// "%%" is systemd's literal '%': "web%%1" would reach nspawn as "web%1".
TEST(HostnameKeyTest, EscapedPercentIsALiteralPercent) {
  EXPECT_EQ(settings_error("Hostname=web%%1\n"),
            at(2) +
                "Hostname=: invalid host name 'web%%1': only letters, digits, '-' and '.' "
                "are allowed");
}

// --- Network= ------------------------------------------------------------------------

TEST(NetworkKeyTest, EachModeHasItsOption) {
  struct Case {
    const char* value;
    Strings network_arguments;
    DnsNetwork dns;
  };
  const Case cases[] = {
      {"host", {}, DnsNetwork::kHost},
      {"", {}, DnsNetwork::kHost},
      {"private", {"--private-network"}, DnsNetwork::kPrivate},
      {"veth", {"--network-veth"}, DnsNetwork::kPrivate},
      {"zone:web", {"--network-zone=web"}, DnsNetwork::kPrivate},
      {"zone:abcdefghijkl", {"--network-zone=abcdefghijkl"}, DnsNetwork::kPrivate},
      {"bridge:br0", {"--network-bridge=br0"}, DnsNetwork::kPrivate},
      {"bridge:abcdefghijklmno", {"--network-bridge=abcdefghijklmno"}, DnsNetwork::kPrivate},
  };
  for (const Case& test : cases) {
    ContainerPlan plan = plan_ok("Network=" + std::string(test.value) + "\n");
    Strings expected = {"--notify-ready=yes", "--boot"};
    expected.insert(expected.end(), test.network_arguments.begin(), test.network_arguments.end());
    EXPECT_EQ(plan.nspawn_arguments, expected) << test.value;
    EXPECT_EQ(plan.dns_network, test.dns) << test.value;
  }
}

TEST(NetworkKeyTest, DefaultIsHost) {
  ContainerPlan plan = plan_ok("");
  EXPECT_EQ(plan.dns_network, DnsNetwork::kHost);
  EXPECT_EQ(settings_ok("").network, NetworkMode::kHost);
}

TEST(NetworkKeyTest, LastAssignmentWins) {
  ContainerSettings settings = settings_ok("Network=zone:web\nNetwork=veth\n");
  EXPECT_EQ(settings.network, NetworkMode::kVeth);
  EXPECT_EQ(settings.network_name, "");
  settings = settings_ok("Network=bridge:br0\nNetwork=\n");
  EXPECT_EQ(settings.network, NetworkMode::kHost);
  EXPECT_EQ(settings.network_name, "");
}

TEST(NetworkKeyTest, RefusesBadValues) {
  EXPECT_EQ(settings_error("Network=nat\n"),
            at(2) + "Network=nat is not one of host, private, veth, zone:NAME or bridge:NAME");
  EXPECT_EQ(settings_error("Network=Host\n"),
            at(2) + "Network=Host is not one of host, private, veth, zone:NAME or bridge:NAME");
  EXPECT_EQ(settings_error("Network=zone:abcdefghijklm\n"),
            at(2) +
                "Network=zone:abcdefghijklm: 'abcdefghijklm' is not a valid name: use 1 to 12 "
                "letters, digits, '-', '_' or '.'");
  EXPECT_EQ(settings_error("Network=zone:\n"),
            at(2) +
                "Network=zone:: '' is not a valid name: use 1 to 12 letters, digits, '-', "
                "'_' or '.'");
  EXPECT_EQ(settings_error("Network=bridge:abcdefghijklmnop\n"),
            at(2) +
                "Network=bridge:abcdefghijklmnop: 'abcdefghijklmnop' is not a valid name: use 1 "
                "to 15 letters, digits, '-', '_' or '.'");
  EXPECT_EQ(settings_error("Network=bridge:br/0\n"),
            at(2) +
                "Network=bridge:br/0: 'br/0' is not a valid name: use 1 to 15 letters, "
                "digits, '-', '_' or '.'");
}

// --- Port= -------------------------------------------------------------------

// The nspawn options of a body, after "--notify-ready=yes --boot".
Strings options_of(const std::string& body) {
  Strings arguments = plan_ok(body).nspawn_arguments;
  return Strings(arguments.begin() + 2, arguments.end());
}

TEST(PortKeyTest, EachFormIsWrittenInFull) {
  struct Case {
    const char* value;
    const char* option;
  };
  const Case cases[] = {
      {"8080", "--port=tcp:8080:8080"},      {"8080:80", "--port=tcp:8080:80"},
      {"tcp:443", "--port=tcp:443:443"},     {"udp:53", "--port=udp:53:53"},
      {"udp:53:5353", "--port=udp:53:5353"}, {"tcp:1:65535", "--port=tcp:1:65535"},
      {"00080:0022", "--port=tcp:80:22"},
  };
  for (const Case& test : cases)
    EXPECT_EQ(options_of("Network=veth\nPort=" + std::string(test.value) + "\n"),
              (Strings{"--network-veth", test.option}))
        << test.value;
}

TEST(PortKeyTest, ForwardsAccumulateInOrderAndEmptyResets) {
  EXPECT_EQ(
      options_of("Network=zone:lab\nPort=80\nPort=udp:53\nPort=tcp:53\n"),
      (Strings{"--network-zone=lab", "--port=tcp:80:80", "--port=udp:53:53", "--port=tcp:53:53"}));
  EXPECT_EQ(options_of("Network=bridge:br0\nPort=80\nPort=\nPort=8080:80\n"),
            (Strings{"--network-bridge=br0", "--port=tcp:8080:80"}));
  // The reset forgets the host ports too, so one may be forwarded again.
  EXPECT_EQ(options_of("Network=veth\nPort=80\nPort=\nPort=80:8080\n"),
            (Strings{"--network-veth", "--port=tcp:80:8080"}));
  // Nothing left to forward: no network is needed.
  EXPECT_EQ(options_of("Port=80\nPort=\n"), Strings{});
}

TEST(PortKeyTest, RefusesBadPorts) {
  const char* const kNumber = "' is not a decimal number from 1 to 65535";
  EXPECT_EQ(settings_error("Port=0\n"), at(2) + "Port=0: host port '0" + kNumber);
  EXPECT_EQ(settings_error("Port=65536\n"), at(2) + "Port=65536: host port '65536" + kNumber);
  EXPECT_EQ(settings_error("Port=99999999999999999999\n"),
            at(2) + "Port=99999999999999999999: host port '99999999999999999999" + kNumber);
  EXPECT_EQ(settings_error("Port=+80\n"), at(2) + "Port=+80: host port '+80" + kNumber);
  EXPECT_EQ(settings_error("Port=-80\n"), at(2) + "Port=-80: host port '-80" + kNumber);
  EXPECT_EQ(settings_error("Port=0x50\n"), at(2) + "Port=0x50: host port '0x50" + kNumber);
  EXPECT_EQ(settings_error("Port=tcp\n"), at(2) + "Port=tcp: host port 'tcp" + kNumber);
  EXPECT_EQ(settings_error("Port=tcp::80\n"), at(2) + "Port=tcp::80: host port '" + kNumber);
  EXPECT_EQ(settings_error("Port=8080:\n"), at(2) + "Port=8080:: container port '" + kNumber);
  EXPECT_EQ(settings_error("Port=udp:53:0\n"),
            at(2) + "Port=udp:53:0: container port '0" + kNumber);
  EXPECT_EQ(settings_error("Port=80:+22\n"), at(2) + "Port=80:+22: container port '+22" + kNumber);
  EXPECT_EQ(settings_error("Port=80 443\n"), at(2) +
                                                 "Port=80 443 contains a blank; write one forward, "
                                                 "[tcp:|udp:]HOSTPORT[:CONTAINERPORT], per Port=");
  EXPECT_EQ(settings_error("Port=tcp:80:80:80\n"),
            at(2) + "Port=tcp:80:80:80 is not [tcp:|udp:]HOSTPORT[:CONTAINERPORT]");
}

TEST(PortKeyTest, RefusesRanges) {
  EXPECT_EQ(settings_error("Port=8000-8010\n"),
            at(2) +
                "Port=8000-8010: port ranges such as '8000-8010' are not supported by "
                "systemd-nspawn 252; write one Port= for each port");
  EXPECT_EQ(settings_error("Port=udp:80:8000-8010\n"),
            at(2) +
                "Port=udp:80:8000-8010: port ranges such as '8000-8010' are not supported by "
                "systemd-nspawn 252; write one Port= for each port");
}

TEST(PortKeyTest, RefusesOtherProtocols) {
  EXPECT_EQ(settings_error("Port=sctp:80\n"),
            at(2) + "Port=sctp:80: protocol 'sctp' is not supported, use tcp or udp");
  EXPECT_EQ(settings_error("Port=TCP:80:80\n"),
            at(2) + "Port=TCP:80:80: protocol 'TCP' is not supported, use tcp or udp");
  EXPECT_EQ(settings_error("Port=:80:80\n"),
            at(2) + "Port=:80:80: protocol '' is not supported, use tcp or udp");
}

TEST(PortKeyTest, RefusesAHostPortTwiceAtTheLaterLine) {
  EXPECT_EQ(settings_error("Network=veth\nPort=8080\nPort=8080:80\n"),
            at(4) +
                "Port=8080:80: tcp port 8080 of the host is already forwarded by an earlier "
                "Port=, and two forwards cannot share a host port; remove one of them");
  EXPECT_EQ(settings_error("Network=veth\nPort=udp:53:5353\nPort=80\nPort=udp:53\n"),
            at(5) +
                "Port=udp:53: udp port 53 of the host is already forwarded by an earlier Port=, "
                "and two forwards cannot share a host port; remove one of them");
  // The same port of the container, or the same number in the other
  // protocol, is fine.
  EXPECT_EQ(options_of("Network=veth\nPort=8080:80\nPort=8081:80\nPort=udp:8080:80\n"),
            (Strings{"--network-veth", "--port=tcp:8080:80", "--port=tcp:8081:80",
                     "--port=udp:8080:80"}));
}

TEST(PortKeyTest, NeedsAVirtualEthernetLink) {
  const std::string needs =
      " needs a network of the container's own with a virtual Ethernet link, and ";
  EXPECT_EQ(settings_error("Port=8080\n"),
            at(2) + "Port=8080" + needs +
                "without Network= the container shares the host's; add Network=veth, zone:NAME "
                "or bridge:NAME");
  // The last Port= line is named.
  EXPECT_EQ(settings_error("Port=80\nHostname=web\nPort=udp:53\n"),
            at(4) + "Port=udp:53" + needs +
                "without Network= the container shares the host's; add Network=veth, zone:NAME "
                "or bridge:NAME");
  // An empty Network= is no Network=.
  EXPECT_EQ(settings_error("Network=veth\nNetwork=\nPort=80\n"),
            at(4) + "Port=80" + needs +
                "without Network= the container shares the host's; add Network=veth, zone:NAME "
                "or bridge:NAME");
  EXPECT_EQ(settings_error("Port=8080\nNetwork=host\n"),
            at(3) + "Port=8080" + needs +
                "Network=host shares the host's; use Network=veth, zone:NAME or bridge:NAME");
  EXPECT_EQ(settings_error("Network=private\nPort=8080\n"),
            at(3) + "Port=8080" + needs +
                "Network=private has only a loopback interface; use Network=veth, zone:NAME or "
                "bridge:NAME");
  EXPECT_EQ(settings_error("Port=8080\nSecurity=hardened\n"),
            at(3) + "Port=8080" + needs +
                "Security=hardened without Network= gives it a private one with only a loopback "
                "interface; add Network=veth, zone:NAME or bridge:NAME");
  EXPECT_EQ(settings_error("Security=strict\nPort=8080\n"),
            at(3) + "Port=8080" + needs +
                "Security=strict without Network= gives it a private one with only a loopback "
                "interface; add Network=veth, zone:NAME or bridge:NAME");
  EXPECT_EQ(settings_error("Pod=duo\nPort=8080\n"),
            at(3) +
                "Port=8080 cannot be combined with Pod=duo: the pod's network namespace has only "
                "a loopback interface, and ports cannot be forwarded into a pod; remove Port=, "
                "or leave the pod and add Network=veth, zone:NAME or bridge:NAME");
  EXPECT_EQ(settings_error("Port=8080\nPod=duo\n"),
            at(3) +
                "Port=8080 cannot be combined with Pod=duo: the pod's network namespace has only "
                "a loopback interface, and ports cannot be forwarded into a pod; remove Port=, "
                "or leave the pod and add Network=veth, zone:NAME or bridge:NAME");
}

TEST(PortKeyTest, WorksWithATierThatHasAVethLink) {
  Strings options = options_of("Security=strict\nNetwork=veth\nPort=8080:80\n");
  EXPECT_EQ(options.at(0), "--network-veth");
  EXPECT_EQ(options.at(1), "--port=tcp:8080:80");
}

// --- Bind= and BindReadOnly= -------------------------------------------------------

TEST(BindKeyTest, SourceDestinationAndOptions) {
  ContainerSettings settings =
      settings_ok("Bind=/srv/www /srv/a:/a\nBind=/srv//b/:/mnt/b/:norbind,idmap\n");
  ASSERT_EQ(settings.binds.size(), 3u);
  EXPECT_EQ(settings.binds[0].source, "/srv/www");
  EXPECT_EQ(settings.binds[0].destination, "");
  EXPECT_EQ(settings.binds[0].options, "");
  EXPECT_EQ(settings.binds[1].destination, "/a");
  EXPECT_EQ(settings.binds[2].source, "/srv/b");
  EXPECT_EQ(settings.binds[2].destination, "/mnt/b");
  EXPECT_EQ(settings.binds[2].options, "norbind,idmap");
  ContainerPlan plan = plan_container(settings, kStateDir);
  EXPECT_EQ(plan.nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot", "--bind=/srv/www", "--bind=/srv/a:/a",
                     "--bind=/srv/b:/mnt/b:norbind,idmap"}));
  EXPECT_EQ(plan.requires_mounts_for, (Strings{"/srv/www", "/srv/a", "/srv/b"}));
}

TEST(BindKeyTest, EveryBindOptionIsAccepted) {
  for (const char* option : {"rbind", "norbind", "idmap", "noidmap", "rbind,noidmap"}) {
    ContainerSettings settings = settings_ok("Bind=/a:/b:" + std::string(option) + "\n");
    ASSERT_EQ(settings.binds.size(), 1u);
    EXPECT_EQ(settings.binds[0].options, option);
  }
  // An empty option field is no options.
  EXPECT_EQ(plan_ok("Bind=/a:/b:\n").nspawn_arguments.back(), "--bind=/a:/b");
}

TEST(BindKeyTest, ReadOnlyBindsFollowTheWritableOnes) {
  ContainerPlan plan = plan_ok("BindReadOnly=/etc/ssl:/etc/ssl:rbind\nBind=/srv/data\n");
  EXPECT_EQ(plan.nspawn_arguments, (Strings{"--notify-ready=yes", "--boot", "--bind=/srv/data",
                                            "--bind-ro=/etc/ssl:/etc/ssl:rbind"}));
  EXPECT_EQ(plan.requires_mounts_for, (Strings{"/srv/data", "/etc/ssl"}));
}

TEST(BindKeyTest, QuotedSpecs) {
  ContainerSettings settings = settings_ok("Bind=\"/srv/a b:/c d\"\n");
  ASSERT_EQ(settings.binds.size(), 1u);
  EXPECT_EQ(settings.binds[0].source, "/srv/a b");
  EXPECT_EQ(settings.binds[0].destination, "/c d");
}

TEST(BindKeyTest, EmptyAssignmentResetsEachListAlone) {
  ContainerSettings settings = settings_ok("Bind=/a\nBindReadOnly=/b\nBind=\nBind=/c\n");
  ASSERT_EQ(settings.binds.size(), 1u);
  EXPECT_EQ(settings.binds[0].source, "/c");
  ASSERT_EQ(settings.read_only_binds.size(), 1u);
  EXPECT_EQ(settings.read_only_binds[0].source, "/b");
  settings = settings_ok("BindReadOnly=/b\nBindReadOnly=\n");
  EXPECT_TRUE(settings.read_only_binds.empty());
}

TEST(BindKeyTest, RefusesBadSpecs) {
  EXPECT_EQ(settings_error("Bind=srv\n"), at(2) + "Bind= source path 'srv' is not absolute");
  EXPECT_EQ(settings_error("Bind=/srv:www\n"),
            at(2) + "Bind= destination path 'www' is not absolute");
  EXPECT_EQ(settings_error("Bind=/srv:\n"), at(2) + "Bind= destination path '' is not absolute");
  EXPECT_EQ(settings_error("Bind=/srv/../etc\n"),
            at(2) + "Bind= source path '/srv/../etc' must not contain '..' components");
  EXPECT_EQ(settings_error("Bind=/a:/b:ro\n"),
            at(2) +
                "Bind=/a:/b:ro: unknown bind option 'ro', use rbind, norbind, idmap or noidmap; "
                "for a read-only mount use BindReadOnly=");
  EXPECT_EQ(settings_error("Bind=/a:/b:rbind,\n"),
            at(2) +
                "Bind=/a:/b:rbind,: unknown bind option '', use rbind, norbind, idmap or "
                "noidmap");
  EXPECT_EQ(settings_error("Bind=/a:/b:rbind:x\n"),
            at(2) +
                "Bind=/a:/b:rbind:x has more than three ':'-separated fields, use "
                "SOURCE[:DESTINATION[:OPTIONS]]");
  EXPECT_EQ(settings_error("Bind=/ok /a\\q\n"),
            at(2) + "Bind=: unknown escape sequence '\\q': write \\\\ for a literal backslash");
  EXPECT_EQ(settings_error("BindReadOnly=etc\n"),
            at(2) + "BindReadOnly= source path 'etc' is not absolute");
  // The hint about BindReadOnly= is for Bind= only.
  EXPECT_EQ(settings_error("BindReadOnly=/a:/b:ro\n"),
            at(2) +
                "BindReadOnly=/a:/b:ro: unknown bind option 'ro', use rbind, norbind, idmap "
                "or noidmap");
  EXPECT_EQ(settings_error("BindReadOnly=/a:/b:x\n"),
            at(2) +
                "BindReadOnly=/a:/b:x: unknown bind option 'x', use rbind, norbind, idmap or "
                "noidmap");
  EXPECT_EQ(settings_error("BindReadOnly='/a\n"),
            at(2) +
                "BindReadOnly=: missing closing ' quote: add one, or write \\' for a literal "
                "single quote");
}

// systemd-nspawn reads '\\' in --bind= as an escape (extract_many_words()
// without flags): the mount would not be the one RequiresMountsFor= names.
TEST(BindKeyTest, RefusesBackslashesInBindSpecs) {
  const std::string rule =
      " contains '\\', which systemd-nspawn reads as an escape in a bind mount; move or link the "
      "directory to a path without one";
  EXPECT_EQ(settings_error("Bind=/srv/c\\\\:/mnt/x\n"), at(2) + "Bind=/srv/c\\:/mnt/x" + rule);
  EXPECT_EQ(settings_error("BindReadOnly=/srv/ro:/dst\\\\:idmap\n"),
            at(2) + "BindReadOnly=/srv/ro:/dst\\:idmap" + rule);
  EXPECT_EQ(settings_error("Bind=/srv/a\\x5cb\n"), at(2) + "Bind=/srv/a\\b" + rule);
  EXPECT_EQ(settings_error("Bind=\"/srv/a:/b\\\\\"\n"), at(2) + "Bind=/srv/a:/b\\" + rule);
}

// "\r" ends a line for systemd's unit parser: RequiresMountsFor= in the
// generated unit would be cut in two.
TEST(BindKeyTest, RefusesControlCharactersInPaths) {
  EXPECT_EQ(settings_error("Bind=/srv/a\\rb\n"),
            at(2) + "Bind= source path contains a control character");
  EXPECT_EQ(settings_error("BindReadOnly=/srv:/mnt/a\\x01\n"),
            at(2) + "BindReadOnly= destination path contains a control character");
}

// --- Environment= ----------------------------------------------------------------------

TEST(EnvironmentKeyTest, AssignmentsAccumulate) {
  ContainerPlan plan = plan_ok("Environment=A=1 B=\"two words\"\nEnvironment=_C= D_2=x=y\n");
  EXPECT_EQ(plan.nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot", "--setenv=A=1", "--setenv=B=two words",
                     "--setenv=_C=", "--setenv=D_2=x=y"}));
}

TEST(EnvironmentKeyTest, EmptyAssignmentResets) {
  EXPECT_EQ(settings_ok("Environment=A=1\nEnvironment=\nEnvironment=B=2\n").environment,
            Strings{"B=2"});
}

TEST(EnvironmentKeyTest, RefusesBadAssignments) {
  const std::string suffix = "' is not a NAME=VALUE assignment with a valid variable name";
  EXPECT_EQ(settings_error("Environment=NOVALUE\n"), at(2) + "Environment=: 'NOVALUE" + suffix);
  EXPECT_EQ(settings_error("Environment=1A=x\n"), at(2) + "Environment=: '1A=x" + suffix);
  EXPECT_EQ(settings_error("Environment==x\n"), at(2) + "Environment=: '=x" + suffix);
  EXPECT_EQ(settings_error("Environment=A-B=x\n"), at(2) + "Environment=: 'A-B=x" + suffix);
  EXPECT_EQ(settings_error("Environment=OK=1 \"A B=x\"\n"),
            at(2) + "Environment=: 'A B=x" + suffix);
  EXPECT_EQ(settings_error("Environment=\"A=1\n"),
            at(2) +
                "Environment=: missing closing \" quote: add one, or write \\\" for a literal "
                "double quote");
}

// A message quotes the decoded word, so an escape such as \n in the file
// must not put a raw newline into what must be one log line.
TEST(EnvironmentKeyTest, MessageShowsControlCharactersEscaped) {
  EXPECT_EQ(settings_error("Environment=\"A\\nB=x\"\n"),
            at(2) +
                "Environment=: 'A\\x0aB=x' is not a NAME=VALUE assignment with a valid "
                "variable name");
}

// --- PrivateUsers= -----------------------------------------------------------------------

TEST(PrivateUsersKeyTest, ValuesAndOwnership) {
  struct Case {
    const char* value;
    Strings arguments;
  };
  const Case cases[] = {
      {"yes", {"--private-users=yes", "--private-users-ownership=auto"}},
      {"true", {"--private-users=yes", "--private-users-ownership=auto"}},
      {"1", {"--private-users=yes", "--private-users-ownership=auto"}},
      {"no", {"--private-users=no"}},
      {"0", {"--private-users=no"}},
      {"pick", {"--private-users=pick", "--private-users-ownership=auto"}},
      {"identity", {"--private-users=identity", "--private-users-ownership=auto"}},
      {"65536", {"--private-users=65536", "--private-users-ownership=auto"}},
      {"65536:65536", {"--private-users=65536:65536", "--private-users-ownership=auto"}},
      {"", {}},
  };
  for (const Case& test : cases) {
    Strings expected = {"--notify-ready=yes", "--boot"};
    expected.insert(expected.end(), test.arguments.begin(), test.arguments.end());
    EXPECT_EQ(plan_ok("PrivateUsers=" + std::string(test.value) + "\n").nspawn_arguments, expected)
        << test.value;
  }
}

TEST(PrivateUsersKeyTest, LastWinsAndEmptyResets) {
  EXPECT_EQ(settings_ok("PrivateUsers=pick\nPrivateUsers=no\n").private_users, "no");
  EXPECT_EQ(settings_ok("PrivateUsers=pick\nPrivateUsers=\n").private_users, "");
}

TEST(PrivateUsersKeyTest, RefusesOtherValues) {
  for (const char* value :
       {"maybe", "Pick", "65536:", ":65536", "-1", "1a", "65536:x", "12345678901", "1:2:3"}) {
    EXPECT_EQ(settings_error("PrivateUsers=" + std::string(value) + "\n"),
              at(2) + "PrivateUsers=" + value + " is not yes, no, pick, identity, UID or UID:RANGE")
        << value;
  }
}

// What nspawn 252 refuses at start-up ("UID range cannot be empty or go
// beyond 4294967295") is refused here, with the file and line.
TEST(PrivateUsersKeyTest, RefusesUidsNspawnRefuses) {
  for (const char* value :
       {"4294967295", "0:0", "4294967290:65536", "9999999999", "4294901760", "4294967295:1"}) {
    EXPECT_EQ(settings_error("PrivateUsers=" + std::string(value) + "\n"),
              at(2) + "PrivateUsers=" + value +
                  " is out of range: the UIDs from UID to UID+RANGE-1 must be below 4294967295 "
                  "and RANGE at least 1")
        << value;
  }
  // The last ranges that fit: the default range is 65536.
  EXPECT_EQ(settings_ok("PrivateUsers=4294901759\n").private_users, "4294901759");
  EXPECT_EQ(settings_ok("PrivateUsers=4294967294:1\n").private_users, "4294967294:1");
}

// --- Capability= and DropCapability= -----------------------------------------------------

TEST(CapabilityKeyTest, NamesAreCanonicalAndDeduplicated) {
  ContainerSettings settings =
      settings_ok("Capability=net_admin CAP_NET_RAW\nCapability=cap_net_admin sys_time\n");
  EXPECT_EQ(settings.capabilities, (Strings{"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_SYS_TIME"}));
  EXPECT_EQ(plan_container(settings, kStateDir).nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot",
                     "--capability=CAP_NET_ADMIN,CAP_NET_RAW,CAP_SYS_TIME"}));
}

TEST(CapabilityKeyTest, AllIsAllowedForCapabilityOnly) {
  EXPECT_EQ(settings_ok("Capability=ALL\n").capabilities, Strings{"all"});
  EXPECT_EQ(settings_ok("Capability=all CAP_CHOWN\n").capabilities, (Strings{"all", "CAP_CHOWN"}));
  EXPECT_EQ(settings_error("DropCapability=all\n"),
            at(2) + "DropCapability=: unknown capability 'all'");
}

TEST(CapabilityKeyTest, DropCapability) {
  ContainerPlan plan = plan_ok("DropCapability=sys_admin\nDropCapability=CAP_MKNOD sys_admin\n");
  EXPECT_EQ(plan.nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot", "--drop-capability=CAP_SYS_ADMIN,CAP_MKNOD"}));
}

TEST(CapabilityKeyTest, EmptyAssignmentResets) {
  EXPECT_EQ(settings_ok("Capability=CAP_CHOWN\nCapability=\nCapability=CAP_KILL\n").capabilities,
            Strings{"CAP_KILL"});
  EXPECT_EQ(settings_ok("DropCapability=CAP_CHOWN\nDropCapability=\n").drop_capabilities,
            Strings{});
  EXPECT_EQ(plan_ok("Capability=CAP_CHOWN\nCapability=\n").nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot"}));
}

TEST(CapabilityKeyTest, RefusesUnknownNames) {
  EXPECT_EQ(settings_error("Capability=CAP_NET_ADMN\n"),
            at(2) +
                "Capability=: unknown capability 'CAP_NET_ADMN', did you mean "
                "'CAP_NET_ADMIN'?");
  EXPECT_EQ(settings_error("DropCapability=CAP_BOGUS_THING\n"),
            at(2) + "DropCapability=: unknown capability 'CAP_BOGUS_THING'");
  EXPECT_EQ(settings_error("Capability='CAP_CHOWN\n"),
            at(2) +
                "Capability=: missing closing ' quote: add one, or write \\' for a literal "
                "single quote");
}

TEST(CapabilityKeyTest, BothListsConflictAtTheLaterLine) {
  const std::string message =
      "CAP_SYS_ADMIN is both in Capability= and DropCapability=, keep it in one of them";
  EXPECT_EQ(settings_error("Capability=CAP_SYS_ADMIN\nHostname=x\nDropCapability=sys_admin\n"),
            at(4) + message);
  EXPECT_EQ(settings_error("DropCapability=CAP_SYS_ADMIN\nHostname=x\nCapability=sys_admin\n"),
            at(4) + message);
  // A reset in between removes the conflict.
  settings_ok("Capability=CAP_SYS_ADMIN\nDropCapability=CAP_SYS_ADMIN\nCapability=\n");
  // "all" with a dropped capability is how nspawn is told "all but this".
  settings_ok("Capability=all\nDropCapability=CAP_SYS_ADMIN\n");
}

// --- NoNewPrivileges=, ReadOnly= ---------------------------------------------------------

TEST(NoNewPrivilegesKeyTest, WrittenOnlyWhenSet) {
  EXPECT_EQ(plan_ok("NoNewPrivileges=yes\n").nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot", "--no-new-privileges=yes"}));
  EXPECT_EQ(plan_ok("NoNewPrivileges=no\n").nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot", "--no-new-privileges=no"}));
  EXPECT_FALSE(settings_ok("").no_new_privileges.has_value());
  EXPECT_EQ(settings_error("NoNewPrivileges=\n"),
            at(2) + "NoNewPrivileges= needs a value, use yes or no");
}

TEST(ReadOnlyKeyTest, AddsReadOnly) {
  EXPECT_EQ(plan_ok("ReadOnly=yes\n").nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot", "--read-only"}));
  EXPECT_EQ(plan_ok("ReadOnly=yes\nReadOnly=no\n").nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot"}));
  EXPECT_EQ(settings_error("ReadOnly=ro\n"), at(2) + "ReadOnly=ro is not a boolean, use yes or no");
}

// --- SystemCallFilter= -----------------------------------------------------------------

TEST(SystemCallFilterKeyTest, OneOptionPerAssignment) {
  ContainerPlan plan =
      plan_ok("SystemCallFilter=@system-service  @mount\nSystemCallFilter=~@swap reboot\n");
  EXPECT_EQ(plan.nspawn_arguments,
            (Strings{"--notify-ready=yes", "--boot", "--system-call-filter=@system-service @mount",
                     "--system-call-filter=~@swap reboot"}));
}

TEST(SystemCallFilterKeyTest, EmptyAssignmentResets) {
  EXPECT_EQ(settings_ok("SystemCallFilter=@mount\nSystemCallFilter=\nSystemCallFilter=open\n")
                .system_call_filters,
            Strings{"open"});
}

TEST(SystemCallFilterKeyTest, RefusesUnknownNames) {
  EXPECT_EQ(settings_error("SystemCallFilter=@system-service opne\n"),
            at(2) + "SystemCallFilter=: unknown system call 'opne', did you mean 'open'?");
  EXPECT_EQ(settings_error("SystemCallFilter=~\n"),
            at(2) +
                "SystemCallFilter=: '~' alone denies nothing; list what to deny after it, "
                "e.g. '~@mount @swap'");
}

// --- NspawnArgs= -------------------------------------------------------------------------

TEST(NspawnArgsKeyTest, KeptVerbatimOnePerAssignment) {
  ContainerPlan plan =
      plan_ok("NspawnArgs=--bind-ro=/x  --setenv=\"A=b c\"\nNspawnArgs=--volatile=overlay\n");
  EXPECT_EQ(plan.nspawn_raw_arguments,
            (Strings{"--bind-ro=/x  --setenv=\"A=b c\"", "--volatile=overlay"}));
  EXPECT_EQ(plan.nspawn_arguments, (Strings{"--notify-ready=yes", "--boot"}));
}

TEST(NspawnArgsKeyTest, EmptyAssignmentResets) {
  EXPECT_EQ(plan_ok("NspawnArgs=--a\nNspawnArgs=\nNspawnArgs=--b\n").nspawn_raw_arguments,
            Strings{"--b"});
}

// The text is appended to ExecStart= as written, where a lone ';' would
// start a second command line.
TEST(NspawnArgsKeyTest, RefusesALoneSemicolon) {
  EXPECT_EQ(
      settings_error("NspawnArgs=--volatile=no ; /bin/sh\n"),
      at(2) + "NspawnArgs=: a lone ';' would start a second command in ExecStart=, remove it");
  EXPECT_EQ(settings_ok("NspawnArgs=--setenv=A=a;b \";x\"\n").nspawn_args,
            Strings{"--setenv=A=a;b \";x\""});
}

TEST(NspawnArgsKeyTest, MustSplitIntoWords) {
  EXPECT_EQ(settings_error("NspawnArgs=--setenv=\"A=b\n"),
            at(2) +
                "NspawnArgs=: missing closing \" quote: add one, or write \\\" for a literal "
                "double quote");
}

// --- Specifiers ----------------------------------------------------------------------

// Values keep their specifiers for systemd to expand; one systemd 252 does
// not know would make it refuse the setting when it loads the unit.
TEST(SpecifiersTest, UnknownSpecifierIsRefusedInEveryKey) {
  EXPECT_EQ(settings_error("Hostname=web-%x\n"),
            at(2) + "Hostname=: unknown specifier '%x', write %% for a literal '%'");
  EXPECT_EQ(settings_error("Hostname=web\nBind=/srv/%Z\n"),
            at(3) + "Bind=: unknown specifier '%Z', write %% for a literal '%'");
  EXPECT_EQ(settings_error("NspawnArgs=--setenv=A=%c\n"),
            at(2) + "NspawnArgs=: unknown specifier '%c', write %% for a literal '%'");
  EXPECT_EQ(settings_error("Exec=/bin/echo 100%!\n"),
            at(2) + "Exec=: unknown specifier '%!', write %% for a literal '%'");
}

// Words are decoded and quoted again for the unit, where systemd expands
// specifiers: an escaped '%' is checked as the '%' it becomes, by systemd's
// rule (only a letter or digit after it must be a specifier).
TEST(SpecifiersTest, EscapedPercentIsCheckedOnceDecoded) {
  const std::string rule = " once escapes are decoded, write %% for a literal '%'";
  EXPECT_EQ(settings_error("Exec=/bin/echo \\x25z\n"),
            at(2) + "Exec=: unknown specifier '%z'" + rule);
  EXPECT_EQ(settings_error("Environment=A=\\045Q\n"),
            at(2) + "Environment=: unknown specifier '%Q'" + rule);
  EXPECT_EQ(settings_error("Bind=/srv/\\u00251\n"), at(2) + "Bind=: unknown specifier '%1'" + rule);
  EXPECT_EQ(settings_error("BindReadOnly=\"/srv/\\x25K\"\n"),
            at(2) + "BindReadOnly=: unknown specifier '%K'" + rule);
  EXPECT_EQ(settings_error("OpaqueDir=/a\\x25x\n"),
            at(2) + "OpaqueDir=: unknown specifier '%x'" + rule);
  EXPECT_EQ(plan_ok("Exec=/bin/echo \\x25\\x25z 100\\x25 \\x25-x \\x25i\n").command,
            (std::vector<std::string>{"/bin/echo", "%%z", "100%", "%-x", "%i"}));
  // NspawnArgs= is written as it is, escapes and all: systemd decodes
  // "\x25z" after expanding specifiers, so it is a plain "%z" there.
  EXPECT_EQ(plan_ok("NspawnArgs=--setenv=A=\\x25z\n").nspawn_raw_arguments,
            std::vector<std::string>{"--setenv=A=\\x25z"});
}

TEST(SpecifiersTest, KnownSpecifiersEscapesAndATrailingPercentPass) {
  for (const char* specifier :
       {"%a", "%A", "%b", "%B", "%C", "%d", "%E", "%f", "%g", "%G", "%h", "%H", "%i",
        "%I", "%j", "%J", "%l", "%L", "%m", "%M", "%n", "%N", "%o", "%p", "%P", "%q",
        "%s", "%S", "%t", "%T", "%u", "%U", "%v", "%V", "%w", "%W", "%y", "%Y", "%%"}) {
    EXPECT_EQ(settings_ok("Environment=X=" + std::string(specifier) + "\n").environment,
              Strings{"X=" + std::string(specifier)});
  }
  EXPECT_EQ(settings_ok("Exec=/bin/echo 100%\n").exec, (Strings{"/bin/echo", "100%"}));
}

// --- The whole plan ------------------------------------------------------------------------

constexpr const char* kEveryKey =
    "NspawnArgs=--volatile=no\n"
    "SystemCallFilter=@system-service\n"
    "ReadOnly=yes\n"
    "NoNewPrivileges=yes\n"
    "DropCapability=CAP_MKNOD\n"
    "Capability=CAP_NET_ADMIN\n"
    "PrivateUsers=pick\n"
    "Environment=LANG=C.UTF-8\n"
    "BindReadOnly=/etc/ssl\n"
    "Bind=/srv/data:/data\n"
    "Port=udp:53:5353\n"
    "Network=zone:lab\n"
    "Hostname=web\n"
    "Exec=/usr/bin/python3 -m http.server\n"
    "OpaqueDir=/var/cache\n"
    "Ephemeral=yes\n"
    "Rootfs=debian-12\n";

TEST(PlanContainerTest, RowOrderIsOutputOrder) {
  ContainerPlan plan = plan_container(settings_ok(kEveryKey), "/srv/state");
  EXPECT_EQ(overlay_arguments(plan), (Strings{"--lower=/srv/state/rootfs/debian-12", "--ephemeral",
                                              "--opaque=/var/cache", "--private-users=pick"}));
  EXPECT_EQ(plan.nspawn_arguments,
            (Strings{"--notify-ready=no", "--as-pid2", "--kill-signal=SIGRTMIN+3", "--hostname=web",
                     "--network-zone=lab", "--port=udp:53:5353", "--bind=/srv/data:/data",
                     "--bind-ro=/etc/ssl", "--setenv=LANG=C.UTF-8", "--private-users=pick",
                     "--private-users-ownership=auto", "--capability=CAP_NET_ADMIN",
                     "--drop-capability=CAP_MKNOD", "--no-new-privileges=yes", "--read-only",
                     "--system-call-filter=@system-service"}));
  EXPECT_EQ(plan.nspawn_raw_arguments, Strings{"--volatile=no"});
  EXPECT_EQ(plan.command, (Strings{"/usr/bin/python3", "-m", "http.server"}));
  EXPECT_EQ(plan.requires_mounts_for,
            (Strings{"/srv/state/rootfs/debian-12", "/srv/data", "/etc/ssl"}));
  EXPECT_EQ(plan.dns_network, DnsNetwork::kPrivate);
}

TEST(PlanContainerTest, KeyOrderInTheFileDoesNotMatter) {
  // The same keys, reversed: the plan is the same.
  std::string reversed;
  std::string text = kEveryKey;
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start + 1));
    start = end + 1;
  }
  for (auto line = lines.rbegin(); line != lines.rend(); ++line) reversed += *line;
  ContainerPlan forward = plan_container(settings_ok(kEveryKey), kStateDir);
  ContainerPlan backward = plan_container(settings_ok(reversed), kStateDir);
  EXPECT_EQ(overlay_arguments(forward), overlay_arguments(backward));
  EXPECT_EQ(forward.nspawn_arguments, backward.nspawn_arguments);
  EXPECT_EQ(forward.nspawn_raw_arguments, backward.nspawn_raw_arguments);
  EXPECT_EQ(forward.command, backward.command);
  EXPECT_EQ(forward.requires_mounts_for, backward.requires_mounts_for);
}

}  // namespace
}  // namespace sdme::file
