// Name resolution for a container, prepared through its mounted overlay.
#include "helpers/dns/container_dns.h"

#include "helpers/container/container_layout.h"
#include "common/files_beneath.h"
#include "helpers/container/mounted_overlay.h"
#include "common/rollback.h"

namespace sdme::dns {
namespace {

constexpr std::string_view kResolvConfDirectory = "/etc";
constexpr std::string_view kResolvConfFile = "resolv.conf";
constexpr std::string_view kUnitDirectory = "/etc/systemd/system";
constexpr std::string_view kResolvedUnitFile = "systemd-resolved.service";
constexpr std::string_view kMaskTarget = "/dev/null";

bool is_mask(const Entry& entry) {
  return entry.kind == EntryKind::kSymlink && entry.link_target == kMaskTarget;
}

// /etc, created when missing, with what stands at /etc/resolv.conf in it.
bool open_resolv_conf(const DirectoryHandle& root, Rollback* rollback, DirectoryHandle* etc,
                      Entry* entry, std::string* err) {
  if (!open_or_create_directory_beneath(root, kResolvConfDirectory, rollback, etc, err)) {
    *err = "cannot write /etc/resolv.conf: " + *err;
    return false;
  }
  if (!inspect_entry(*etc, kResolvConfFile, entry, err)) return false;
  if (entry->kind == EntryKind::kDirectory || entry->kind == EntryKind::kOther) {
    *err = etc->path + "/resolv.conf is not a file; remove it inside the container";
    return false;
  }
  return true;
}

bool write_resolv_conf_placeholder(const DirectoryHandle& root, Rollback* rollback,
                                   std::string* err) {
  DirectoryHandle etc;
  Entry entry;
  if (!open_resolv_conf(root, rollback, &etc, &entry, err)) return false;
  if (entry.kind == EntryKind::kRegularFile) {
    bool same = false;
    if (!file_has_content(etc, kResolvConfFile, kResolvConfPlaceholder, &same, err)) return false;
    if (same) return true;
  }
  // A rename replaces a symlink itself, never the file it points to.
  return replace_file(etc, kResolvConfFile, kResolvConfPlaceholder, 0644, err);
}

bool link_resolv_conf_to_stub(const DirectoryHandle& root, Rollback* rollback, std::string* err) {
  DirectoryHandle etc;
  Entry entry;
  if (!open_resolv_conf(root, rollback, &etc, &entry, err)) return false;
  if (entry.kind == EntryKind::kSymlink && entry.link_target == kResolvedStubLink) return true;
  return replace_symlink(etc, kResolvConfFile, kResolvedStubLink, err);
}

// The container uses the host's resolver through the shared network; its
// own resolved would fight over /etc/resolv.conf and port 53 of the host.
// Only an empty place gets the mask: a unit file or a link there is the
// container's own (or its image's), and unmask_resolved() could not give it
// back.
bool mask_resolved(const DirectoryHandle& root, Rollback* rollback, std::string* err) {
  DirectoryHandle units;
  if (!open_or_create_directory_beneath(root, kUnitDirectory, rollback, &units, err)) {
    *err = "cannot write " + std::string(kResolvedMaskPath) + ": " + *err;
    return false;
  }
  Entry entry;
  if (!inspect_entry(units, kResolvedUnitFile, &entry, err)) return false;
  if (is_mask(entry)) return true;
  std::string path = units.path + "/" + std::string(kResolvedUnitFile);
  std::string remedy = "; remove it inside the container, or give the container a private network";
  switch (entry.kind) {
    case EntryKind::kMissing:
      return replace_symlink(units, kResolvedUnitFile, kMaskTarget, err);
    case EntryKind::kRegularFile:
      *err = "cannot mask systemd-resolved: " + path + " is a unit file of the container's own" +
             remedy;
      return false;
    case EntryKind::kSymlink:
      *err = "cannot mask systemd-resolved: " + path + " is a link of the container's own to " +
             entry.link_target + remedy;
      return false;
    default:
      *err = "cannot mask systemd-resolved: " + path + " is not a unit file" + remedy;
      return false;
  }
}

// Only a mask this helper can have made is taken back: a link to /dev/null
// that the container's upper layer holds. A mask in the lower layer is the
// image's own choice, and removing it through the overlay would only hide it
// behind a whiteout. (A mask made inside the container by "systemctl mask"
// looks the same as ours and goes too; private networking wants resolved.)
// The upper layer is only read here.
bool unmask_resolved(const DirectoryHandle& root, const std::string& upper, std::string* err) {
  DirectoryHandle units;
  if (!open_existing_directory_beneath(root, kUnitDirectory, &units, err)) return false;
  if (!units.descriptor.valid()) return true;
  Entry entry;
  if (!inspect_entry(units, kResolvedUnitFile, &entry, err)) return false;
  if (!is_mask(entry)) return true;

  DirectoryHandle upper_root;
  DirectoryHandle upper_units;
  Entry upper_entry;
  if (!open_tree_root(upper, &upper_root, err) ||
      !open_existing_directory_beneath(upper_root, kUnitDirectory, &upper_units, err))
    return false;
  if (!upper_units.descriptor.valid()) return true;
  if (!inspect_entry(upper_units, kResolvedUnitFile, &upper_entry, err)) return false;
  if (!is_mask(upper_entry)) return true;
  return remove_entry(units, kResolvedUnitFile, err);
}

}  // namespace

bool set_up_container_dns(std::string_view container_name, DnsNetwork mode, std::string* err) {
  container::ContainerLayout layout;
  if (!container::make_container_layout(container_name, &layout, err)) return false;
  DirectoryHandle root;
  if (!container::open_mounted_overlay(layout, &root, err)) return false;

  // Directories this run created go again if a later step fails; files are
  // each replaced atomically, so none is ever half-written.
  Rollback rollback;
  bool done = false;
  if (mode == DnsNetwork::kHost) {
    done =
        write_resolv_conf_placeholder(root, &rollback, err) && mask_resolved(root, &rollback, err);
  } else {
    std::string upper;
    done = link_resolv_conf_to_stub(root, &rollback, err) &&
           container::find_upper_layer_in_use(layout, &upper, err) && unmask_resolved(root, upper, err);
  }
  if (done) rollback.commit();
  return done;
}

}  // namespace sdme::dns
