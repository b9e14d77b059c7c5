// Creating directories inside an overlay layer without following symlinks.
// A layer's contents belong to the container: a symlink it planted there
// (say /etc -> /root) must never lead a helper running as root on the host
// to write outside the layer.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/file_descriptor.h"

namespace sdme::overlay {

struct DirectoryAttributes {
  mode_t mode = 0755;
  uid_t owner = 0;
  gid_t group = 0;
};

// mkdir with exactly these attributes, whatever the umask.
bool create_directory(const std::string& path, const DirectoryAttributes& attributes,
                      std::string* err);

// An overlayfs whiteout: a 0/0 character device standing for a deleted entry.
bool is_whiteout(const struct stat& status);

enum class LayerDirectoryState {
  kReady,
  // The container deleted the directory or one of its parents; a whiteout
  // stands in its place, so the lower layer's copy is hidden already.
  kHiddenByWhiteout,
};

// Makes LAYER_ROOT/PATH a directory, where PATH is the absolute path the
// container sees. Missing components get what overlayfs' own copy-up would
// give them: the mode and owner of the same directory under `model_root`
// (the lower layer) when there is one, 0755 root:root otherwise or when
// `model_root` is empty. Refuses a symlink or non-directory on the way in
// the layer, and one in the model where a directory is to be created.
// Nothing in either is followed (common/open_beneath.h): below a symlink or
// file of the model there is no model. Appends each directory it creates
// to `created`, parents first. When ready, `directory` (unless null) is
// the directory, open.
bool make_layer_directories(const std::string& layer_root, std::string_view path,
                            const std::string& model_root, LayerDirectoryState* state,
                            std::vector<std::string>* created, FileDescriptor* directory,
                            std::string* err);

}  // namespace sdme::overlay
