// Installing systemd and dbus (and, on the RHEL family, util-linux and
// pam) into an imported tree with the tree's own package manager, inside a
// one-shot systemd-nspawn container.
#include "import/package_install.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <string_view>

#include "common/file_descriptor.h"
#include "common/open_beneath.h"
#include "common/paths.h"
#include "common/strings.h"
#include "import/child_process.h"

namespace sdme::import {
namespace {

constexpr const char* kProgramDirectories[] = {"/usr/bin", "/bin", "/usr/sbin", "/sbin"};
// In the order tried: a tree with both dnf and yum is a dnf tree.
constexpr const char* kPackageManagers[] = {"apt-get", "dnf", "yum", "zypper", "pacman", "apk"};
constexpr const char* kResolvConfAside = ".sdme-import-resolv.conf";
// The init of a NixOS system profile; /nix/var/nix/profiles/system links to
// the current generation in /nix/store.
constexpr const char* kNixosProfileInit = "/nix/var/nix/profiles/system/init";
// Where the RHEL family keeps PAM modules: lib64 on 64-bit machines, lib on
// 32-bit ones; /lib64 and /lib are links to them in a merged-/usr tree.
constexpr const char* kPamModuleDirectories[] = {"/usr/lib64/security", "/usr/lib/security",
                                                 "/lib64/security", "/lib/security"};
constexpr size_t kOsReleaseLimit = 64 * 1024;

// Errors that only mean "nothing usable at that path".
bool means_absent(int error) {
  return error == ENOENT || error == ENOTDIR || error == ELOOP || error == EXDEV;
}

std::string open_error(const std::string& root, const std::string& path, int error) {
  if (error == ENOSYS)
    return "cannot look inside the imported tree " + root +
           ": the kernel lacks openat2(2); Linux 5.6 or later is needed";
  return "cannot open " + path + " in the imported tree " + root + ": " + strerror(error);
}

// Whether PATH in the tree is a regular file, and with `executable` one
// that someone may run.
bool is_regular_file(int root_fd, const std::string& root, const std::string& path, bool executable,
                     bool* found, std::string* err) {
  *found = false;
  FileDescriptor fd(open_in_root(root_fd, path, O_PATH));
  if (!fd.valid()) {
    if (means_absent(errno)) return true;
    *err = open_error(root, path, errno);
    return false;
  }
  struct stat status;
  if (::fstat(fd.get(), &status) != 0) {
    *err = "cannot stat " + path + " in the imported tree " + root + ": " + strerror(errno);
    return false;
  }
  *found = S_ISREG(status.st_mode) && (!executable || (status.st_mode & 0111) != 0);
  return true;
}

bool is_executable(int root_fd, const std::string& root, const std::string& path, bool* executable,
                   std::string* err) {
  return is_regular_file(root_fd, root, path, /*executable=*/true, executable, err);
}

bool any_regular_file(int root_fd, const std::string& root, const std::vector<std::string>& paths,
                      bool executable, bool* found, std::string* err) {
  *found = false;
  for (const std::string& path : paths) {
    if (!is_regular_file(root_fd, root, path, executable, found, err)) return false;
    if (*found) return true;
  }
  return true;
}

bool any_executable(int root_fd, const std::string& root, const std::vector<std::string>& paths,
                    bool* found, std::string* err) {
  return any_regular_file(root_fd, root, paths, /*executable=*/true, found, err);
}

std::vector<std::string> in_program_directories(const std::string& name) {
  std::vector<std::string> paths;
  for (const char* directory : kProgramDirectories)
    paths.push_back(std::string(directory) + "/" + name);
  return paths;
}

// ID= of os-release(5): the value, unquoted.
std::string os_release_id(std::string_view text) {
  std::string id;
  for (const std::string& raw_line : split(text, '\n')) {
    std::string_view line = strip(raw_line);
    if (!line.starts_with("ID=")) continue;
    std::string_view value = strip(line.substr(3));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    id = std::string(value);
  }
  return id;
}

// Reads the tree's os-release; leaves `content` empty when there is none.
bool read_os_release(int root_fd, const std::string& root, std::string* content, std::string* err) {
  content->clear();
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    // O_NONBLOCK: a FIFO planted there must not hang the import.
    FileDescriptor fd(open_in_root(root_fd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY));
    if (!fd.valid()) {
      if (means_absent(errno)) continue;
      *err = open_error(root, path, errno);
      return false;
    }
    struct stat status;
    if (::fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode)) continue;
    char buffer[4096];
    for (;;) {
      ssize_t size = ::read(fd.get(), buffer, sizeof buffer);
      if (size < 0 && errno == EINTR) continue;
      if (size < 0) {
        *err = std::string("cannot read ") + path + " in the imported tree " + root + ": " +
               strerror(errno);
        return false;
      }
      if (size == 0) break;
      content->append(buffer, static_cast<size_t>(size));
      if (content->size() > kOsReleaseLimit) break;  // ID= comes early; the rest is not ours
    }
    return true;
  }
  return true;
}

std::string shell_quote(std::string_view word) {
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

// What stands at NAME in DIRECTORY, not following a symlink: its mode, or
// 0 when nothing is there.
mode_t entry_mode(int directory_fd, const char* name, off_t* size = nullptr) {
  struct stat status;
  if (::fstatat(directory_fd, name, &status, AT_SYMLINK_NOFOLLOW) != 0) return 0;
  if (size) *size = status.st_size;
  return status.st_mode;
}

// systemd-nspawn --resolv-conf=bind-host mounts the host's resolv.conf over
// the tree's, so that the package manager can resolve its mirrors. It
// needs a regular file to mount over: it creates an empty one when there is
// none (and leaves it behind), and cannot mount over a symlink, which is
// what most images have (-> ../run/systemd/resolve/stub-resolv.conf), so a
// symlink is moved aside for the run and put back after.
class ResolvConfGuard {
 public:
  bool prepare(int etc_fd, const std::string& root, std::string* err) {
    etc_fd_ = etc_fd;
    if (etc_fd_ < 0) return true;
    mode_t mode = entry_mode(etc_fd_, "resolv.conf");
    if (mode == 0) {
      was_missing_ = true;
    } else if (!S_ISREG(mode)) {
      if (::renameat2(etc_fd_, "resolv.conf", etc_fd_, kResolvConfAside, RENAME_NOREPLACE) != 0) {
        *err = "cannot move /etc/resolv.conf aside in the imported tree " + root + ": " +
               strerror(errno);
        return false;
      }
      moved_aside_ = true;
    }
    return true;
  }

  // Puts the tree's resolv.conf back as it was. Only an empty regular file
  // is removed: that is nspawn's mount point, and anything else was made
  // by the packages.
  bool restore(const std::string& root, std::string* err) {
    if (!was_missing_ && !moved_aside_) return true;
    off_t size = -1;
    mode_t mode = entry_mode(etc_fd_, "resolv.conf", &size);
    if (S_ISREG(mode) && size == 0 && ::unlinkat(etc_fd_, "resolv.conf", 0) != 0) {
      *err = "cannot remove the empty /etc/resolv.conf systemd-nspawn left in the imported tree " +
             root + ": " + strerror(errno);
      return false;
    }
    if (moved_aside_ && ::renameat(etc_fd_, kResolvConfAside, etc_fd_, "resolv.conf") != 0) {
      *err =
          "cannot put /etc/resolv.conf back in the imported tree " + root + ": " + strerror(errno);
      return false;
    }
    return true;
  }

 private:
  int etc_fd_ = -1;
  bool was_missing_ = false;
  bool moved_aside_ = false;
};

// A machine ID the packages create (systemd's and dbus's postinst scripts
// do) would be shared by every container cloned from the tree; one that
// was not there before is removed, so each container's systemd makes its
// own at first boot.
class MachineIdGuard {
 public:
  void prepare(int root_fd) {
    for (const char* directory : {"/etc", "/var/lib/dbus"}) {
      FileDescriptor fd(open_in_root(root_fd, directory, O_RDONLY | O_DIRECTORY));
      bool existed = fd.valid() && entry_mode(fd.get(), "machine-id") != 0;
      if (!existed) directories_.push_back(directory);
    }
  }

  bool restore(int root_fd, const std::string& root, std::string* err) {
    for (const std::string& directory : directories_) {
      FileDescriptor fd(open_in_root(root_fd, directory, O_RDONLY | O_DIRECTORY));
      if (!fd.valid() || entry_mode(fd.get(), "machine-id") == 0) continue;
      if (::unlinkat(fd.get(), "machine-id", 0) != 0) {
        *err = "cannot remove the " + directory + "/machine-id the packages created in " + root +
               ": " + strerror(errno);
        return false;
      }
    }
    return true;
  }

 private:
  std::vector<std::string> directories_;  // where there was no machine-id
};

}  // namespace

bool inspect_tree(const std::string& root, TreeInfo* info, std::string* err) {
  *info = TreeInfo{};
  FileDescriptor root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) {
    *err = "cannot open the imported tree " + root + ": " + strerror(errno);
    return false;
  }
  if (!any_executable(root_fd.get(), root, {"/usr/lib/systemd/systemd", "/lib/systemd/systemd"},
                      &info->has_systemd, err))
    return false;
  std::vector<std::string> dbus = in_program_directories("dbus-daemon");
  for (std::string& path : in_program_directories("dbus-broker")) dbus.push_back(std::move(path));
  if (!any_executable(root_fd.get(), root, dbus, &info->has_dbus, err)) return false;
  if (!is_executable(root_fd.get(), root, "/bin/sh", &info->has_shell, err)) return false;
  for (const char* manager : kPackageManagers) {
    bool found;
    if (!any_executable(root_fd.get(), root, in_program_directories(manager), &found, err))
      return false;
    if (found) {
      info->package_manager = manager;
      break;
    }
  }
  std::string os_release;
  if (!read_os_release(root_fd.get(), root, &os_release, err)) return false;
  info->os_id = printable(os_release_id(os_release));

  bool nixos_profile;
  if (!is_executable(root_fd.get(), root, kNixosProfileInit, &nixos_profile, err)) return false;
  info->is_nixos = info->os_id == "nixos" || nixos_profile;
  if (info->is_nixos && !info->has_systemd &&
      !is_executable(root_fd.get(), root, "/sbin/init", &info->has_systemd, err))
    return false;

  bool login_program;
  if (!any_executable(root_fd.get(), root, in_program_directories("login"), &login_program, err) ||
      !is_regular_file(root_fd.get(), root, "/etc/pam.d/login", /*executable=*/false,
                       &info->has_login, err))
    return false;
  info->has_login = info->has_login && login_program;
  std::vector<std::string> pam_unix;
  for (const char* directory : kPamModuleDirectories)
    pam_unix.push_back(std::string(directory) + "/pam_unix.so");
  return any_regular_file(root_fd.get(), root, pam_unix, /*executable=*/false, &info->has_pam, err);
}

std::vector<std::string> missing_boot_packages(const TreeInfo& info) {
  std::vector<std::string> packages;
  if (!info.has_systemd) packages.push_back("systemd");
  // A NixOS tree's dbus is its configuration's business: no package
  // manager here could add it.
  if (!info.has_dbus && !info.is_nixos)
    packages.push_back(info.package_manager == "zypper" ? "dbus-1" : "dbus");
  return packages;
}

std::vector<std::string> missing_login_packages(const TreeInfo& info) {
  std::vector<std::string> packages;
  if (info.package_manager != "dnf" && info.package_manager != "yum") return packages;
  if (!info.has_login) packages.push_back("util-linux");
  if (!info.has_pam) packages.push_back("pam");
  return packages;
}

std::vector<std::string> missing_packages(const TreeInfo& info) {
  std::vector<std::string> packages = missing_boot_packages(info);
  for (std::string& package : missing_login_packages(info)) packages.push_back(std::move(package));
  return packages;
}

std::string install_script(const std::string& package_manager,
                           const std::vector<std::string>& packages) {
  std::vector<std::string> quoted;
  for (const std::string& package : packages) quoted.push_back(shell_quote(package));
  std::string names = join(quoted, " ");
  // set -e: a failing step fails the script, and so systemd-nspawn's exit
  // status, instead of the next step running on.
  std::string script = "set -e\n";
  if (package_manager == "apt-get") {
    // No systemd-sysv: nspawn --boot starts /usr/lib/systemd/systemd
    // itself, and machinectl shell reaches the container's systemd over
    // dbus; systemd-sysv adds only /sbin/init and the halt/reboot links,
    // and replaces whatever init the image chose.
    script +=
        "export DEBIAN_FRONTEND=noninteractive\n"
        "apt-get update\n"
        "apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold " +
        names +
        "\n"
        "apt-get clean\n";
  } else if (package_manager == "dnf") {
    script += "dnf install -y --setopt=install_weak_deps=False " + names + "\ndnf clean all\n";
  } else if (package_manager == "yum") {
    script += "yum install -y " + names + "\nyum clean all\n";
  } else if (package_manager == "zypper") {
    script +=
        "zypper --non-interactive install --no-recommends " + names + "\nzypper clean --all\n";
  } else if (package_manager == "pacman") {
    script += "pacman -Sy --noconfirm --needed " + names + "\n";
  } else if (package_manager == "apk") {
    script += "apk add --no-cache " + names + "\n";
  } else {
    return {};
  }
  return script;
}

bool should_keep_unit() {
  const char* invocation_id = std::getenv("INVOCATION_ID");
  if (invocation_id && *invocation_id) return true;
  return ::access("/run/systemd/system", F_OK) != 0;
}

std::string install_machine_name() {
  static std::atomic<unsigned> count{0};
  return "sdme-import-" + std::to_string(::getpid()) + "-" + std::to_string(++count);
}

std::vector<std::string> install_command(const std::string& nspawn, const std::string& root,
                                         const std::string& machine, const std::string& script,
                                         bool keep_unit) {
  std::vector<std::string> command = {nspawn,
                                      // No banner: the output is kept for error messages.
                                      "--quiet",
                                      // A one-shot install is no machine for machinectl to list.
                                      "--register=no"};
  if (keep_unit) command.push_back("--keep-unit");
  for (const char* option : {// stdin, stdout and stderr as given, no pseudo-terminal: the
                             // output is captured and nothing may wait for a keyboard.
                             "--pipe",
                             // A stub init as PID 1 reaps what package scripts leave behind.
                             "--as-pid2",
                             // DNS for the package manager, without copying the host's
                             // resolver configuration into the image.
                             "--resolv-conf=bind-host",
                             // Neither the host's time zone nor its journal belongs in the image.
                             "--timezone=off", "--link-journal=no",
                             // A stray ROOT.nspawn file must not change how the install runs.
                             "--settings=no"})
    command.push_back(option);
  command.push_back("--directory=" + root);
  // Named, not left to nspawn to derive from the directory: a temporary
  // directory's name need not make a valid host name (nspawn then refuses
  // to start), and two installs at once must not share the name, which
  // nspawn uses for its working directory under /run/systemd/nspawn.
  command.push_back("--machine=" + machine);
  for (const char* word : {"--", "/bin/sh", "-c"}) command.push_back(word);
  command.push_back(script);
  return command;
}

bool install_packages(const std::string& root, const TreeInfo& info,
                      const std::vector<std::string>& packages, std::string* err) {
  if (packages.empty()) return true;
  std::string names = join(packages, " ");
  std::string advice = "; install them in the image yourself or set ImportInstallPackages=no";
  std::string tree = "the imported tree";
  if (info.is_nixos) {
    // Whatever package manager the tree may hold, it is not how NixOS
    // changes its system; the init is all that is missing.
    *err = "cannot install " + names +
           " in the imported NixOS tree: NixOS brings its own systemd, which systemd-nspawn "
           "--boot starts through /sbin/init, and this tree has none; make /sbin/init a link "
           "to " +
           kNixosProfileInit + " in the image, or set ImportInstallPackages=no";
    return false;
  }
  if (info.package_manager.empty()) {
    // The distribution's ID tells the administrator which packages to add.
    if (!info.os_id.empty()) tree += " (ID=" + info.os_id + ")";
    *err = "cannot install " + names + " in " + tree +
           ": it has no package manager (looked for apt-get, dnf, yum, zypper, pacman and apk)" +
           advice;
    return false;
  }
  std::string script = install_script(info.package_manager, packages);
  if (script.empty()) {
    *err = "cannot install " + names + " in " + tree + ": unknown package manager " +
           info.package_manager + advice;
    return false;
  }
  if (!info.has_shell) {
    *err = "cannot install " + names + " in " + tree + ": it has no /bin/sh to run " +
           info.package_manager + " with" + advice;
    return false;
  }

  FileDescriptor root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) {
    *err = "cannot open the imported tree " + root + ": " + strerror(errno);
    return false;
  }
  FileDescriptor etc_fd(open_in_root(root_fd.get(), "/etc", O_RDONLY | O_DIRECTORY));
  ResolvConfGuard resolv_conf;
  if (!resolv_conf.prepare(etc_fd.get(), root, err)) return false;
  MachineIdGuard machine_id;
  machine_id.prepare(root_fd.get());

  ChildProcessResult result;
  std::string run_error;
  bool ran = run_child_process(
      install_command(nspawn_path(), root, install_machine_name(), script, should_keep_unit()),
      &result, &run_error);

  // The tree is put back in order whatever happened, and the first error
  // is the one reported.
  std::string restore_error;
  bool restored = resolv_conf.restore(root, &restore_error);
  if (restored) restored = machine_id.restore(root_fd.get(), root, &restore_error);

  std::string failure = "installing " + names + " in " + tree + " with " + info.package_manager;
  if (!ran) {
    *err = failure + " failed: " + run_error + advice;
    return false;
  }
  if (!result.succeeded()) {
    std::string output = result.output_summary();
    *err = failure + " failed (" + result.describe_status() + ")" +
           (output.empty() ? "" : ": " + output) + advice;
    return false;
  }
  if (!restored) {
    *err = restore_error;
    return false;
  }
  // A package manager that says yes and installs nothing (a repository
  // without the package, a script that ignores failures) must not pass for
  // success: the container would fail to boot much later, far from here.
  if (std::find(packages.begin(), packages.end(), "systemd") != packages.end()) {
    TreeInfo after;
    if (!inspect_tree(root, &after, err)) return false;
    if (!after.has_systemd) {
      *err = failure + " reported success, but the tree still has no /usr/lib/systemd/systemd" +
             advice;
      return false;
    }
  }
  return true;
}

}  // namespace sdme::import
