// What sdme-app does to a container's tree.
#include "helpers/app/app_setup.h"

#include "helpers/app/app_image.h"
#include "helpers/app/app_spec.h"
#include "helpers/app/app_unit.h"
#include "helpers/app/container_user_database.h"
#include "helpers/provision/tree_files.h"

namespace sdme::app {
namespace {

using provision::FileAttributes;
using provision::read_tree_file;
using provision::write_tree_file;

constexpr std::string_view kEtc = "/etc";
constexpr std::string_view kPasswd = "passwd";
constexpr std::string_view kGroup = "group";
// passwd(5) and group(5) are world-readable, root's.
constexpr FileAttributes kNewUserDatabaseAttributes = {0644, 0, 0};
constexpr FileAttributes kUnitAttributes = {0644, 0, 0};
constexpr mode_t kDirectoryMode = 0755;

// NAME in /etc as `edit(text, &edited, err)` makes it, keeping its mode
// and owner.
template <typename Edit>
bool edit_user_database(const DirectoryHandle& etc, std::string_view name, Edit edit,
                        std::string* err) {
  bool found = false;
  std::string text;
  FileAttributes attributes;
  if (!provision::read_tree_file(etc, name, &found, &text, &attributes, err)) return false;
  if (!found) attributes = kNewUserDatabaseAttributes;
  std::string edited;
  if (!edit(text, &edited, err)) return false;
  if (edited == text) return true;
  return write_tree_file(etc, name, edited, attributes, err);
}

bool add_app_identity(const provision::ContainerTree& tree, const AppIdentity& identity,
                      std::string* err) {
  if (identity.uid == 0 && identity.gid == 0) return true;
  DirectoryHandle etc;
  if (!open_or_create_directory_beneath(tree.root, kEtc, kDirectoryMode, nullptr, &etc, err))
    return false;
  // The group first: a user whose primary group is not listed yet would
  // name a group that does not exist.
  return edit_user_database(
             etc, kGroup,
             [&](std::string_view text, std::string* edited, std::string* message) {
               return with_app_group(text, identity.gid, edited, message);
             },
             err) &&
         edit_user_database(
             etc, kPasswd,
             [&](std::string_view text, std::string* edited, std::string* message) {
               return with_app_user(text, identity.uid, identity.gid, edited, message);
             },
             err);
}

bool write_app_unit(const provision::ContainerTree& tree, const std::string& unit_text,
                    std::string* err) {
  std::string_view directory_path;
  std::string_view name;
  provision::split_container_path(kAppUnitPath, &directory_path, &name);
  DirectoryHandle units;
  if (!open_or_create_directory_beneath(tree.root, directory_path, kDirectoryMode, nullptr, &units,
                                        err) ||
      !write_tree_file(units, name, unit_text, kUnitAttributes, err))
    return false;
  std::string_view link_directory_path;
  std::string_view link_name;
  provision::split_container_path(kAppUnitLinkPath, &link_directory_path, &link_name);
  DirectoryHandle wants;
  return open_or_create_directory_beneath(tree.root, link_directory_path, kDirectoryMode, nullptr,
                                          &wants, err) &&
         provision::write_tree_symlink(wants, link_name, kAppUnitPath, err);
}

}  // namespace

bool read_app_setup(const std::string& rootfs_dir, const AppRequest& request, AppSetup* setup,
                    std::string* err) {
  AppOverrides overrides;
  overrides.entrypoint = request.entrypoint;
  overrides.exec = request.exec;
  overrides.environment = request.environment;
  overrides.user = request.user;
  overrides.working_directory = request.working_directory;
  AppSpec image;
  AppSpec spec;
  if (!read_app_image(rootfs_dir, request.image_rootfs, &image, err) ||
      !merge_app_spec(image, overrides, &spec, err) ||
      !read_app_identity(rootfs_dir + "/" + request.image_rootfs, spec.user, &setup->identity, err))
    return false;
  AppUnitSettings settings;
  settings.root_directory = std::string(kAppRootDirectory);
  settings.description = "Application image " + request.image_rootfs;
  settings.network_namespace = request.network_namespace;
  setup->working_directory = spec.working_directory.empty() ? "/" : spec.working_directory;
  return app_unit_text(spec, setup->identity, settings, &setup->unit_text, err);
}

bool write_app_setup(const provision::ContainerTree& tree, const AppSetup& setup,
                     std::string* err) {
  DirectoryHandle app_root;
  // The unit last: it is what makes systemd start the app, and it should
  // find the user and the mount point in place.
  return add_app_identity(tree, setup.identity, err) &&
         open_or_create_directory_beneath(tree.root, kAppRootDirectory, kDirectoryMode, nullptr,
                                          &app_root, err) &&
         write_app_unit(tree, setup.unit_text, err);
}

bool take_back_app(const provision::ContainerTree& tree, std::string* err) {
  // The link first: a link left without its unit would be a dangling
  // enablement.
  return provision::remove_tree_symlink_if_ours(tree, kAppUnitLinkPath, kAppUnitPath, err) &&
         provision::remove_tree_file_if_ours(tree, kAppUnitPath, kAppUnitMarker, err);
}

}  // namespace sdme::app
