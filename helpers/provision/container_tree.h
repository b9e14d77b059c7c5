// A container's tree as sdme-provision sees it: the mounted overlay, which
// every change goes through, and the upper layer it writes into, which is
// only ever read. Whether a file is in the upper layer tells the
// container's own files (kept) from what its lower layer brings (the
// host's own in a host clone, or an image shared by many containers).
//
// The tests hand in two plain directories, so every rule that asks "is it
// in the upper layer?" runs without a mount.
#pragma once

#include <string>
#include <string_view>

#include "common/files_beneath.h"

namespace sdme::provision {

struct ContainerTree {
  DirectoryHandle root;   // merged/: read and written
  DirectoryHandle upper;  // the upper layer in use: read only
};

// Opens STATE/containers/NAME/merged, failing unless sdme's overlay is
// mounted there, and the upper layer it uses.
bool open_container_tree(std::string_view container_name, ContainerTree* tree, std::string* err);

// Opens two directories as a tree, for tests.
bool open_container_tree_at(const std::string& root, const std::string& upper, ContainerTree* tree,
                            std::string* err);

// What stands at PATH (absolute, as the container sees it) in the upper
// layer, following no symlink on the way; kMissing when a directory on the
// way is missing or is not a directory. A whiteout is kOther.
bool inspect_upper_entry(const ContainerTree& tree, std::string_view path, Entry* entry,
                         std::string* err);

// "/etc/ssh/x" -> "/etc/ssh" and "x".
void split_container_path(std::string_view path, std::string_view* directory,
                          std::string_view* name);

}  // namespace sdme::provision
