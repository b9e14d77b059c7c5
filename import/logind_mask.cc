// Finding and removing the mask of systemd-logind.service in an imported
// tree, following none of the tree's symlinks.
#include "import/logind_mask.h"

#include "common/files_beneath.h"

namespace sdme::import {
namespace {

constexpr const char* kUnitDirectory = "/etc/systemd/system";
constexpr const char* kLogindUnit = "systemd-logind.service";
// What `systemctl mask` links a unit to. systemd also takes other spellings
// of /dev/null, and an empty file, for a mask; images use this one, and
// anything else may be someone's own and stays.
constexpr const char* kMaskTarget = "/dev/null";

// Opens the tree's unit directory when the logind mask link is in it; leaves
// `directory` closed otherwise.
bool find_mask(const std::string& root, DirectoryHandle* directory, std::string* err) {
  *directory = DirectoryHandle{};
  DirectoryHandle tree;
  if (!open_tree_root(root, &tree, err)) return false;
  DirectoryHandle units;
  if (!open_existing_directory_beneath(tree, kUnitDirectory, &units, err)) return false;
  if (!units.descriptor.valid()) return true;
  Entry entry;
  if (!inspect_entry(units, kLogindUnit, &entry, err)) return false;
  if (entry.kind == EntryKind::kSymlink && entry.link_target == kMaskTarget)
    *directory = std::move(units);
  return true;
}

}  // namespace

bool logind_is_masked(const std::string& root, bool* masked, std::string* err) {
  *masked = false;
  DirectoryHandle units;
  if (!find_mask(root, &units, err)) return false;
  *masked = units.descriptor.valid();
  return true;
}

bool unmask_logind(const std::string& root, bool* unmasked, std::string* err) {
  *unmasked = false;
  DirectoryHandle units;
  if (!find_mask(root, &units, err)) return false;
  if (!units.descriptor.valid()) return true;
  if (!remove_entry(units, kLogindUnit, err)) return false;
  *unmasked = true;
  return true;
}

}  // namespace sdme::import
