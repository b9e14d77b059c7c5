// Enabling a unit of a container's tree, as `systemctl enable` does.
#include "helpers/provision/unit_enablement.h"

#include <set>

#include "helpers/provision/tree_files.h"
#include "sdme_file/unit_file.h"
#include "sdme_file/words.h"

namespace sdme::provision {
namespace {

constexpr std::string_view kMaskTarget = "/dev/null";
constexpr std::string_view kInstallSection = "Install";
constexpr mode_t kDirectoryMode = 0755;
// systemctl follows Also= chains too; a handful of levels is more than any
// distribution's units use, and the visited set stops a loop anyway.
constexpr size_t kMaxUnits = 16;

// The words of every assignment of KEY in [Install], in order.
bool install_words(const file::UnitFile& unit, std::string_view key,
                   std::vector<std::string>* words, std::string* err) {
  words->clear();
  for (const file::UnitEntry* entry : unit.lookup_list(kInstallSection, key)) {
    std::vector<std::string> split;
    if (!file::split_words(entry->value, &split, err)) {
      *err = entry->location() + ": " + *err;
      return false;
    }
    words->insert(words->end(), split.begin(), split.end());
  }
  return true;
}

// A unit name [Install] may name: no path, no template to instantiate.
bool is_plain_unit_name(std::string_view name) {
  return !name.empty() && name.find('/') == std::string_view::npos &&
         name.find('@') == std::string_view::npos && name.find('.') != std::string_view::npos &&
         name != "." && name != "..";
}

bool read_unit_file(const DirectoryHandle& root, const std::string& path, file::UnitFile* unit,
                    std::string* err) {
  std::string_view directory_path;
  std::string_view name;
  split_container_path(path, &directory_path, &name);
  DirectoryHandle directory;
  if (!open_existing_directory_beneath(root, directory_path, &directory, err)) return false;
  bool found = false;
  std::string text;
  FileAttributes attributes;
  if (!read_tree_file(directory, name, &found, &text, &attributes, err)) return false;
  return unit->parse(path, text, err);
}

// The links of one unit's [Install]; the units its Also= names go to `also`.
bool links_of_unit(const DirectoryHandle& root, std::string_view name, const std::string& path,
                   std::vector<UnitLink>* links, std::vector<std::string>* also, std::string* err) {
  file::UnitFile unit;
  if (!read_unit_file(root, path, &unit, err)) return false;
  std::vector<std::string> words;
  const std::pair<std::string_view, std::string_view> dependencies[] = {
      {"WantedBy", ".wants"}, {"RequiredBy", ".requires"}};
  for (const auto& [key, suffix] : dependencies) {
    if (!install_words(unit, key, &words, err)) return false;
    for (const std::string& target : words) {
      if (!is_plain_unit_name(target)) continue;
      links->push_back({std::string(kAdminUnitDirectory) + "/" + target + std::string(suffix) +
                            "/" + std::string(name),
                        path});
    }
  }
  if (!install_words(unit, "Alias", &words, err)) return false;
  for (const std::string& alias : words) {
    if (is_plain_unit_name(alias) && alias != name)
      links->push_back({std::string(kAdminUnitDirectory) + "/" + alias, path});
  }
  if (!install_words(unit, "Also", &words, err)) return false;
  for (const std::string& other : words)
    if (is_plain_unit_name(other)) also->push_back(other);
  return true;
}

}  // namespace

bool find_vendor_unit(const DirectoryHandle& root, std::string_view name, UnitPresence* presence,
                      std::string* path, std::string* err) {
  *presence = UnitPresence::kMissing;
  path->clear();
  for (std::string_view directory_path : kVendorUnitDirectories) {
    DirectoryHandle directory;
    if (!open_existing_directory_beneath(root, directory_path, &directory, err)) return false;
    if (!directory.descriptor.valid()) continue;
    Entry entry;
    if (!inspect_entry(directory, name, &entry, err)) return false;
    if (entry.kind == EntryKind::kRegularFile) {
      *path = std::string(directory_path) + "/" + std::string(name);
      *presence = UnitPresence::kPresent;
      break;
    }
  }
  if (*presence == UnitPresence::kMissing) return true;
  DirectoryHandle admin_units;
  if (!open_existing_directory_beneath(root, kAdminUnitDirectory, &admin_units, err)) return false;
  if (!admin_units.descriptor.valid()) return true;
  Entry entry;
  if (!inspect_entry(admin_units, name, &entry, err)) return false;
  if (entry.kind == EntryKind::kSymlink && entry.link_target == kMaskTarget)
    *presence = UnitPresence::kMasked;
  return true;
}

bool unit_enablement_links(const DirectoryHandle& root, std::string_view name,
                           std::vector<UnitLink>* links, std::string* err) {
  links->clear();
  std::vector<std::string> pending = {std::string(name)};
  std::set<std::string, std::less<>> seen;
  while (!pending.empty() && seen.size() < kMaxUnits) {
    std::string unit = std::move(pending.front());
    pending.erase(pending.begin());
    if (!seen.insert(unit).second) continue;
    UnitPresence presence;
    std::string path;
    if (!find_vendor_unit(root, unit, &presence, &path, err)) return false;
    if (presence != UnitPresence::kPresent) continue;
    if (!links_of_unit(root, unit, path, links, &pending, err)) return false;
  }
  return true;
}

bool make_unit_links(const DirectoryHandle& root, const std::vector<UnitLink>& links,
                     std::vector<UnitLink>* made, std::string* err) {
  for (const UnitLink& link : links) {
    std::string_view directory_path;
    std::string_view name;
    split_container_path(link.path, &directory_path, &name);
    DirectoryHandle directory;
    if (!open_or_create_directory_beneath(root, directory_path, kDirectoryMode, nullptr, &directory,
                                          err))
      return false;
    Entry entry;
    if (!inspect_entry(directory, name, &entry, err)) return false;
    if (entry.kind != EntryKind::kMissing) continue;
    if (!write_tree_symlink(directory, name, link.target, err)) return false;
    made->push_back(link);
  }
  return true;
}

}  // namespace sdme::provision
