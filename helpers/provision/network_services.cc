// The container's systemd-networkd and systemd-resolved, for its link.
#include "helpers/provision/network_services.h"

#include "common/strings.h"
#include "helpers/provision/markers.h"
#include "helpers/provision/tree_files.h"
#include "helpers/provision/unit_enablement.h"

namespace sdme::provision {
namespace {

struct NetworkService {
  std::string_view unit;
  std::string_view effect;  // what the container lacks without it
  std::string_view remedy;  // what to do about a missing unit
};

constexpr NetworkService kNetworkServices[] = {
    {kNetworkdUnit, "its link host0 gets no address",
     "install systemd-networkd in the root file system (part of systemd on some "
     "distributions, a package of its own on others), or configure host0 another way"},
    {kResolvedUnit, "/etc/resolv.conf links to a stub no one serves and host names do not resolve",
     "install systemd-resolved in the root file system"},
};

// The record's text: the marker, then "PATH TARGET" per link.
std::string record_text(const std::vector<UnitLink>& links) {
  std::string text = std::string(kNetworkUnitsMarker) + "\n";
  for (const UnitLink& link : links) text += link.path + " " + link.target + "\n";
  return text;
}

// A recorded link: both paths absolute, the link below /etc/systemd/system,
// neither with "..": anything else is no line this helper wrote.
bool parse_record_line(std::string_view line, UnitLink* link) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return false;
  link->path = std::string(line.substr(0, space));
  link->target = std::string(line.substr(space + 1));
  std::string prefix = std::string(kAdminUnitDirectory) + "/";
  return link->path.compare(0, prefix.size(), prefix) == 0 && !link->target.empty() &&
         link->target[0] == '/' && link->path.find("..") == std::string::npos &&
         link->target.find(' ') == std::string::npos;
}

bool open_record_directory(const ContainerTree& tree, DirectoryHandle* directory,
                           std::string_view* name, std::string* err) {
  std::string_view directory_path;
  split_container_path(kNetworkUnitsRecord, &directory_path, name);
  return open_existing_directory_beneath(tree.root, directory_path, directory, err);
}

// Reads the record when the upper layer holds it with its marker: *found
// false otherwise (never recorded, or taken back).
bool read_record(const ContainerTree& tree, bool* found, std::vector<UnitLink>* links,
                 std::vector<std::string>* notices, std::string* err) {
  *found = false;
  links->clear();
  Entry upper_entry;
  if (!inspect_upper_entry(tree, kNetworkUnitsRecord, &upper_entry, err)) return false;
  if (upper_entry.kind != EntryKind::kRegularFile) return true;
  DirectoryHandle directory;
  std::string_view name;
  if (!open_record_directory(tree, &directory, &name, err)) return false;
  if (!directory.descriptor.valid()) return true;
  std::string text;
  FileAttributes attributes;
  if (!read_tree_file(directory, name, found, &text, &attributes, err)) return false;
  std::vector<std::string> lines = split(text, '\n');
  if (!*found || lines.empty() || lines[0] != kNetworkUnitsMarker) {
    *found = false;
    return true;
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    UnitLink link;
    if (parse_record_line(lines[i], &link)) {
      links->push_back(std::move(link));
    } else {
      notices->push_back(std::string(kNetworkUnitsRecord) + ":" + std::to_string(i + 1) +
                         ": not a link sdme-provision recorded; left alone");
    }
  }
  return true;
}

// The first start with a link: enables what the tree has, records what it
// made.
bool enable_once(const ContainerTree& tree, const std::string& prefix,
                 std::vector<std::string>* notices, std::string* err) {
  std::vector<UnitLink> made;
  for (const NetworkService& service : kNetworkServices) {
    UnitPresence presence;
    std::string path;
    if (!find_vendor_unit(tree.root, service.unit, &presence, &path, err)) return false;
    if (presence != UnitPresence::kPresent) continue;
    std::vector<UnitLink> links;
    std::vector<UnitLink> service_made;
    if (!unit_enablement_links(tree.root, service.unit, &links, err) ||
        !make_unit_links(tree.root, links, &service_made, err)) {
      *err = prefix + "cannot enable " + std::string(service.unit) + ": " + *err;
      return false;
    }
    made.insert(made.end(), service_made.begin(), service_made.end());
  }
  DirectoryHandle directory;
  std::string_view name;
  std::string_view directory_path;
  split_container_path(kNetworkUnitsRecord, &directory_path, &name);
  if (!open_or_create_directory_beneath(tree.root, directory_path, 0755, nullptr, &directory, err))
    return false;
  return write_tree_file(directory, name, record_text(made), FileAttributes{}, err);
}

// Without a link: the recorded links go, then the record. A link that
// cannot go is a notice, not a failed start: the container does not need
// networking to start.
bool take_back(const ContainerTree& tree, std::vector<std::string>* notices, std::string* err) {
  bool found = false;
  std::vector<UnitLink> links;
  if (!read_record(tree, &found, &links, notices, err)) return false;
  if (!found) return true;
  for (const UnitLink& link : links) {
    std::string link_err;
    if (!remove_tree_symlink_if_ours(tree, link.path, link.target, &link_err))
      notices->push_back("cannot take back " + link.path + ": " + link_err);
  }
  return remove_tree_file_if_ours(tree, kNetworkUnitsRecord, kNetworkUnitsMarker, err);
}

}  // namespace

bool set_up_network_services(const ContainerTree& tree, std::string_view network_link,
                             std::vector<std::string>* notices, std::string* err) {
  if (network_link.empty()) return take_back(tree, notices, err);

  std::string prefix = "Network=" + std::string(network_link) + ": ";
  // What the container lacks, said at every start while it lacks it.
  for (const NetworkService& service : kNetworkServices) {
    UnitPresence presence;
    std::string path;
    if (!find_vendor_unit(tree.root, service.unit, &presence, &path, err)) return false;
    if (presence == UnitPresence::kMissing) {
      notices->push_back(prefix + "the container has no " + std::string(service.unit) + ", so " +
                         std::string(service.effect) + "; " + std::string(service.remedy));
    } else if (presence == UnitPresence::kMasked) {
      notices->push_back(prefix + std::string(service.unit) +
                         " is masked in the container and stays off, so " +
                         std::string(service.effect) + "; unmask it in the container to use it");
    }
  }
  bool recorded = false;
  std::vector<UnitLink> links;
  if (!read_record(tree, &recorded, &links, notices, err)) return false;
  if (recorded) return true;
  return enable_once(tree, prefix, notices, err);
}

}  // namespace sdme::provision
