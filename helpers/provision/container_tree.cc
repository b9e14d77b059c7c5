// A container's mounted overlay and the upper layer below it.
#include "helpers/provision/container_tree.h"

#include "helpers/container/container_layout.h"
#include "helpers/container/mounted_overlay.h"

namespace sdme::provision {
void split_container_path(std::string_view path, std::string_view* directory,
                          std::string_view* name) {
  size_t slash = path.rfind('/');
  *directory = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
  *name = slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool open_container_tree(std::string_view container_name, ContainerTree* tree, std::string* err) {
  container::ContainerLayout layout;
  std::string upper;
  return container::make_container_layout(container_name, &layout, err) &&
         container::open_mounted_overlay(layout, &tree->root, err) &&
         container::find_upper_layer_in_use(layout, &upper, err) &&
         open_tree_root(upper, &tree->upper, err);
}

bool open_container_tree_at(const std::string& root, const std::string& upper, ContainerTree* tree,
                            std::string* err) {
  return open_tree_root(root, &tree->root, err) && open_tree_root(upper, &tree->upper, err);
}

bool inspect_upper_entry(const ContainerTree& tree, std::string_view path, Entry* entry,
                         std::string* err) {
  *entry = Entry{};
  std::string_view directory_path;
  std::string_view name;
  split_container_path(path, &directory_path, &name);
  DirectoryHandle directory;
  if (!open_existing_directory_beneath(tree.upper, directory_path, &directory, err)) return false;
  if (!directory.descriptor.valid()) return true;
  return inspect_entry(directory, name, entry, err);
}

}  // namespace sdme::provision
