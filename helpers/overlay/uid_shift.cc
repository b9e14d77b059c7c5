// Choosing and finding the UID range of a user-namespaced container.
#include "helpers/overlay/uid_shift.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <vector>

namespace sdme::overlay {
namespace {

constexpr const char* kNspawnUidLockDirectory = "/run/systemd/nspawn-uid";
constexpr uint32_t kPickedBaseCount = (kLastPickedBase - kFirstPickedBase) / kUidRangeSize + 1;

bool parse_uid(std::string_view text, uint32_t* value) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return error == std::errc() && end == text.data() + text.size();
}

// FNV-1a: stable across builds and machines, unlike std::hash.
uint64_t name_hash(std::string_view name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

using DirectoryStream = std::unique_ptr<DIR, int (*)(DIR*)>;

bool read_directory_names(const std::string& path, std::vector<std::string>* names,
                          std::string* err) {
  DirectoryStream directory(::opendir(path.c_str()), ::closedir);
  if (!directory) {
    if (errno == ENOENT) return true;
    *err = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  while (struct dirent* entry = ::readdir(directory.get())) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names->emplace_back(name);
  }
  return true;
}

// Whether `directory` holds anything.
bool has_entries(const std::string& directory) {
  std::vector<std::string> names;
  std::string ignored;
  return read_directory_names(directory, &names, &ignored) && !names.empty();
}

}  // namespace

bool parse_uid_shift(std::string_view text, UidShift* shift, std::string* err) {
  *shift = UidShift{};
  if (text.empty() || text == "no" || text == "identity") return true;
  shift->enabled = true;
  if (text == "pick" || text == "yes") {
    shift->pick = true;
    return true;
  }
  size_t colon = text.find(':');
  std::string_view range = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  if (!parse_uid(text.substr(0, colon), &shift->base) ||
      (colon != std::string_view::npos && !parse_uid(range, &shift->range)) || shift->range == 0 ||
      uint64_t{shift->base} + shift->range - 1 >= 0xFFFFFFFFULL) {
    *err = "--private-users must be pick, yes, no, identity, UID or UID:RANGE, not '" +
           std::string(text) + "'";
    return false;
  }
  return true;
}

bool is_picked_base(uint32_t uid) {
  return uid >= kFirstPickedBase && uid <= kLastPickedBase && uid % kUidRangeSize == 0;
}

bool choose_uid_base(std::string_view container_name, const std::set<uint32_t>& taken,
                     uint32_t* base, std::string* err) {
  const uint64_t start = name_hash(container_name) % kPickedBaseCount;
  for (uint64_t step = 0; step < kPickedBaseCount; ++step) {
    uint32_t candidate =
        kFirstPickedBase + static_cast<uint32_t>((start + step) % kPickedBaseCount) * kUidRangeSize;
    if (taken.count(candidate) == 0) {
      *base = candidate;
      return true;
    }
  }
  *err = "every UID range systemd-nspawn can pick is in use";
  return false;
}

bool uid_bases_in_use(const container::ContainerLayout& layout, std::set<uint32_t>* taken,
                      std::string* err) {
  std::vector<std::string> names;
  if (!read_directory_names(layout.containers_dir, &names, err)) return false;
  for (const std::string& name : names) {
    if (name == layout.container_name) continue;
    const std::string container = layout.containers_dir + "/" + name;
    for (const std::string& upper : {container + "/upper", container + "/ephemeral/upper"}) {
      struct stat status;
      if (::lstat(upper.c_str(), &status) == 0 && S_ISDIR(status.st_mode) &&
          is_picked_base(status.st_uid))
        taken->insert(status.st_uid);
    }
  }
  std::vector<std::string> locks;
  if (!read_directory_names(kNspawnUidLockDirectory, &locks, err)) return false;
  for (const std::string& lock : locks) {
    uint32_t uid;
    if (parse_uid(lock, &uid) && is_picked_base(uid)) taken->insert(uid);
  }
  return true;
}

bool resolve_uid_base(const UidShift& shift, const container::ContainerLayout& layout,
                      const std::string& upper, uint32_t* base, std::string* err) {
  struct stat status;
  bool upper_exists = ::lstat(upper.c_str(), &status) == 0 && S_ISDIR(status.st_mode);
  if (shift.pick && upper_exists && is_picked_base(status.st_uid) &&
      status.st_gid == status.st_uid) {
    *base = status.st_uid;
    return true;
  }
  const bool owned_as_asked = !shift.pick && status.st_uid == shift.base;
  if (upper_exists && !owned_as_asked && has_entries(upper)) {
    *err = "the upper layer " + upper + " belongs to UID " + std::to_string(status.st_uid) +
           (status.st_uid == 0 ? ", its files made without a user namespace"
                               : ", its files made for another UID range") +
           "; in the container they would belong to nobody. Go back to the earlier "
           "PrivateUsers=/Security= setting, or remove " +
           upper + " to start the container afresh";
    return false;
  }
  if (!shift.pick) {
    *base = shift.base;
    return true;
  }
  std::set<uint32_t> taken;
  return uid_bases_in_use(layout, &taken, err) &&
         choose_uid_base(layout.container_name, taken, base, err);
}

}  // namespace sdme::overlay
