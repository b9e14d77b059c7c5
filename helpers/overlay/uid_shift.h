// The UID range a user-namespaced container's overlay is shown in.
//
// systemd-nspawn --private-users=pick picks the range the container's root
// directory is owned by, if that is a free multiple of 65536, and
// --private-users-ownership=auto then changes nothing on disk. Otherwise it
// chowns every file of the tree, which on an overlay copies the whole lower
// layer up: a clone of the host would copy the host. So sdme-overlay picks
// the range itself and shows the lower layer through an ID-mapped mount
// (helpers/container/idmapped_mount.h); the upper layer's own files are
// stored shifted, its root directory owned by the range's first UID. That
// owner is the record of the range: the next start reads it back.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "common/files_beneath.h"
#include "helpers/container/container_layout.h"

namespace sdme::overlay {

// systemd-nspawn's own range for picked shifts (nspawn.c, 252).
constexpr uint32_t kUidRangeSize = 0x10000;
constexpr uint32_t kFirstPickedBase = 0x00080000;
constexpr uint32_t kLastPickedBase = 0x6FFE0000;

struct UidShift {
  bool enabled = false;
  bool pick = false;  // "pick" or "yes": sdme-overlay chooses the base
  uint32_t base = 0;  // the given base otherwise
  uint32_t range = kUidRangeSize;
};

// --private-users= of sdme-overlay mount: "pick", "yes", "UID" or
// "UID:RANGE"; "", "no" and "identity" shift nothing.
bool parse_uid_shift(std::string_view text, UidShift* shift, std::string* err);

// Whether `uid` is a base nspawn could have picked.
bool is_picked_base(uint32_t uid);

// The first base not in `taken`, starting at one derived from the
// container's name, so a container keeps finding the same one.
bool choose_uid_base(std::string_view container_name, const std::set<uint32_t>& taken,
                     uint32_t* base, std::string* err);

// The bases other containers' upper layers are owned by, and those
// systemd-nspawn holds locks on (/run/systemd/nspawn-uid/BASE).
bool uid_bases_in_use(const container::ContainerLayout& layout, std::set<uint32_t>* taken,
                      std::string* err);

// A container started without a user namespace must not use an upper layer
// made for one: its files would not be its root's.
bool check_upper_without_shift(const std::string& upper, std::string* err);

// The base for this start: the one `upper` (the upper layer's root, if it
// exists) is owned by, or a new one. Refuses an upper layer with files made
// without the shift: in the container they would belong to nobody.
bool resolve_uid_base(const UidShift& shift, const container::ContainerLayout& layout,
                      const std::string& upper, uint32_t* base, std::string* err);

}  // namespace sdme::overlay
