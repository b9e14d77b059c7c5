// A container's own /etc/machine-id.
#include "helpers/provision/machine_id.h"

#include <systemd/sd-id128.h>

#include <cstring>

#include "helpers/provision/tree_files.h"

namespace sdme::provision {
namespace {

constexpr std::string_view kEtc = "/etc";
constexpr std::string_view kMachineIdPath = "/etc/machine-id";
constexpr std::string_view kMachineIdName = "machine-id";
constexpr size_t kMachineIdLength = 32;
// systemd writes it 0444: nothing is meant to change it.
constexpr FileAttributes kMachineIdAttributes = {0444, 0, 0};

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

bool is_valid_machine_id(std::string_view content) {
  if (content.size() == kMachineIdLength + 1 && content.back() == '\n') content.remove_suffix(1);
  if (content.size() != kMachineIdLength) return false;
  for (char c : content)
    if (!is_hex_digit(c)) return false;
  // All zeros is SD_ID128_NULL, which systemd never takes for an ID.
  return content.find_first_not_of('0') != std::string_view::npos;
}

bool set_up_machine_id(const ContainerTree& tree, std::string* err) {
  // Written by an earlier run, or committed by the container's systemd:
  // this container's own, kept for good.
  Entry upper_entry;
  if (!inspect_upper_entry(tree, kMachineIdPath, &upper_entry, err)) return false;
  if (upper_entry.kind != EntryKind::kMissing) return true;

  DirectoryHandle etc;
  if (!open_existing_directory_beneath(tree.root, kEtc, &etc, err)) return false;
  if (!etc.descriptor.valid()) return true;
  Entry entry;
  if (!inspect_entry(etc, kMachineIdName, &entry, err)) return false;
  if (entry.kind != EntryKind::kRegularFile) return true;
  bool found = false;
  std::string content;
  FileAttributes attributes;
  if (!read_tree_file(etc, kMachineIdName, &found, &content, &attributes, err)) return false;

  // Missing, empty or "uninitialized": the tree was made to have its ID
  // set at first boot. systemd in the container does that itself and
  // commits it to /etc, which is the upper layer: nothing to do here.
  if (!found || !is_valid_machine_id(content)) return true;

  // A valid ID from the lower layer is someone else's: the host's, or the
  // image's that other containers share. This one gets its own.
  sd_id128_t id;
  int result = sd_id128_randomize(&id);
  if (result < 0) {
    *err = std::string("cannot make a machine ID: ") + std::strerror(-result);
    return false;
  }
  char text[SD_ID128_STRING_MAX];
  std::string new_content = std::string(sd_id128_to_string(id, text)) + "\n";
  return write_tree_file(etc, kMachineIdName, new_content, kMachineIdAttributes, err);
}

}  // namespace sdme::provision
