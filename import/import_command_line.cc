#include "import/import_command_line.h"

#include "common/name.h"
#include "common/strings.h"
#include "import/formats/sha256.h"

namespace sdme::import {
namespace {

bool split_option(std::string_view argument, std::string_view* name, std::string_view* value,
                  bool* has_value) {
  if (argument.substr(0, 2) != "--") return false;
  size_t equals = argument.find('=');
  *has_value = equals != std::string_view::npos;
  *name = argument.substr(0, equals);
  *value = *has_value ? argument.substr(equals + 1) : std::string_view();
  return true;
}

}  // namespace

std::string_view import_usage() {
  return "Usage: sdme-import [OPTIONS] SOURCE NAME\n"
         "       sdme-import --unit=NAME\n"
         "\n"
         "Imports a root file system into /var/lib/sdme/rootfs/NAME, all or nothing.\n"
         "SOURCE is a directory, a tarball (gzip, xz, zstd, bzip2, lz4 or none), an OCI\n"
         "image layout or archive, a docker save archive, a QCOW2 or raw disk image, an\n"
         "http:// or https:// URL of one of those files, or a registry image such as\n"
         "docker.io/library/debian:12.\n"
         "\n"
         "  --checksum=sha256:HEX       verify the file or download before committing it\n"
         "  --install-packages=auto|yes|no\n"
         "                              install systemd and dbus into a tree without them\n"
         "                              (auto: only when a container boots it; default auto)\n"
         "  --boot / --no-boot          whether a container will boot the tree (default: boot)\n"
         "  --app                       an application image: its config must come with it,\n"
         "                              and the tree is not booted (implies --no-boot)\n"
         "  --max-size=SIZE             refuse to unpack more than SIZE (default 8G)\n"
         "  --architecture=ARCH         OCI platform to pick (default: this machine's)\n"
         "  --unit=NAME                 run as sdme-import@NAME.service\n"
         "  -h, --help                  show this help\n"
         "\n"
         "See sdme-import(8).\n";
}

bool parse_import_command_line(const std::vector<std::string>& arguments, ImportCommand* command,
                               std::string* err) {
  *command = ImportCommand();
  command->request.boot = true;
  std::vector<std::string> positional;
  bool options_ended = false;
  for (const std::string& argument : arguments) {
    std::string_view name, value;
    bool has_value = false;
    if (options_ended || !split_option(argument, &name, &value, &has_value)) {
      if (!options_ended && argument == "-h") {
        command->help = true;
        return true;
      }
      if (!options_ended && argument.size() > 1 && argument[0] == '-') {
        *err = "unknown option '" + argument + "'";
        return false;
      }
      positional.push_back(argument);
      continue;
    }
    if (argument == "--") {
      options_ended = true;
      continue;
    }
    bool takes_value = name == "--checksum" || name == "--install-packages" ||
                       name == "--max-size" || name == "--architecture" || name == "--unit";
    bool is_flag = name == "--help" || name == "--boot" || name == "--no-boot" || name == "--app";
    // Before the value checks: "--bogus=1" is an unknown option, not a flag
    // given a value.
    if (!takes_value && !is_flag) {
      *err = "unknown option '" + std::string(name) + "'";
      return false;
    }
    if (takes_value && (!has_value || value.empty())) {
      *err = "option " + std::string(name) + " needs a value: " + std::string(name) + "=VALUE";
      return false;
    }
    if (!takes_value && has_value) {
      *err = "option " + std::string(name) + " takes no value";
      return false;
    }
    if (name == "--help") {
      command->help = true;
      return true;
    } else if (name == "--checksum") {
      std::string hex;
      if (!parse_sha256_checksum(value, &hex, err)) return false;
      command->request.checksum = "sha256:" + hex;
    } else if (name == "--install-packages") {
      if (!parse_install_packages(value, &command->request.install_packages)) {
        *err = "invalid --install-packages='" + std::string(value) + "', expected yes, no or auto";
        return false;
      }
    } else if (name == "--boot") {
      command->request.boot = true;
    } else if (name == "--no-boot") {
      command->request.boot = false;
    } else if (name == "--app") {
      command->request.app = true;
    } else if (name == "--max-size") {
      if (!parse_size(value, &command->request.max_size, err)) {
        *err = "invalid --max-size: " + *err;
        return false;
      }
      // 0 is how a .sdme file says "the default"; on a command line it
      // would read as "nothing at all".
      if (command->request.max_size == 0) {
        *err = "--max-size must be more than 0";
        return false;
      }
    } else if (name == "--architecture") {
      command->architecture = std::string(value);
    } else if (name == "--unit") {
      command->unit_rootfs = std::string(value);
    }
  }

  if (!command->unit_rootfs.empty()) {
    // The .sdme files say everything; mixing would be ambiguous.
    if (!positional.empty() || arguments.size() != 1) {
      *err = "--unit=NAME takes no other arguments; its settings come from the .sdme file";
      return false;
    }
    return validate_rootfs_name(command->unit_rootfs, err);
  }
  if (positional.size() != 2) {
    *err = positional.size() < 2 ? "expected SOURCE and NAME"
                                 : "too many arguments, expected SOURCE and NAME";
    return false;
  }
  command->request.source = positional[0];
  command->request.rootfs = positional[1];
  // An app runs under the container's systemd, from the base's tree.
  if (command->request.app) command->request.boot = false;
  return validate_rootfs_name(command->request.rootfs, err);
}

}  // namespace sdme::import
