// Choosing and finding the UID range of a user-namespaced container.
#include "helpers/overlay/uid_shift.h"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <vector>

#include "common/strings.h"

namespace sdme::overlay {
namespace {

constexpr const char* kNspawnUidLockDirectory = "/run/systemd/nspawn-uid";
constexpr uint32_t kPickedBaseCount = (kLastPickedBase - kFirstPickedBase) / kUidRangeSize + 1;

bool parse_uid(std::string_view text, uint32_t* value) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return error == std::errc() && end == text.data() + text.size();
}

using DirectoryStream = std::unique_ptr<DIR, int (*)(DIR*)>;

// Whether systemd-nspawn holds BASE for a running container: it keeps a
// lock file of that name while it does (nspawn.c, 252).
bool nspawn_holds_range(uint32_t base) {
  const std::string lock = std::string(kNspawnUidLockDirectory) + "/" + std::to_string(base);
  return ::access(lock.c_str(), F_OK) == 0;
}

// Whether the user database names the first or last ID of a range, which
// systemd-nspawn's pick refuses too (uid_shift_pick()).
bool user_database_uses(uint32_t base) {
  const uint32_t last = base + kUidRangeSize - 1;
  return ::getpwuid(base) != nullptr || ::getpwuid(last) != nullptr ||
         ::getgrgid(base) != nullptr || ::getgrgid(last) != nullptr;
}

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
  // The helpers take the owner of a container's root for its root user
  // only when it is such a base (common/files_beneath.h).
  if (shift->base == 0 || shift->base % kUidRangeSize != 0) {
    *err = "--private-users=" + std::string(text) +
           ": the first UID must be a multiple of 65536 above 0, as systemd-nspawn picks them";
    return false;
  }
  return true;
}

bool is_picked_base(uint32_t uid) {
  return uid >= kFirstPickedBase && uid <= kLastPickedBase && uid % kUidRangeSize == 0;
}

bool choose_uid_base(std::string_view container_name, const std::set<uint32_t>& taken,
                     uint32_t* base, std::string* err) {
  const uint64_t start = fnv1a_hash(container_name) % kPickedBaseCount;
  for (uint64_t step = 0; step < kPickedBaseCount; ++step) {
    uint32_t candidate =
        kFirstPickedBase + static_cast<uint32_t>((start + step) % kPickedBaseCount) * kUidRangeSize;
    if (taken.count(candidate) == 0 && !user_database_uses(candidate)) {
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

bool check_upper_without_shift(const std::string& upper, std::string* err) {
  struct stat status = {};
  if (::lstat(upper.c_str(), &status) != 0 || !S_ISDIR(status.st_mode) ||
      !is_shifted_root_owner(status.st_uid, status.st_gid))
    return true;
  *err = "the upper layer " + upper + " belongs to UID " + std::to_string(status.st_uid) +
         ", its files made for a user namespace; without one (PrivateUsers=, Security=) the "
         "container's root would not own them. Go back to the earlier setting, or remove " +
         upper + " to start the container afresh";
  return false;
}

bool resolve_uid_base(const UidShift& shift, const container::ContainerLayout& layout,
                      const std::string& upper, uint32_t* base, std::string* err) {
  struct stat status = {};
  bool upper_exists = ::lstat(upper.c_str(), &status) == 0 && S_ISDIR(status.st_mode);
  if (shift.pick && upper_exists && is_picked_base(status.st_uid) &&
      status.st_gid == status.st_uid) {
    // nspawn's own pick skips a range another nspawn holds and would then
    // chown the whole tree into a random one: refuse instead.
    if (nspawn_holds_range(status.st_uid)) {
      *err = "the UID range " + std::to_string(status.st_uid) + " that " + upper +
             " belongs to is held by another running systemd-nspawn container; stop that one, "
             "or remove " +
             upper + " to start this container afresh in another range";
      return false;
    }
    *base = status.st_uid;
    return true;
  }
  const bool owned_as_asked = upper_exists && !shift.pick && status.st_uid == shift.base;
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
